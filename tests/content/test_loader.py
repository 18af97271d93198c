import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from content.demo.loader import load_content, resolve_source
from content.demo.seeds import SeedError
from content.models import CaseStudyPage, RegulationPage, StudyMaterialPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_pages(demo_site, db):
    """The report of the demo's content loader (the demo is in the database)."""
    return demo_site.pages


def test_loader_builds_regulations_materials_and_cases(demo_pages):
    """The five documents become three regulations and two materials, plus >= 6 case studies."""
    assert RegulationPage.objects.live().count() == 3
    assert StudyMaterialPage.objects.live().count() == 2
    assert CaseStudyPage.objects.live().count() >= 6


def test_loader_is_idempotent(demo_pages):
    """Running the loader again creates no page and no revision."""
    pages, revisions = Page.objects.count(), Revision.objects.count()
    report = load_content(seeds_dir=settings.DEMO_SEEDS_DIR)
    assert report.created == []
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)


def test_notice_has_its_eighteen_items(demo_pages):
    """The notice's 18 numbered items are articles art-1 … art-18 in five parts."""
    notice = RegulationPage.objects.get(slug="sixiang-jiandu-xuexi-tongzhi")
    articles = list(notice.articles.all())
    assert [a.number for a in articles] == list(range(1, 19))
    assert len({a.section for a in articles}) == 5
    assert "以测促学" in articles[1].body
    assert notice.signature.startswith("中共常州市委组织部")


def test_conversion_errors_and_boilerplate_are_cleaned(demo_pages):
    """Document 001 reads 科学发展观 and 原则, without the download site's boilerplate."""
    text = _all_text(RegulationPage.objects.get(slug="tigao-xuanren-yongren-gongxindu"))
    assert "科学发展观" in text and "原则" in text
    for artifact in ("科学开展观", "原那么", "温馨提示", "网站客服", "〞"):
        assert artifact not in text


def test_report_page_numbers_are_removed(demo_pages):
    """The research report no longer has page numbers glued into its words."""
    report = StudyMaterialPage.objects.get(slug="quanguocheng-jiandu-diaoyan-baogao")
    text = "".join(str(block.value) for block in report.body)
    assert "工作2条例" not in text and "选拔任用工作条例" in text
    assert "以来3召开" not in text and "近20次" in text


def test_every_case_study_cites_a_source(demo_pages):
    """Each case study links at least one regulation article or study material."""
    for case in CaseStudyPage.objects.all():
        assert case.article_links.exists() or case.related_materials.exists(), case.title


def test_quotation_resolves_to_the_article_holding_it(demo_pages):
    """A short quotation resolves to the article whose text holds it."""
    article = resolve_source("001", "至少保证8个学时")
    assert "8个学时" in article.body


def test_unknown_quotation_is_an_error(demo_pages):
    """A quotation found nowhere raises a clear error naming the document."""
    with pytest.raises(SeedError, match="找不到引文"):
        resolve_source("000", "这句话不在任何文件里")


def test_missing_seed_directory_is_reported(tmp_path):
    """A missing seeds folder gives a Chinese error and writes nothing."""
    pages = Page.objects.count()
    with pytest.raises(CommandError, match="找不到演示材料目录"):
        call_command("load_demo", seeds=str(tmp_path / "nowhere"))
    assert Page.objects.count() == pages


def _all_text(page: RegulationPage) -> str:
    return page.preamble + "".join(a.heading + a.body for a in page.articles.all())
