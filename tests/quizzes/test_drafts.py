"""Question drafts in the bank: drafting from a regulation, idempotence, same-fact groups, the
drafts kept out of papers and practice until a person accepts or edits them, and the review
list in the admin."""

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes import selectors
from quizzes.models import FillBlankQuestion, Question, SingleChoiceQuestion, TrueFalseQuestion
from quizzes.services.drafts import accept_drafts, draft_questions
from tests.content.factories import RegulationPageFactory
from tests.factories import staff_with
from tests.quizzes import factories
from tests.quizzes.factories import NOW
from tests.support import REFUSED, outcome

pytestmark = pytest.mark.django_db

ARTICLES = [
    ("", "县委常委会讨论决定干部任免事项，常委到会不足三分之二的，不得研究干部任免事宜。"),
    ("", "一届内批量调整干部不得超过2次。工作交接一般应在7个工作日内办结。"),
    ("", "加强学习，提高认识。"),
]


@pytest.fixture
def drafted_regulation():
    return RegulationPageFactory(
        title="监督县委书记用人办法", is_regulation=True, articles=ARTICLES
    )


def draft(regulation, category, **kwargs):
    return draft_questions(page=regulation, category=category, user=None, now=NOW, **kwargs)


def pending():
    return Question.objects.pending_drafts()


def test_each_quantified_clause_gives_three_drafts_citing_its_article(
    drafted_regulation, regulation_category
):
    """Three clauses with numbers, three drafts each, as 草稿 from 自动草拟 citing the article."""
    report = draft(drafted_regulation, regulation_category)
    assert (report.clauses, report.created, report.skipped) == (3, 9, 0)
    kinds = sorted(type(q).__name__ for q in pending())
    assert kinds.count("FillBlankQuestion") == kinds.count("TrueFalseQuestion") == 3
    first = FillBlankQuestion.objects.get(stem__contains="不足____的")
    assert first.source_article == drafted_regulation.articles.get(number=1)
    assert first.status == Question.Status.DRAFT
    assert first.origin == Question.Origin.AUTO_DRAFT
    assert "常委到会不足三分之二的" in first.explanation
    assert first.blanks == [["三分之二", "2/3"]]


def test_one_article_only(drafted_regulation, regulation_category):
    """Asking for one article drafts only its clauses."""
    article = drafted_regulation.articles.get(number=2)
    report = draft(drafted_regulation, regulation_category, article=article)
    assert report.created == 6
    assert set(pending().values_list("source_article", flat=True)) == {article.pk}


def test_drafting_twice_does_not_duplicate(drafted_regulation, regulation_category):
    """A second run adds nothing and says how many drafts it found already there."""
    draft(drafted_regulation, regulation_category)
    accept_drafts(ids=[pending().first().pk], now=NOW)  # accepted ones are not redrafted either
    again = draft(drafted_regulation, regulation_category)
    assert (again.created, again.skipped) == (0, 9)
    assert Question.objects.count() == 9


def test_the_three_drafts_of_a_clause_share_a_same_fact_group(
    drafted_regulation, regulation_category
):
    """A paper never holds two drafts of one clause."""
    draft(drafted_regulation, regulation_category)
    groups = {q.fact_group for q in pending().filter(stem__contains="工作交接")}
    assert len(groups) == 1 and groups != {""}


def test_a_fact_the_bank_tests_puts_the_drafts_in_its_group_and_flags_them(
    drafted_regulation, regulation_category
):
    """Same article and same number as a bank question: its group, and a 复核原因."""
    article = drafted_regulation.articles.get(number=2)
    known = factories.single(
        regulation_category,
        stem="一届内批量调整干部最多几次？",
        options=["一次", "两次", "三次"],
        correct=1,
        source_article=article,
        fact_group="",
    )
    other = factories.single(regulation_category, source_article=article, stem="交接多久？")
    report = draft(drafted_regulation, regulation_category)
    known.refresh_from_db()
    flagged = pending().filter(stem__contains="批量调整")
    assert report.known == 3
    assert known.fact_group and {q.fact_group for q in flagged} == {known.fact_group}
    assert all(f"编号 {known.pk}" in q.review_note for q in flagged)
    assert not pending().filter(stem__contains="工作交接").exclude(review_note="").exists()
    other.refresh_from_db()
    assert other.fact_group != known.fact_group


def test_a_fact_of_another_article_is_not_the_same_fact(drafted_regulation, regulation_category):
    """The same number cited from another article does not group the drafts."""
    factories.single(
        regulation_category,
        stem="每年不超过两次？",
        source_article=drafted_regulation.articles.get(number=3),
    )
    assert draft(drafted_regulation, regulation_category).known == 0


# Never drawn until reviewed -------------------------------------------------------------------


def rule_pool(category) -> set[int]:
    quiz = factories.quiz(min_regulation_percent=Decimal(0))
    factories.rule(quiz, count=1, cat=category)
    blueprint = selectors.blueprint_for(quiz)
    return {candidate.id for candidate in blueprint.rules[0].pool}


def test_pending_drafts_are_never_drawn_nor_practised(drafted_regulation, regulation_category):
    """No draw rule pool and no practice holds a pending draft, even one marked 已发布."""
    published = factories.single(regulation_category)
    draft(drafted_regulation, regulation_category)
    forced = pending().first()
    Question.objects.filter(pk=forced.pk).update(status=Question.Status.PUBLISHED)
    assert rule_pool(regulation_category) == {published.pk}
    assert list(selectors.practice_bank(None).values_list("pk", flat=True)) == [published.pk]


