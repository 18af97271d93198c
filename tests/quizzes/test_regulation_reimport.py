"""A regulation imported again: once its new revision is published, the questions citing a
reworded or dropped article are up for review, those citing an unchanged one are not."""

import pytest

from content.models import RegulationPage
from content.regulations.files import split_text
from content.services import RegulationDraft, revise_regulation
from quizzes.models import Question
from tests.content.factories import RegulationPageFactory
from tests.factories import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db

OLD = [
    ("", "新提任干部岗前培训至少保证8个学时。"),
    ("", "任职资格考试中法规纪律内容不少于15%。"),
    ("", "群众满意度低于70%的应当约谈。"),
]
NEW_TEXT = """某某办法
1、任职资格考试中法规纪律内容不少于15%。
2、新提任干部岗前培训至少保证10个学时。
3、新增的一条规定。
"""


def _draft(text: str) -> RegulationDraft:
    doc = split_text(text)
    return RegulationDraft(
        title=doc.title,
        articles=[
            {"label": a.label, "section": a.section, "heading": a.heading, "body": a.body}
            for a in doc.articles
        ],
    )


def test_reimport_flags_questions_of_changed_and_removed_articles_on_publish():
    """Reworded and dropped articles flag their questions when the revision goes live; the
    moved, unchanged article keeps its id and its question stays published."""
    page = RegulationPageFactory(articles=OLD)
    training, exam, satisfaction = (
        factories.single(factories.category("法规纪律"), n, source_article=a)
        for n, a in enumerate(page.articles.all(), 1)
    )
    old_ids = {a.body: a.pk for a in page.articles.all()}

    revision = revise_regulation(page=page, draft=_draft(NEW_TEXT), user=UserFactory())
    for question in (training, exam, satisfaction):
        question.refresh_from_db()
        assert question.status == Question.Status.PUBLISHED  # nothing changes before review
    revision.get_latest_revision().publish()

    live = RegulationPage.objects.get(pk=page.pk)
    bodies = {a.body: a.pk for a in live.articles.all()}
    assert (
        bodies["任职资格考试中法规纪律内容不少于15%。"]
        == old_ids["任职资格考试中法规纪律内容不少于15%。"]
    )
    assert (
        bodies["新提任干部岗前培训至少保证10个学时。"]
        == old_ids["新提任干部岗前培训至少保证8个学时。"]
    )
    statuses = {q.pk: q.status for q in Question.objects.all()}
    assert statuses[exam.pk] == Question.Status.PUBLISHED
    assert statuses[training.pk] == Question.Status.NEEDS_REVIEW
    assert statuses[satisfaction.pk] == Question.Status.NEEDS_REVIEW
