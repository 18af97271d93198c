"""The blueprint editor's live preview: what the paper will look like, per-rule counts with the
pending drafts left out, warnings that do not block saving, and a constant number of queries
whatever the size of the bank."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from quizzes import drawing, outline
from quizzes.models import Question
from tests.quizzes import factories
from tests.quizzes.test_quiz_admin import quiz_form, rule_data

pytestmark = pytest.mark.django_db


def preview(client, data) -> dict:
    response = client.post(reverse("admin_quizzes:preview"), data)
    assert response.status_code == 200
    return json.loads(response.content)


def auto_drafts(category, count: int) -> None:
    for n in range(count):
        factories.single(
            category, n=100 + n, status=Question.Status.DRAFT, origin=Question.Origin.AUTO_DRAFT
        )


def test_the_preview_outlines_the_paper(admin_client, regulation_category):
    """Questions and points per rule, the paper's totals, the pass mark and time per question."""
    questions = factories.bank(regulation_category, count=8)
    data = quiz_form(
        pass_percent="60",
        time_limit_minutes="30",
        fixed_questions=inline_formset([{"question": questions[0].pk, "points": "5"}]),
        draw_rules=inline_formset([rule_data(4, "2.5", regulation_category), rule_data(3)]),
    )
    result = preview(admin_client, data)
    assert result["outline"] == {
        "questions": 8,
        "fixed_questions": 1,
        "fixed_points": "5",
        "total_points": "18",
        "pass_points": "10.8",
        "seconds_per_question": 225,
    }
    assert [(r["count"], r["points"], r["subtotal"]) for r in result["rules"]] == [
        (4, "2.5", "10"),
        (3, "1", "3"),
    ]


def test_pending_drafts_are_left_out_of_the_counts_and_said(admin_client, regulation_category):
    """A rule's count is of drawable questions; the drafts its filters match are a warning."""
    factories.bank(regulation_category, count=5)
    auto_drafts(regulation_category, 3)
    data = quiz_form(draw_rules=inline_formset([rule_data(2, "1", regulation_category)]))
    rule = preview(admin_client, data)["rules"][0]
    assert (rule["available"], rule["drafts"]) == (5, 3)
    assert "另有 3 道自动草拟的题目待审，不计入可抽题目" in rule["warnings"][-1]


def test_a_rule_that_cannot_be_met_says_how_short_it_is(admin_client, regulation_category):
    """A rule asking more than its pool: the shortfall per rule and the blocking problem."""
    factories.bank(regulation_category, count=3)
    data = quiz_form(draw_rules=inline_formset([rule_data(5, "1", regulation_category)]))
    result = preview(admin_client, data)
    assert result["rules"][0]["short"] == 2
    assert "还差 2 题" in result["problems"][0]


def test_a_rule_that_draws_its_whole_pool_warns_that_papers_are_alike(
    admin_client, regulation_category
):
    """Drawing every question of a pool is allowed, with a warning."""
    factories.bank(regulation_category, count=4)
    data = quiz_form(draw_rules=inline_formset([rule_data(4, "1", regulation_category)]))
    result = preview(admin_client, data)
    assert result["problems"] == []
    assert "每份试卷的这部分题目都相同" in result["rules"][0]["warnings"][0]


def test_an_upside_down_difficulty_range_is_warned(admin_client, regulation_category):
    """最低难度 above 最高难度 draws nothing and says why."""
    factories.bank(regulation_category, count=4)
    rule = {**rule_data(1, "1", regulation_category), "min_difficulty": "4", "max_difficulty": "2"}
    result = preview(admin_client, quiz_form(draw_rules=inline_formset([rule])))
    assert "最低难度高于最高难度" in result["rules"][0]["warnings"][0]


def test_too_little_time_per_question_is_warned(admin_client, regulation_category):
    """Under 30 seconds a question in the time limit is a warning; practice is never timed."""
    factories.bank(regulation_category, count=150)
    rules = inline_formset([rule_data(150, "1", regulation_category)])
    timed = preview(admin_client, quiz_form(time_limit_minutes="60", draw_rules=rules))
    assert "平均每题只有 24 秒" in timed["warnings"][0]
    untimed = preview(
        admin_client,
        quiz_form(mode="practice", time_limit_minutes="60", draw_rules=rules),
    )
    assert untimed["warnings"] == [] and untimed["outline"]["seconds_per_question"] is None


def test_the_preview_costs_the_same_queries_for_a_small_and_a_large_bank(
    admin_client, regulation_category, django_assert_max_num_queries
):
    """Counting pools and drafts takes the same queries for 5 questions as for 200."""
    general = factories.category("业务知识")
    factories.bank(regulation_category, count=3)
    factories.bank(general, count=2)
    auto_drafts(general, 1)
    data = quiz_form(
        draw_rules=inline_formset(
            [rule_data(1, "1", regulation_category), rule_data(1, "1", general), rule_data(1)]
        )
    )
    preview(admin_client, data)  # warm the caches (content types, session)
    with django_assert_max_num_queries(100) as small:
        preview(admin_client, data)
    factories.bank(regulation_category, count=120)
    factories.bank(general, count=80)
    auto_drafts(general, 40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        result = preview(admin_client, data)
    assert [r["available"] for r in result["rules"]] == [123, 82, 205]
    assert [r["drafts"] for r in result["rules"]] == [0, 41, 41]


def test_the_outline_and_warnings_are_pure():
    """Outline and warnings come from plain blueprint data (no database)."""
    pool = tuple(drawing.Candidate(i, False) for i in range(3))
    blueprint = drawing.Blueprint(
        fixed=(), rules=(drawing.Rule("甲", 3, Decimal(2), pool),), min_share=Decimal(0)
    )
    paper = outline.outline(blueprint, pass_percent=Decimal(60), minutes=1)
    assert (paper.questions, paper.total_points, paper.pass_points) == (3, 6, Decimal("3.6"))
    assert paper.seconds_per_question == 20 and outline.paper_warnings(paper)
    view = outline.RuleView("甲", 3, Decimal(2), available=3, regulation=0, drafts=0)
    assert len(outline.rule_warnings(0, view)) == 1


def test_the_knowledge_point_of_a_rule_is_a_searchable_chooser(admin_client):
    """The quiz form sends no list of every tag; the chooser finds one by a substring."""
    from quizzes.models import KnowledgePoint

    KnowledgePoint.named(["离任检查", "一报告两评议", "责任追究"])
    form_page = admin_client.get(reverse("admin_quizzes:add")).content.decode()
    assert "一报告两评议" not in form_page
    assert reverse("knowledge_point_chooser:choose") in form_page
    url = reverse("knowledge_point_chooser:choose_results")
    html = admin_client.get(url, {"q": "评议"}).content.decode()
    assert "一报告两评议" in html and "离任检查" not in html


def test_a_pending_draft_cannot_be_chosen_as_a_fixed_question(admin_client, regulation_category):
    """The question chooser of the blueprint leaves out drafts awaiting review."""
    factories.single(
        regulation_category, stem="自动草拟的题目", origin=Question.Origin.AUTO_DRAFT
    )  # even if someone forced it to 已发布
    html = admin_client.get(
        reverse("quiz_question_chooser:choose_results"), {"q": "自动草拟"}
    ).content.decode()
    assert "自动草拟的题目" not in html
