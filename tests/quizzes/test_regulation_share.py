"""An honest regulation share: what counts is what the administrator marked 法规纪律类 (a
regulation page or a category), never merely citing a page of the library; the share is a
percentage, at least 15 for an exam, and the blueprint editor shows live what a blueprint
guarantees."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from quizzes.models import Question, Quiz
from quizzes.selectors import build_blueprint
from tests.content.factories import RegulationPageFactory
from tests.factories import staff_with
from tests.quizzes import factories
from tests.quizzes.test_quiz_admin import quiz_form, rule_data
from tests.support import REFUSED, outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    """A 法规纪律类 regulation and a notice about studying it (not regulation content)."""
    rules = RegulationPageFactory(
        title="责任追究办法", slug="zeren", is_regulation=True, articles=[("", "失责必究。")]
    )
    notice = RegulationPageFactory(
        title="学习通知", slug="tongzhi", articles=[("", "6月15日前报送学习计划。")]
    )
    return rules.articles.get(), notice.articles.get()


def counted(*questions) -> list[bool]:
    ids = set(Question.objects.filter(Question.objects.regulation_q()).values_list("pk", flat=True))
    return [q.pk in ids for q in questions]


def test_what_the_question_tests_decides_not_which_page_it_cites(pages):
    """Citing a regulation article counts; citing a notice's logistics does not; a question in
    a 法规纪律类 category counts whatever it cites."""
    rule_article, notice_article = pages
    general = factories.category("业务知识")
    on_rules = factories.single(general, 1, source_article=rule_article)
    on_notice = factories.single(general, 2, source_article=notice_article)
    in_category = factories.single(factories.category("法规纪律", regulation=True), 3)
    assert counted(on_rules, on_notice, in_category) == [True, False, True]


def test_marking_the_page_changes_the_count(pages):
    """The administrator's flag on the page is what decides."""
    _, notice_article = pages
    question = factories.single(factories.category("业务知识"), source_article=notice_article)
    notice = notice_article.page
    notice.is_regulation = True
    notice.save()
    assert counted(question) == [True]


def test_an_exam_below_fifteen_percent_cannot_be_saved():
    """The share is a percentage; an exam below 15 is refused, a self-test is not."""
    exam = Quiz(
        title="统一考试", slug="exam", mode=Quiz.Mode.EXAM, time_limit_minutes=90,
        closes_at=factories.NOW, min_regulation_percent=10,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="不得低于 15%"):
        exam.clean()
    exam.min_regulation_percent = Decimal(15)
    exam.clean()
    assert exam.min_regulation_share == Decimal("0.15")
    Quiz(title="自测", slug="self", time_limit_minutes=30, min_regulation_percent=0).clean()


def test_the_admin_form_refuses_an_exam_below_fifteen_percent(admin_client, regulation_category):
    """Saving an exam with 10 % says the rule, and saves nothing."""
    factories.bank(regulation_category, count=5)
    data = quiz_form(
        mode=Quiz.Mode.EXAM,
        opens_at="2026-06-01 09:00",
        closes_at="2026-06-01 11:00",
        min_regulation_percent="10",
        draw_rules=inline_formset([rule_data(3, "1", regulation_category)]),
    )
    response = admin_client.post(reverse("admin_quizzes:add"), data)
    errors = response.context["form"].errors
    assert list(errors) == ["min_regulation_percent"] and "不得低于 15%" in str(errors)
    assert not Quiz.objects.exists()


# The live preview -------------------------------------------------------------------------------


def preview(client, data) -> dict:
    response = client.post(reverse("admin_quizzes:preview"), data)
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_preview_shows_what_each_rule_can_draw_and_the_share_guaranteed(
    admin_client, regulation_category
):
    """Per rule: questions available (of which regulation); the share every paper holds."""
    general = factories.category("业务知识")
    factories.bank(regulation_category, count=4)
    factories.bank(general, count=6)
    data = quiz_form(
        min_regulation_percent="20",
        draw_rules=inline_formset([rule_data(5, "2", general), rule_data(5, "2")]),
    )
    result = preview(admin_client, data)
    assert [(r["available"], r["regulation"]) for r in result["rules"]] == [(6, 0), (10, 4)]
    assert (result["required"], result["guaranteed"], result["problems"]) == ("20.0", "20.0", [])
    assert result["best"] == "40.0" and result["total_points"] == "20"


def test_the_preview_explains_an_impossible_share(admin_client, regulation_category):
    """Asking more than the pools allow shows the problem and guarantees only what is forced."""
    factories.bank(factories.category("业务知识"), count=6)
    data = quiz_form(min_regulation_percent="50", draw_rules=inline_formset([rule_data(4)]))
    result = preview(admin_client, data)
    assert result["guaranteed"] == "0.0" and "达不到要求的 50%" in result["problems"][0]


def test_the_preview_reads_garbage_as_nothing(admin_client):
    """Unreadable numbers and an absurd form count do not fail the request."""
    data = {"min_regulation_percent": "abc", "draw_rules-TOTAL_FORMS": "999999999",
            "draw_rules-0-count": "x", "draw_rules-0-points": "NaN"}  # fmt: skip
    assert "problems" in preview(admin_client, data)


def test_the_preview_needs_the_right_to_edit_quizzes(client):
    """Someone in the admin without quiz rights is refused; quiz editors are not."""
    client.force_login(staff_with("access_admin"))
    url = reverse("admin_quizzes:preview")
    assert outcome(client.post(url, {})) == REFUSED
    client.force_login(staff_with("access_admin", "change_quiz"))
    assert client.post(url, {}).status_code == 200


def test_the_blueprint_reads_the_groups_and_the_flags(pages, regulation_category):
    """The blueprint built from the bank knows each question's group and regulation flag."""
    rule_article, _ = pages
    general = factories.category("业务知识")
    a = factories.single(general, 1, fact_group="八学时", source_article=rule_article)
    b = factories.single(general, 2, fact_group="八学时")
    quiz = factories.quiz()
    factories.rule(quiz, count=1, cat=general)
    blueprint = build_blueprint(fixed=[], rules=list(quiz.draw_rules.all()), min_share=Decimal(0))
    pool = {c.id: (c.is_regulation, c.group) for c in blueprint.rules[0].pool}
    assert pool == {a.pk: (True, "八学时"), b.pk: (False, "八学时")}
