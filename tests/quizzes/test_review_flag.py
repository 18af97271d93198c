import pytest

from content.models import RegulationPage
from quizzes.models import Question
from tests.content.factories import RegulationPageFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db

ARTICLES = [("岗前培训", "至少保证8个学时。"), ("任职资格考试", "法规纪律内容不少于15%。")]


def revise(page: RegulationPage, number: int, body: str) -> None:
    page = RegulationPage.objects.get(pk=page.pk)
    articles = list(page.articles.all())
    for article in articles:
        if article.number == number:
            article.body = body
    page.articles = articles
    page.save_revision().publish()


def cited(page, number):
    article = page.articles.get(number=number)
    return factories.single(factories.category("法规纪律"), number, source_article=article)


def test_rewording_a_cited_article_flags_its_questions():
    """Publishing a revision that changes a cited article marks its questions for review."""
    page = RegulationPageFactory(articles=ARTICLES)
    changed, untouched = cited(page, 1), cited(page, 2)
    revise(page, 1, "至少保证10个学时。")
    changed.refresh_from_db()
    untouched.refresh_from_db()
    assert changed.status == Question.Status.NEEDS_REVIEW and "已修订" in changed.review_note
    assert untouched.status == Question.Status.PUBLISHED


def test_republishing_unchanged_text_flags_nothing():
    """A revision that leaves the article's wording alone (spacing aside) flags nothing."""
    page = RegulationPageFactory(articles=ARTICLES)
    question = cited(page, 1)
    revise(page, 1, "至少保证 8 个学时。")
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED


def test_saving_the_reviewed_question_accepts_the_new_wording():
    """Once an editor saves the reviewed question, later publishes of the same text flag nothing."""
    page = RegulationPageFactory(articles=ARTICLES)
    question = cited(page, 1)
    revise(page, 1, "至少保证10个学时。")
    question = Question.objects.get(pk=question.pk)
    question.status = Question.Status.PUBLISHED
    question.save()
    revise(page, 1, "至少保证10个学时。")
    assert Question.objects.get(pk=question.pk).status == Question.Status.PUBLISHED


def test_removing_a_cited_article_flags_its_questions():
    """Deleting a cited article marks its questions for review instead of silently dropping the citation."""
    page = RegulationPageFactory(articles=ARTICLES)
    question = cited(page, 2)
    page = RegulationPage.objects.get(pk=page.pk)
    page.articles = [a for a in page.articles.all() if a.number != 2]
    page.save_revision().publish()
    question.refresh_from_db()
    assert question.status == Question.Status.NEEDS_REVIEW and "已删除" in question.review_note


def test_imported_questions_record_the_cited_wording():
    """Questions imported in bulk are not flagged by the next publish of unchanged articles."""
    from quizzes.excel import import_questions
    from tests.quizzes.test_excel import row, xlsx

    page = RegulationPageFactory(title="岗前培训规定", articles=ARTICLES)
    factories.category("法规纪律/四项监督制度")
    cells = row(题干="岗前培训至少多少学时？", 依据文件="岗前培训规定", 依据条目序号="1")
    assert import_questions(xlsx([cells])).ok
    revise(page, 2, "法规纪律内容不少于20%。")
    assert Question.objects.get(stem="岗前培训至少多少学时？").status == Question.Status.PUBLISHED
