"""Question versions: a paper keeps the question as drawn, whatever the bank does to it, until
an administrator deliberately re-grades finished papers with a corrected key."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from learning.models import Notice
from quizzes import services
from quizzes.models import Attempt, AttemptQuestion, Question, SingleChoiceQuestion
from tests.factories import UserFactory, staff_with
from tests.quizzes import factories
from tests.support import REFUSED, outcome

pytestmark = pytest.mark.django_db

OPTIONS = ["6个学时", "8个学时", "10个学时", "12个学时"]


@pytest.fixture
def exam_room(regulation_category):
    """One question (key B) on a fixed self-test, options not shuffled: ``done`` answered B and
    handed in, ``slip`` answered C and handed in, ``sitting`` is still answering."""
    question = factories.single(regulation_category, options=OPTIONS, correct=1, stem="岗前培训？")
    quiz = factories.fixed(
        factories.quiz(shuffle_options=False, shuffle_questions=False, pass_percent=Decimal(60)),
        [question],
    )
    people = {name: UserFactory(username=name) for name in ("done", "slip", "sitting")}
    now = timezone.now()
    attempts = {}
    for name, answer in (("done", 1), ("slip", 2), ("sitting", None)):
        attempt = services.start_attempt(quiz=quiz, user=people[name], now=now)
        if answer is not None:
            services.save_answer(
                attempt_id=attempt.pk, user=people[name], position=1, response=answer, now=now
            )
            attempt = services.finish_attempt(attempt_id=attempt.pk, user=people[name], now=now)
        attempts[name] = attempt
    return {"question": question, "quiz": quiz, "people": people, "attempts": attempts}


def edit(client, question, **changes):
    """Post the question's edit form with ``changes`` (options as lines, key as a letter)."""
    data = {
        "stem": question.stem, "explanation": question.explanation, "difficulty": 2,
        "points": "1", "status": "published", "category": question.category_id,
        "options": "\n".join(question.options), "correct": "ABCD"[question.correct],
        "source_reference": "", "source_quote": "", "review_note": "", "fact_group": "",
        **changes,
    }  # fmt: skip
    response = client.post(reverse("questions_single:edit", args=[question.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    return SingleChoiceQuestion.objects.get(pk=question.pk)


def old_version(question) -> SingleChoiceQuestion:
    return SingleChoiceQuestion.objects.get(current_id=question.pk)


def test_papers_keep_the_question_as_drawn_through_edits(admin_client, client, exam_room):
    """Rewording, removing an option and re-keying make version 2 for new papers; the running
    and the finished papers still show version 1, are graded by it, and their pages render."""
    question, attempts, people = exam_room["question"], exam_room["attempts"], exam_room["people"]
    edited = edit(
        admin_client, question, stem="岗前培训（修订）？", options="6个学时\n8个学时\n10个学时",
        correct="C", explanation="已更正",
    )  # fmt: skip
    kept = old_version(question)
    assert (edited.version, edited.options, edited.correct) == (2, OPTIONS[:3], 2)
    assert (kept.version, kept.options, kept.correct, kept.status) == (1, OPTIONS, 1, "archived")
    assert set(AttemptQuestion.objects.values_list("question_id", flat=True)) == {kept.pk}

    client.force_login(people["sitting"])
    page = client.get(reverse("quizzes:attempt", args=[attempts["sitting"].pk]))
    assert "岗前培训？" in page.content.decode() and "12个学时" in page.content.decode()
    save = client.post(
        reverse("quizzes:save", args=[attempts["sitting"].pk]),
        json.dumps({"position": 1, "response": 3}),  # 12个学时: gone from version 2
        content_type="application/json",
    )
    assert save.status_code == 200
    client.post(reverse("quizzes:finish", args=[attempts["sitting"].pk]))
    assert Attempt.objects.get(pk=attempts["sitting"].pk).score == 0  # graded by version 1

    client.force_login(people["done"])
    result = client.get(reverse("quizzes:result", args=[attempts["done"].pk]))
    assert result.status_code == 200 and "已更正" not in result.content.decode()
    assert Attempt.objects.get(pk=attempts["done"].pk).passed  # B is still right on its paper

    newcomer = UserFactory()
    fresh = services.start_attempt(quiz=exam_room["quiz"], user=newcomer, now=timezone.now())
    assert fresh.paper.get().question_id == question.pk and fresh.paper.get().option_order == [
        0,
        1,
        2,
    ]


def test_an_edit_that_changes_no_content_keeps_the_version(admin_client, exam_room):
    """Changing the difficulty or the status is no new version: papers stay on the question."""
    question = exam_room["question"]
    edited = edit(admin_client, question, difficulty=4)
    assert edited.version == 1 and not Question.objects.filter(current=question).exists()
    assert set(AttemptQuestion.objects.values_list("question_id", flat=True)) == {question.pk}


def test_a_question_on_no_paper_is_edited_in_place(admin_client, regulation_category):
    """Without papers there is nothing to keep."""
    question = factories.single(regulation_category, options=OPTIONS, correct=1)
    edited = edit(admin_client, question, correct="C")
    assert edited.version == 1 and Question.objects.count() == 1


def test_the_edit_form_says_what_saving_will_do(admin_client, exam_room):
    """The form tells how many papers hold the question and links to its history."""
    question = exam_room["question"]
    html = admin_client.get(reverse("questions_single:edit", args=[question.pk])).content.decode()
    assert "本题在 3 份试卷上（作答中 1 份，已交卷 2 份）" in html
    assert reverse("question_versions:history", args=[question.pk]) in html


def test_a_kept_version_is_not_edited_and_not_in_the_bank(admin_client, exam_room):
    """The archived copy redirects to the history; lists, practice and drawing ignore it."""
    question = exam_room["question"]
    edit(admin_client, question, correct="C")
    kept = old_version(question)
    response = admin_client.get(reverse("questions_single:edit", args=[kept.pk]))
    assert response["Location"] == reverse("question_versions:history", args=[question.pk])
    listed = admin_client.get(reverse("question_bank:index")).context["object_list"]
    assert [q.pk for q in listed] == [question.pk]
    assert list(Question.objects.published().values_list("pk", flat=True)) == [question.pk]


# The history and the re-grade -------------------------------------------------------------------


def test_the_history_lists_every_version_with_its_papers(admin_client, exam_room):
    """Version 2 (current, no papers) and version 1 (1 running, 2 handed in)."""
    question = exam_room["question"]
    edit(admin_client, question, correct="C")
    response = admin_client.get(reverse("question_versions:history", args=[question.pk]))
    rows = [(v.version, running, finished) for v, running, finished, _ in response.context["rows"]]
    assert rows == [(2, 0, 0), (1, 1, 2)]
    assert reverse("question_versions:regrade", args=[old_version(question).pk]) in (
        response.content.decode()
    )


def test_a_regrade_is_previewed_then_applied_and_logged(
    admin_client, exam_room, admin_user, django_capture_on_commit_callbacks
):
    """Re-keyed B → C: the dry run shows done 及格 → 不及格 and slip 不及格 → 及格 and changes
    nothing; confirmed, the scores change, the papers move to the corrected version and the
    audit log holds who, when, before and after."""
    question, attempts = exam_room["question"], exam_room["attempts"]
    edit(admin_client, question, correct="C")
    kept = old_version(question)
    url = reverse("question_versions:regrade", args=[kept.pk])
    plan = admin_client.get(url).context["plan"]
    assert [
        (line.attempt.user.username, line.old_passed, line.new_passed) for line in plan.lines
    ] == [
        ("done", True, False),
        ("slip", False, True),
    ]
    assert plan.running == 1
    assert Attempt.objects.get(pk=attempts["done"].pk).passed  # a dry run changes nothing
    admin_client.post(url, {})  # not confirmed
    assert Attempt.objects.get(pk=attempts["done"].pk).passed

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"confirm": "yes"})
    assert response["Location"] == reverse("question_versions:history", args=[question.pk])
    done, slip = (Attempt.objects.get(pk=attempts[n].pk) for n in ("done", "slip"))
    assert (done.score, done.passed, slip.score, slip.passed) == (0, False, 2, True)
    assert AttemptQuestion.objects.get(attempt=done).question_id == question.pk
    assert AttemptQuestion.objects.get(attempt=attempts["sitting"]).question_id == kept.pk
    notice = Notice.objects.get(user=done.user)  # training tells the learner
    assert notice.kind == Notice.Kind.REGRADED and "0 / 2，未合格" in notice.text
    entry = ModelLogEntry.objects.get(action="quizzes.regrade")
    assert entry.user_id == admin_user.pk and entry.object_id == str(question.pk)
    assert entry.data["attempts"][0] == {
        "attempt": done.pk, "user": "done", "before": "2.00", "after": "0.00",
        "passed_before": True, "passed_after": False,
    }  # fmt: skip


def test_a_regrade_across_a_changed_shape_is_refused(admin_client, exam_room):
    """Options removed: a stored answer no longer means the same option; nothing is re-graded."""
    question, attempts = exam_room["question"], exam_room["attempts"]
    edit(admin_client, question, options="6个学时\n8个学时\n10个学时", correct="C")
    url = reverse("question_versions:regrade", args=[old_version(question).pk])
    assert "选项或空数不同" in admin_client.get(url).context["refusal"]
    admin_client.post(url, {"confirm": "yes"})
    assert Attempt.objects.get(pk=attempts["done"].pk).passed
    assert not ModelLogEntry.objects.filter(action="quizzes.regrade").exists()


def test_history_and_regrade_need_their_permissions(client, exam_room):
    """The history needs a question permission; a re-grade needs the markers' permission."""
    question = exam_room["question"]
    history = reverse("question_versions:history", args=[question.pk])
    client.force_login(staff_with("access_admin"))
    assert outcome(client.get(history)) == REFUSED
    client.force_login(staff_with("access_admin", "change_singlechoicequestion", "change_question"))
    assert client.get(history).status_code == 200
    question.stem = "改"
    services.keep_paper_version(question=question, now=timezone.now())
    question.save()
    regrade = reverse("question_versions:regrade", args=[old_version(question).pk])
    assert outcome(client.get(regrade)) == REFUSED
    client.force_login(staff_with("access_admin", "change_attempt"))
    assert client.get(regrade).status_code == 200


# Only published questions on a paper ------------------------------------------------------------


def test_a_withdrawn_fixed_question_stops_starting_and_flags_the_quiz(
    admin_client, client, exam_room
):
    """A fixed question set back to 草稿: the candidate is told why they cannot start, and the
    administrator's quiz list flags the quiz."""
    question, quiz = exam_room["question"], exam_room["quiz"]
    Question.objects.filter(pk=question.pk).update(status=Question.Status.DRAFT)
    client.force_login(UserFactory())
    response = client.post(reverse("quizzes:start", args=[quiz.slug]), follow=True)
    assert "部分试题正在修订" in response.content.decode()
    assert not Attempt.objects.filter(quiz=quiz, user=response.context["user"]).exists()
    html = admin_client.get(reverse("admin_quizzes:index")).content.decode()
    assert "固定题目未发布" in html


def test_the_history_names_the_papers_of_each_version(admin_client, exam_room):
    """Each version lists the papers holding it: who, which quiz, which attempt."""
    question = exam_room["question"]
    edit(admin_client, question, correct="C")
    response = admin_client.get(reverse("question_versions:history", args=[question.pk]))
    papers = response.context["papers"][old_version(question).pk]
    assert sorted(a.user.username for a in papers) == ["done", "sitting", "slip"]
    assert "（done）" in response.content.decode()
