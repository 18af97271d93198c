"""Deadlines that follow the administrator: personal terms, moved and early closes, unpublishing,
a page's own countdown, saves refused for time, and the ways back after an outage."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import querydict_from_html

from quizzes import services
from quizzes.deadlines import Terms
from quizzes.models import Attempt, PersonalSetting
from tests.factories import UserFactory, staff_with
from tests.learning import factories as learning_factories
from tests.quizzes import factories
from tests.support import REFUSED, outcome

pytestmark = pytest.mark.django_db
T0 = factories.NOW


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


# The arithmetic ---------------------------------------------------------------------------------


def test_extra_time_is_never_cut_off_by_the_common_close():
    """30 minutes + 15 extra started 10 minutes before the close: ends 45 minutes after start."""
    own = Terms(time_limit_minutes=30, opens_at=None, common_close=T0 + minutes(10),
                attempt_limit=None, extra_minutes=15)  # fmt: skip
    assert own.close == T0 + minutes(25) and own.deadline(T0) == T0 + minutes(25)
    plain = Terms(time_limit_minutes=30, opens_at=None, common_close=T0 + minutes(10),
                  attempt_limit=None)  # fmt: skip
    assert plain.deadline(T0) == T0 + minutes(10)


def test_a_personal_close_replaces_the_common_one():
    """A personal close after the common one lets the person start and answer until then."""
    own = Terms(time_limit_minutes=60, opens_at=None, common_close=T0,
                attempt_limit=1, personal_close=T0 + minutes(120), extra_attempts=1)  # fmt: skip
    assert own.refusal(T0 + minutes(30), used=1) == ""
    assert own.deadline(T0 + minutes(90)) == T0 + minutes(120)
    assert "已经结束" in own.refusal(T0 + minutes(120), used=0)
    assert "最多可作答 2 次" in own.refusal(T0, used=2)


def test_an_untimed_quiz_ends_at_its_close():
    """Without a time limit the attempt runs until the close."""
    own = Terms(time_limit_minutes=None, opens_at=None, common_close=T0 + minutes(90),
                attempt_limit=None)  # fmt: skip
    assert own.deadline(T0) == T0 + minutes(90)


# The administrator moves things -----------------------------------------------------------------


@pytest.fixture
def sitting(regulation_category):
    """An exam open now for two hours, 60 minutes long, with one candidate 10 minutes in."""
    now = timezone.now()
    quiz = factories.fixed(
        factories.quiz(
            mode="exam", time_limit_minutes=60, opens_at=now - minutes(30),
            closes_at=now + minutes(120), min_regulation_percent=15,
        ),
        factories.bank(regulation_category, count=3),
    )  # fmt: skip
    candidate = UserFactory(username="candidate")
    attempt = services.start_attempt(quiz=quiz, user=candidate, now=now - minutes(10))
    return {"quiz": quiz, "candidate": candidate, "attempt": attempt, "now": now}


def edit_quiz(admin_client, quiz, **changes):
    url = reverse("admin_quizzes:edit", args=(quiz.pk,))
    data = querydict_from_html(admin_client.get(url).content.decode(), form_id="w-editor-form")
    for box in ("is_published", "shuffle_questions", "shuffle_options"):
        if data.get(box) == "":  # a ticked box without a value attribute
            data[box] = "on"
    for key, value in changes.items():
        data[key] = value
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    return response


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_moving_the_close_earlier_in_the_admin_moves_the_running_deadline(
    admin_client, client, sitting, django_capture_on_commit_callbacks
):
    """The close moved to 20 minutes from now: the candidate's end follows at once, and their
    page's state check reports it."""
    new_close = (sitting["now"] + minutes(20)).replace(second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        edit_quiz(admin_client, sitting["quiz"], closes_at=local(new_close))
    attempt = Attempt.objects.get(pk=sitting["attempt"].pk)
    assert attempt.deadline == new_close and not attempt.is_finished
    client.force_login(sitting["candidate"])
    state = client.get(reverse("quizzes:state", args=(attempt.pk,))).json()
    assert 0 < state["remaining"] <= 20 * 60


def test_closing_early_hands_in_running_attempts_with_their_answers(
    admin_client, sitting, django_capture_on_commit_callbacks
):
    """Closed now: the running attempt is handed in, graded on what it saved, marked 测试关闭."""
    attempt = sitting["attempt"]
    services.save_answer(attempt_id=attempt.pk, user=sitting["candidate"], position=1,
                         response=attempt.paper.get(position=1).option_order.index(1),
                         now=sitting["now"])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        edit_quiz(admin_client, sitting["quiz"], closes_at=local(sitting["now"] - minutes(1)))
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.finished_by == Attempt.FinishedBy.CLOSED
    assert attempt.score == 2  # the one saved right answer counts


def test_unpublishing_ends_running_attempts(sitting, django_capture_on_commit_callbacks):
    """Unpublishing a quiz hands in its running attempts at once."""
    quiz = sitting["quiz"]
    quiz.is_published = False
    with django_capture_on_commit_callbacks(execute=True):
        quiz.save()
    assert Attempt.objects.get(pk=sitting["attempt"].pk).is_finished


def test_personal_extra_time_given_and_taken_back_follows_at_once(
    sitting, django_capture_on_commit_callbacks
):
    """Fifteen minutes granted: the end moves 15 minutes; removed: it moves back."""
    attempt, candidate = sitting["attempt"], sitting["candidate"]
    before = attempt.deadline
    with django_capture_on_commit_callbacks(execute=True):
        setting = PersonalSetting.objects.create(
            quiz=sitting["quiz"], user=candidate, minutes=15, reason="经批准的延时"
        )
    assert Attempt.objects.get(pk=attempt.pk).deadline == before + minutes(15)
    with django_capture_on_commit_callbacks(execute=True):
        setting.delete()
    assert Attempt.objects.get(pk=attempt.pk).deadline == before


# The candidate's page ---------------------------------------------------------------------------


def test_a_pages_own_countdown_does_not_end_an_attempt_with_time_left(client, sitting):
    """The page's timer says zero but the server says 50 minutes: nothing is handed in."""
    client.force_login(sitting["candidate"])
    url = reverse("quizzes:finish", args=(sitting["attempt"].pk,))
    response = client.post(url, {"timer": "1"}, follow=True)
    assert "请继续作答" in response.content.decode()
    assert not Attempt.objects.get(pk=sitting["attempt"].pk).is_finished


def test_a_hand_in_after_the_deadline_is_recorded_as_timed_out(client, sitting):
    """Pressing 交卷 after the end (within the grace) is 超时自动交卷, not 本人交卷."""
    Attempt.objects.filter(pk=sitting["attempt"].pk).update(deadline=timezone.now() - minutes(0.5))
    client.force_login(sitting["candidate"])
    client.post(reverse("quizzes:finish", args=(sitting["attempt"].pk,)))
    attempt = Attempt.objects.get(pk=sitting["attempt"].pk)
    assert attempt.is_finished and attempt.finished_by == Attempt.FinishedBy.TIMEOUT


def test_a_save_refused_for_time_hands_the_attempt_in_there_and_then(client, sitting):
    """Past the end and the grace, a save is refused and the attempt is finished at once."""
    Attempt.objects.filter(pk=sitting["attempt"].pk).update(deadline=timezone.now() - minutes(5))
    client.force_login(sitting["candidate"])
    response = client.post(
        reverse("quizzes:save", args=(sitting["attempt"].pk,)),
        json.dumps({"position": 1, "response": 0}),
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["finished"]
    attempt = Attempt.objects.get(pk=sitting["attempt"].pk)
    assert attempt.is_finished and attempt.finished_by == Attempt.FinishedBy.TIMEOUT


def test_the_quiz_page_shows_the_persons_own_terms(client, sitting):
    """With 15 extra minutes and one extra attempt, the page says so before starting."""
    newcomer = UserFactory()
    PersonalSetting.objects.create(quiz=sitting["quiz"], user=newcomer, minutes=15,
                                   extra_attempts=1, reason="经批准")  # fmt: skip
    sitting["quiz"].attempt_limit = 1
    sitting["quiz"].save()
    client.force_login(newcomer)
    html = client.get(reverse("quizzes:detail", args=(sitting["quiz"].slug,))).content.decode()
    assert "75 分钟（含为您延长的 15 分钟）" in html and "最多 2 次（含为您增加的 1 次）" in html
    assert "开始作答" in html


def test_the_quiz_page_offers_to_continue_and_never_caches(client, sitting):
    """A running attempt: 继续作答 and no start button; the page is not kept for Back."""
    client.force_login(sitting["candidate"])
    response = client.get(reverse("quizzes:detail", args=(sitting["quiz"].slug,)))
    html = response.content.decode()
    assert "继续作答" in html and "开始作答" not in html
    assert "no-store" in response["Cache-Control"]


def test_no_start_button_when_no_attempt_is_left(client, sitting):
    """Attempts used up: no start button, and the reason."""
    sitting["quiz"].attempt_limit = 1
    sitting["quiz"].save()
    services.finish_attempt(attempt_id=sitting["attempt"].pk, now=timezone.now())
    client.force_login(sitting["candidate"])
    html = client.get(reverse("quizzes:detail", args=(sitting["quiz"].slug,))).content.decode()
    assert "开始作答" not in html and "最多可作答 1 次，您已用完" in html


def test_an_untimed_quiz_counts_down_only_in_its_last_hour(client, regulation_category):
    """An untimed self-test closing in three hours shows its close, not a countdown."""
    quiz = factories.fixed(
        factories.quiz(
            time_limit_minutes=None, mode="practice", closes_at=timezone.now() + minutes(180)
        ),
        factories.bank(regulation_category, count=2),
    )
    user = UserFactory()
    attempt = services.start_attempt(quiz=quiz, user=user, now=timezone.now())
    client.force_login(user)
    html = client.get(reverse("quizzes:attempt", args=(attempt.pk,))).content.decode()
    assert 'data-countdown-within="3600"' in html and "data-close=" in html


# After an outage --------------------------------------------------------------------------------


@pytest.fixture
def outage(sitting):
    """The candidate's attempt ended by time; another person handed in themselves."""
    quiz, now = sitting["quiz"], timezone.now()
    services.finish_attempt(
        attempt_id=sitting["attempt"].pk, now=now, by=Attempt.FinishedBy.TIMEOUT
    )
    early = UserFactory(username="early")
    attempt = services.start_attempt(quiz=quiz, user=early, now=now)
    services.finish_attempt(attempt_id=attempt.pk, user=early, now=now)
    return sitting


def incident(admin_client, quiz, **data):
    url = reverse("quiz_incidents:index")
    return admin_client.post(url, {"quiz": quiz.pk, **data})


def test_an_attempt_ended_by_time_is_resumed_until_a_new_end(admin_client, client, outage):
    """Reopened until an hour from now (after the close): answers kept, saving works again, the
    reason is in the log; a person who handed in is skipped with the reason."""
    until = timezone.now() + minutes(150)
    response = incident(admin_client, outage["quiz"], action="reopen", usernames="candidate\nearly",
                        until=local(until), reason="网络中断约20分钟")  # fmt: skip
    outcome = response.context["outcome"]
    assert outcome.done == ["candidate"] and outcome.skipped[0][0] == "early"
    attempt = Attempt.objects.get(pk=outage["attempt"].pk)
    assert not attempt.is_finished and attempt.deadline == until.replace(second=0, microsecond=0)
    client.force_login(outage["candidate"])
    save = client.post(reverse("quizzes:save", args=(attempt.pk,)),
                       json.dumps({"position": 1, "response": 0}), content_type="application/json")  # fmt: skip
    assert save.status_code == 200
    entry = ModelLogEntry.objects.get(action="quizzes.reopen")
    assert entry.data["reason"] == "网络中断约20分钟"


def test_an_extra_attempt_is_granted_with_its_reason(admin_client, outage):
    """One more attempt for the person who handed in: recorded on their settings and in the log."""
    outage["quiz"].attempt_limit = 1
    outage["quiz"].save()
    incident(admin_client, outage["quiz"], action="attempt", usernames="early", reason="补考")
    setting = PersonalSetting.objects.get(user__username="early")
    assert (setting.extra_attempts, setting.reason) == (1, "补考")
    assert ModelLogEntry.objects.filter(action="quizzes.extra_attempt").count() == 1
    early = setting.user
    services.start_attempt(quiz=outage["quiz"], user=early, now=timezone.now())


def test_bad_incident_input_is_named_and_nothing_happens(admin_client, outage):
    """No reason, no end for a reopening, an unknown username on line 2: all said, none done."""
    response = incident(admin_client, outage["quiz"], action="reopen",
                        usernames="candidate\nnobody", until="", reason="")  # fmt: skip
    errors = response.context["form"].errors
    assert "第2行“nobody”" in str(errors["usernames"]) and "reason" in errors
    assert "until" in errors
    assert Attempt.objects.get(pk=outage["attempt"].pk).is_finished


def test_everyone_of_a_unit_is_resumed_by_unit(admin_client, regulation_category):
    """按单位应急处置: the people of 甲区 and below resume; 乙区's stay finished."""
    units = learning_factories.area_units()
    now = timezone.now()
    quiz = factories.fixed(
        factories.quiz(time_limit_minutes=30), factories.bank(regulation_category, count=2)
    )
    people = [
        learning_factories.learner(n, units[u]) for n, u in (("a", "A1"), ("b", "A"), ("c", "B"))
    ]
    for person in people:
        attempt = services.start_attempt(quiz=quiz, user=person, now=now)
        services.finish_attempt(attempt_id=attempt.pk, now=now, by=Attempt.FinishedBy.TIMEOUT)
    admin_client.post(reverse("unit_incidents:index"), {
        "quiz": quiz.pk, "action": "reopen", "unit": units["A"].pk, "usernames": "",
        "until": local(now + minutes(60)), "reason": "甲区断电",
    })  # fmt: skip
    running = set(
        Attempt.objects.filter(status="in_progress").values_list("user__username", flat=True)
    )
    assert running == {"a", "b"}


def test_the_incident_pages_need_the_quiz_permission(client):
    """Holding a quiz only in view is not enough to act on attempts."""
    client.force_login(staff_with("access_admin", "view_quiz"))
    assert outcome(client.get(reverse("quiz_incidents:index"))) == REFUSED
    client.force_login(staff_with("access_admin", "change_quiz"))
    assert client.get(reverse("quiz_incidents:index")).status_code == 200
