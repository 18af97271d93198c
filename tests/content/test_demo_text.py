"""The demo's documents as pages: titles from the documents, conversion faults mended, every
article cited unambiguously, the history of a text and the nature of a case said plainly."""

import pytest

from content.demo import seeds
from content.models import CaseStudyPage, RegulationPage

OPINION = "tigao-xuanren-yongren-gongxindu"
COUNTY_PLAN = "youxiao-jiandu-xianwei-shuji-yongren"


def text_of(page: RegulationPage) -> str:
    return page.preamble + "".join(a.heading + a.body for a in page.articles.all())


def test_titles_are_read_from_the_documents():
    """A document that states its title gives it to its page, after the site's debris."""
    assert seeds.title_001("温馨提示:\n网站客服:1\n提高\n某某实施意见\n正文") == "某某实施意见"
    assert seeds.title_002("\n某县用人方案\n\n时间:2022\n某县用人方案\n正文") == "某县用人方案"
    assert seeds.title_004("1XXX全过程监督专题调研报告中共XXX委组织部:") == "全过程监督专题调研报告"


def test_a_report_without_its_title_is_a_clear_error():
    """A report whose opening is not its title is refused with a message naming it."""
    with pytest.raises(seeds.SeedError, match="004"):
        seeds.title_004("中共某市委组织部:按照通知要求")


def test_repeated_labels_get_ordinals():
    """A list restarted under one heading and two paragraphs under one part read differently."""
    doc = seeds.parse_regulation("一、甲\n(一)乙\n1.第一。\n2.第二。\n小标题:\n1.又一。")
    assert [a.label for a in doc.articles] == ["一(一)1.", "一(一)2.", "一(一)之二1."]


def test_blanked_words_read_as_unknown_not_as_asterisks():
    """A blanked county reads 某县, any other blanked word ××."""
    assert seeds.anonymize("**县在**年") == "某县在××年"


@pytest.mark.django_db
class TestLoadedDemo:
    @pytest.fixture(autouse=True)
    def _demo(self, demo_site):
        pass

    def test_pages_carry_the_documents_titles(self):
        """Each page is titled as its document titles itself."""
        assert RegulationPage.objects.get(slug=OPINION).title == "提高选人用人公信度的实施意见"
        assert RegulationPage.objects.get(slug=COUNTY_PLAN).title == "有效监督县委书记用人方案"

    def test_the_city_opinion_reads_as_written(self):
        """The words the conversion garbled into other real words are mended."""
        text = text_of(RegulationPage.objects.get(slug=OPINION))
        for right in (
            "充分体现群众意见",
            "巩固和提高",
            "基本情况",
            "年度考核办法",
            "监督电话。",
            "举报电话和",
        ):
            assert right in text, right
        for wrong in (
            "表达群众意见",
            "稳固和提高",
            "根本情况",
            "年度考核方法",
            "2023年底",
            "监督 。",
        ):
            assert wrong not in text, wrong

    def test_the_county_plan_has_no_stray_marks_and_unique_labels(self):
        """No ** survives and no two articles share a label."""
        page = RegulationPage.objects.get(slug=COUNTY_PLAN)
        labels = [a.label for a in page.articles.all()]
        assert "**" not in text_of(page) + page.title
        assert len(labels) == len(set(labels))

    def test_a_historical_text_says_so(self, client):
        """A regulation page shows its date (or that the text gives none) and the history note."""
        html = client.get(RegulationPage.objects.get(slug=OPINION).url).content.decode()
        assert "原文未注明" in html and "历史文本" in html
        notice = RegulationPage.objects.get(slug="sixiang-jiandu-xuexi-tongzhi")
        assert "2010年6月1日" in client.get(notice.url).content.decode()

    def test_teaching_cases_say_what_they_are_and_cite_each_passage_once(self, client):
        """Every demo case is marked a written teaching case and links each article once."""
        for case in CaseStudyPage.objects.live():
            assert case.is_teaching_case, case.title
            cited = list(case.article_links.values_list("article_id", flat=True))
            assert len(cited) == len(set(cited)), case.title
        html = client.get(CaseStudyPage.objects.live().first().url).content.decode()
        assert "编写的教学案例" in html
