"""The audit trail of the question bank and quizzes: essay marks, question edits (and the
version kept for papers), re-grades, imports and personal settings each leave one log entry
with who, when, before and after, readable in the admin's 站点历史 and the question's 历史."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset

from quizzes import services
from quizzes.excel.importer import import_questions
from quizzes.models import Quiz, SingleChoiceQuestion
from quizzes.services.base import (
    MARK_ACTION,
    PERSONAL_SETTINGS_ACTION,
    QUESTION_EDIT_ACTION,
    QUESTION_IMPORT_ACTION,
)
from tests.factories import UserFactory
from tests.quizzes import factories
from tests.quizzes.test_excel import row, xlsx
from tests.quizzes.test_quiz_admin import quiz_form, rule_data

pytestmark = pytest.mark.django_db


def the_entry(action: str) -> ModelLogEntry:
    found = list(ModelLogEntry.objects.filter(action=action))
    assert len(found) == 1, f"{len(found)} entries of {action}"
    return found[0]


def test_an_essay_mark_is_logged_with_the_score_before_and_after(regulation_category):
    """阅卷评分: the marker, the learner, the question's number, the score before and after."""
    essay = factories.one_of_each(regulation_category)[4]
    learner = UserFactory(username="essayist")
    attempt = factories.finished_attempt(factories.quiz(), learner, [(essay, None, "10")])
    marker = UserFactory(username="marker")
    row_id = attempt.paper.get().pk
    services.mark_answer(row_id=row_id, marker=marker, score=Decimal("7"), comment="要点不全", now=timezone.now())  # fmt: skip
    services.mark_answer(row_id=row_id, marker=marker, score=Decimal("8"), now=timezone.now())
    entries = list(ModelLogEntry.objects.filter(action=MARK_ACTION).order_by("pk"))
    assert [e.user for e in entries] == [marker, marker]
    assert entries[0].object_id == str(attempt.pk) and entries[0].timestamp is not None
    assert entries[0].data == {
        "learner": "essayist", "question": 1,
        "before": {"score": None, "comment": ""}, "after": {"score": "7", "comment": "要点不全"},
    }  # fmt: skip
    assert entries[1].data["before"] == {"score": "7", "comment": "要点不全"}


def test_a_question_edit_on_papers_logs_the_change_and_the_kept_version(regulation_category):
    """修改题目内容: the changed fields before and after, the new version and the kept one."""
    question = factories.single(regulation_category, 1, stem="原题干？")
    factories.finished_attempt(factories.quiz(), UserFactory(), [(question, "1", "1")])
    editor = UserFactory(username="bank-editor")
    edited = SingleChoiceQuestion.objects.get(pk=question.pk)
    edited.stem = "新题干？"
    kept = services.keep_paper_version(question=edited, now=timezone.now(), user=editor)
    entry = the_entry(QUESTION_EDIT_ACTION)
    assert entry.user == editor and entry.object_id == str(question.pk)
    assert entry.data == {
        "version": 2, "kept_version": kept.pk,
        "before": {"stem": "原题干？"}, "after": {"stem": "新题干？"},
    }  # fmt: skip


def test_an_edit_of_a_question_on_no_paper_is_logged_too(regulation_category):
    """Without papers nothing is kept, but the change of the key is still on record."""
    question = factories.single(regulation_category, 2)
    edited = SingleChoiceQuestion.objects.get(pk=question.pk)
    edited.correct = 0 if question.correct else 1
    assert services.keep_paper_version(question=edited, now=timezone.now()) is None
    entry = the_entry(QUESTION_EDIT_ACTION)
    assert entry.data["before"] == {"correct": question.correct}
    assert "kept_version" not in entry.data


def test_an_unchanged_save_logs_nothing(regulation_category):
    """Saving a question as it is records no content change."""
    question = factories.single(regulation_category, 3)
    edited = SingleChoiceQuestion.objects.get(pk=question.pk)
    services.keep_paper_version(question=edited, now=timezone.now())
    assert not ModelLogEntry.objects.filter(action=QUESTION_EDIT_ACTION).exists()


def test_edits_show_in_the_question_history_in_words(regulation_category, admin_client):
    """The question's 历史 page shows 修改题目内容 with the stem before and after."""
    question = factories.single(regulation_category, 4, stem="历史页原题干？")
    edited = SingleChoiceQuestion.objects.get(pk=question.pk)
    edited.stem = "历史页新题干？"
    services.keep_paper_version(question=edited, now=timezone.now())
    html = admin_client.get(reverse("questions_single:history", args=[question.pk])).content
    html = html.decode()
    assert "修改题目内容" in html
    assert "修改前：题干 历史页原题干？" in html and "修改后：题干 历史页新题干？" in html


