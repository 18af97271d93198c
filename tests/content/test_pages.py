import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from content.models import RegulationArticle, RegulationPage
from content.models.cases import CaseStudyArticleLink
from tests.content.factories import (
    CaseStudyPageFactory,
    RegulationPageFactory,
    StudyMaterialPageFactory,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ARTICLES = [
    ("岗前培训", "新进组织人事部门干部岗前培训至少保证8个学时。"),
    ("", "领导干部任职资格考试中法规纪律内容不少于15%。"),
    ("离任检查", "县委书记离任时检查其履行选人用人职责的情况。"),
]


def test_regulation_renders_articles_with_anchors(client):
    """Each article is rendered in order with an id anchor (#art-N) and appears in the TOC."""
    page = RegulationPageFactory(title="岗前培训规定", articles=ARTICLES)
    html = client.get(page.url).content.decode()
    assert html.index('id="art-1"') < html.index('id="art-2"') < html.index('id="art-3"')
    assert 'href="#art-3"' in html
    assert "至少保证8个学时" in html


def test_article_url_points_to_its_anchor():
    """An article's URL is its regulation page's URL plus its anchor."""
    page = RegulationPageFactory(articles=ARTICLES)
    article = page.articles.get(number=2)
    assert article.get_url() == f"{page.url}#art-2"


def test_article_ids_survive_a_new_revision():
    """Publishing an edited revision keeps the primary keys of unchanged articles."""
    page = RegulationPageFactory(articles=ARTICLES)
    before = {a.number: a.pk for a in page.articles.all()}
    page = RegulationPage.objects.get(pk=page.pk)
    page.summary = "修订"
    page.save_revision().publish()
    after = {a.number: a.pk for a in RegulationArticle.objects.filter(page=page)}
    assert after == before


def test_highlight_marks_query_terms(client):
    """?hl= marks the searched words inside the articles."""
    page = RegulationPageFactory(articles=ARTICLES)
    html = client.get(page.url, {"hl": "学时"}).content.decode()
    assert "<mark>学时</mark>" in html


def test_regulation_index_filters_by_status(client):
    """The library lists regulations and filters them by status."""
    RegulationPageFactory(title="现行办法", status="current")
    page = RegulationPageFactory(title="试行办法", status="trial")
    index = page.get_parent()
    html = client.get(index.url, {"status": "trial"}).content.decode()
    assert "试行办法" in html and "现行办法" not in html


def test_case_study_links_to_cited_article(client):
    """A case study lists the regulation articles it rests on, linked to their anchors."""
    regulation = RegulationPageFactory(articles=ARTICLES)
    article = regulation.articles.get(number=3)
    case = CaseStudyPageFactory(title="离任检查案例")
    CaseStudyArticleLink.objects.create(page=case, article=article)
    html = client.get(case.url).content.decode()
    assert f'href="{regulation.url}#art-3"' in html


def test_study_material_renders_body(client):
    """A study material page renders its paragraphs."""
    page = StudyMaterialPageFactory(title="辅导材料", paragraphs=["第一段内容", "第二段内容"])
    html = client.get(page.url).content.decode()
    assert "第一段内容" in html and "第二段内容" in html


def test_home_page_shows_sections_and_latest(client):
    """The home page links the library sections and the newest pages."""
    RegulationPageFactory(title="最新法规")
    html = client.get("/").content.decode()
    assert "法规库" in html and "最新法规" in html


def test_private_page_requires_login_and_is_hidden_from_lists(client):
    """A page restricted to logged-in users redirects visitors to login and is not listed."""
    page = RegulationPageFactory(title="内部文件", articles=ARTICLES)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(page.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "内部文件" not in client.get(page.get_parent().url).content.decode()
    client.force_login(UserFactory())
    assert client.get(page.url).status_code == 200
    assert "内部文件" in client.get(page.get_parent().url).content.decode()


def test_admin_refuses_duplicate_article_numbers(admin_client):
    """The admin form refuses two articles with the same number, in Chinese."""
    index = RegulationPageFactory().get_parent()
    article = {"number": 1, "label": "", "section": "", "heading": "", "body": "条文"}
    data = nested_form_data(
        {
            "title": "重复序号",
            "slug": "duplicate-numbers",
            "status": "current",
            "articles": inline_formset([article, article]),
            "misconduct": "",
        }
    )
    url = reverse("wagtailadmin_pages:add", args=("content", "regulationpage", index.pk))
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "条目序号 1 重复" in response.content.decode()
    assert not RegulationPage.objects.filter(slug="duplicate-numbers").exists()


def test_admin_creates_case_study(admin_client):
    """An administrator creates a case study through the admin form."""
    index = CaseStudyPageFactory().get_parent()
    data = nested_form_data(
        {
            "title": "新案例",
            "slug": "new-case",
            "kind": "warning",
            "summary": "摘要",
            "body": rich_text("<p>正文</p>"),
            "lessons": "启示一",
            "article_links": inline_formset([]),
            "action-publish": "publish",
        }
    )
    url = reverse("wagtailadmin_pages:add", args=("content", "casestudypage", index.pk))
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert index.get_children().filter(slug="new-case", live=True).exists()


def test_article_chooser_finds_articles_by_chinese_substring(admin_client):
    """The admin's article chooser finds articles by a word in their text."""
    RegulationPageFactory(title="岗前培训规定", articles=ARTICLES)
    response = admin_client.get(reverse("article_chooser:choose_results"), {"q": "离任"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "离任检查" in html and "岗前培训" not in html.replace("岗前培训规定", "")


def test_case_study_preview_renders_from_an_unsaved_revision(client):
    """Previewing a case study (relations held in memory) renders instead of crashing."""
    case = CaseStudyPageFactory(title="预览案例")
    material = StudyMaterialPageFactory(title="相关资料")
    case.related_materials.set([material])
    preview = case.get_latest_revision_as_object()
    preview.related_materials.set([material])
    request = client.get("/").wsgi_request
    response = preview.make_preview_request(original_request=request)
    assert response.status_code == 200 and "相关资料" in response.render().content.decode()