def test_an_accepted_draft_is_published_and_drawable(drafted_regulation, regulation_category):
    """Accepting publishes the draft as it stands; it joins the pool."""
    draft(drafted_regulation, regulation_category)
    chosen = TrueFalseQuestion.objects.first()
    assert accept_drafts(ids=[chosen.pk], now=NOW) == 1
    chosen.refresh_from_db()
    assert chosen.status == Question.Status.PUBLISHED
    assert chosen.origin == Question.Origin.AUTO_ACCEPTED
    assert rule_pool(regulation_category) == {chosen.pk}


def test_accept_ignores_questions_that_are_not_pending_drafts(regulation_category):
    """Only pending drafts are accepted: a person's own draft stays a draft."""
    own = factories.single(regulation_category, status=Question.Status.DRAFT)
    assert accept_drafts(ids=[own.pk], now=NOW) == 0
    own.refresh_from_db()
    assert own.status == Question.Status.DRAFT


# The admin ------------------------------------------------------------------------------------


def test_the_admin_drafts_from_a_regulation_and_reports_the_counts(
    admin_client, drafted_regulation, regulation_category
):
    """The form drafts the chosen regulation and the review list says what was found."""
    url = reverse("question_drafts:new")
    data = {
        "regulation": drafted_regulation.pk,
        "article_number": "",
        "category": regulation_category.pk,
    }
    response = admin_client.post(url, data, follow=True)
    assert "找到含数字或限度的条款 3 处，新增草稿 9 道。" in response.content.decode()
    assert pending().count() == 9


def test_an_unknown_article_number_is_refused_in_chinese(
    admin_client, drafted_regulation, regulation_category
):
    """A number the regulation has not: a message naming it, nothing drafted."""
    data = {
        "regulation": drafted_regulation.pk,
        "article_number": "9",
        "category": regulation_category.pk,
    }
    response = admin_client.post(reverse("question_drafts:new"), data)
    assert "《监督县委书记用人办法》中没有序号为 9 的条目。" in response.content.decode()
    assert not Question.objects.exists()


def test_the_review_list_highlights_the_clause_and_accepts(
    admin_client, drafted_regulation, regulation_category
):
    """The clause is in <mark> within the quoted sentence; 采纳 publishes the draft."""
    draft(drafted_regulation, regulation_category)
    page = admin_client.get(reverse("question_drafts:index")).content.decode()
    assert "<mark>一届内批量调整干部不得超过2次</mark>" in page
    chosen = SingleChoiceQuestion.objects.first()
    response = admin_client.post(reverse("question_drafts:index"), {"accept": chosen.pk})
    assert response.status_code == 302
    chosen.refresh_from_db()
    assert chosen.status == Question.Status.PUBLISHED


def test_the_review_list_escapes_what_it_highlights(admin_client, regulation_category):
    """A quote with markup is shown as text, never as HTML."""
    page = RegulationPageFactory(articles=[("", "<b>到会</b>不足三分之二的，不得研究。")])
    draft(page, regulation_category)
    html = admin_client.get(reverse("question_drafts:index")).content.decode()
    assert "&lt;b&gt;到会&lt;/b&gt;" in html and "<b>到会</b>" not in html


def test_the_review_list_runs_the_same_queries_for_3_and_30_drafts(
    admin_client, regulation_category, django_assert_max_num_queries
):
    """No query per draft: 30 drafts on a page cost what 3 cost."""
    small = RegulationPageFactory(articles=[("", "每年不得超过5次。")])
    draft(small, regulation_category)
    admin_client.get(reverse("question_drafts:index"))  # warm caches
    with django_assert_max_num_queries(30) as few:
        admin_client.get(reverse("question_drafts:index"))
    body = "。".join(f"第{i}项工作每年不得超过{i + 2}次" for i in range(12))
    draft(RegulationPageFactory(articles=[("", body)]), regulation_category)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(reverse("question_drafts:index"))
    assert response.content.decode().count('<li class="draft-card') == 30


def test_editing_a_draft_in_its_form_marks_it_reviewed(
    admin_client, drafted_regulation, regulation_category
):
    """A person who saves a draft's form has reviewed it: published, it is drawable."""
    draft(drafted_regulation, regulation_category)
    question = TrueFalseQuestion.objects.first()
    url = reverse("questions_truefalse:edit", args=(question.pk,))
    data = {
        "stem": question.stem, "explanation": question.explanation, "difficulty": "2",
        "points": "1", "status": "published", "category": regulation_category.pk,
        "knowledge_points": "", "fact_group": question.fact_group, "correct": "False",
        "source_article": question.source_article_id, "source_page": "",
        "source_reference": "", "source_quote": question.source_quote, "review_note": "",
    }  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    question.refresh_from_db()
    assert question.origin == Question.Origin.AUTO_ACCEPTED
    assert question.pk in rule_pool(regulation_category)


def test_drafting_and_accepting_need_the_question_permissions(
    drafted_regulation, regulation_category
):
    """Without 题目 permissions the pages refuse; 'add' drafts but may not accept."""
    from django.test import Client

    nobody, adder = Client(), Client()
    nobody.force_login(staff_with())
    adder.force_login(staff_with("add_question"))
    assert outcome(nobody.get(reverse("question_drafts:new"))) == REFUSED
    assert outcome(nobody.get(reverse("question_drafts:index"))) == REFUSED
    draft(drafted_regulation, regulation_category)
    chosen = pending().first()
    assert outcome(adder.post(reverse("question_drafts:index"), {"accept": chosen.pk})) == REFUSED
    assert pending().filter(pk=chosen.pk).exists()