def test_a_question_import_is_one_entry_with_file_rows_and_who(
    regulation_category, django_assert_max_num_queries
):
    """导入题目: one entry with the file name and the row count, whatever the number of rows."""
    importer = UserFactory(username="question-importer")
    rows = [row(题干=f"第{n}题？") for n in range(30)]
    file = xlsx(rows)
    file.name = "题库.xlsx"
    result = import_questions(file, user=importer)
    assert result.created == 30
    entry = the_entry(QUESTION_IMPORT_ACTION)
    assert entry.user == importer
    assert entry.data == {"file": "题库.xlsx", "rows": 30, "questions": 30}


def test_personal_settings_changes_are_logged_with_before_and_after(
    admin_client, admin_user, regulation_category
):
    """修改个人设置: adding then changing a person's extra time logs the person, before, after."""
    factories.bank(regulation_category, count=4)
    learner = UserFactory(username="slow", first_name="慢")
    setting = {"user": learner.pk, "minutes": "15", "closes_at": "", "extra_attempts": "0"}
    data = quiz_form(
        draw_rules=inline_formset([rule_data(2, "1", regulation_category)]),
        personal_settings=inline_formset([{**setting, "reason": "经批准的延时"}]),
    )
    assert admin_client.post(reverse("admin_quizzes:add"), data).status_code == 302
    added = the_entry(PERSONAL_SETTINGS_ACTION)
    assert added.user == admin_user
    assert added.data["changes"] == [
        {
            "user": "慢(slow)", "before": "无",
            "after": {"minutes": 15, "closes_at": None, "extra_attempts": 0, "reason": "经批准的延时"},
        }
    ]  # fmt: skip
    quiz = Quiz.objects.get(slug="new-self-test")
    kept = quiz.personal_settings.get()
    data = quiz_form(
        draw_rules=inline_formset(
            [{**rule_data(2, "1", regulation_category), "id": quiz.draw_rules.get().pk}], initial=1
        ),
        personal_settings=inline_formset(
            [{**setting, "id": kept.pk, "minutes": "30", "reason": "再延长"}], initial=1
        ),
    )  # fmt: skip
    assert admin_client.post(reverse("admin_quizzes:edit", args=[quiz.pk]), data).status_code == 302
    changed = ModelLogEntry.objects.filter(action=PERSONAL_SETTINGS_ACTION).latest("pk")
    (change,) = changed.data["changes"]
    assert change["before"]["minutes"] == 15 and change["after"]["minutes"] == 30
    history = admin_client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "修改个人设置" in history and "延长时间（分钟） 30" in history


def test_an_extra_attempt_records_the_count_before_and_after(regulation_category):
    """增加作答次数: the reason and the person's extra attempts before and after."""
    quiz, learner, admin = factories.quiz(), UserFactory(), UserFactory(username="granter")
    for _ in range(2):
        services.grant_attempt(quiz=quiz, user=learner, reason="补考", by=admin, now=timezone.now())
    entry = ModelLogEntry.objects.filter(action=services.EXTRA_ATTEMPT_ACTION).latest("pk")
    assert entry.user == admin
    assert entry.data == {
        "reason": "补考", "before": {"extra_attempts": 1}, "after": {"extra_attempts": 2},
    }  # fmt: skip


def test_a_regrade_entry_reads_as_chinese(regulation_category):
    """重新评分's record (one entry for every attempt re-graded) reads as words, not JSON."""
    question = factories.single(regulation_category, 5)
    data = {
        "version": 1, "at": "2026-03-20T10:00:00+08:00",
        "attempts": [{"attempt": 7, "user": "zhang", "before": "0", "after": "2",
                      "passed_before": False, "passed_after": True}],
    }  # fmt: skip
    log(instance=question, action=services.REGRADE_ACTION, data=data)
    message = str(ModelLogEntry.objects.get(action=services.REGRADE_ACTION).message)
    assert message == (
        "版本：1；时间：2026-03-20T10:00:00+08:00；"
        "作答：人员 zhang，作答 7，修改前 0，修改后 2，原合格 否，现合格 是"
    )
