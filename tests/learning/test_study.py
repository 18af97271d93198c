import json
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning import credit
from learning.models import ActiveStudy, ProgrammeItem, StudyCredit
from learning.services import study
from learning.services.study import StudyError
from tests.content.factories import RegulationPageFactory
from tests.factories import UserFactory
from tests.learning import factories

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 5, 6, 10, 0, tzinfo=SHANGHAI)
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
STUDY_TABLES = ("learning_activestudy", "learning_studycredit", "learning_programmeitem")


@pytest.fixture(autouse=True)
def study_settings(settings):
    settings.STUDY_HEARTBEAT_SECONDS = 30
    settings.STUDY_HEARTBEAT_CAP_SECONDS = 45
    settings.STUDY_IDLE_SECONDS = 300
    settings.STUDY_PRESENCE_CHECK_MINUTES = 0
    settings.LEARNING_HOUR_MINUTES = 45
    return settings


@pytest.fixture
def enrolled():
    return factories.enrolled_lesson(nominal_minutes=30)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def beat(user, item, seconds, *, visible=True, interacted=True):
    return study.heartbeat(
        user=user, item_id=item.pk, visible=visible, interacted=interacted, now=at(seconds)
    )


def credited(user, item) -> int:
    return study.credited_seconds(user, item)


def data_queries(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]


# Crediting time ------------------------------------------------------------------------------


def test_consecutive_beats_credit_the_elapsed_time(enrolled):
    """Beats 30 s apart credit 30 s each; the first beat only starts the session."""
    user, item = enrolled
    assert beat(user, item, 0).credited == 0
    assert beat(user, item, 30).credited == 30
    result = beat(user, item, 60)
    assert (result.credited, result.total_seconds) == (30, 60)
    assert result.state == "studying"


def test_a_long_gap_between_beats_is_capped(enrolled):
    """A beat 200 s after the previous one earns only the 45 s cap."""
    user, item = enrolled
    beat(user, item, 0)
    beat(user, item, 30)
    assert beat(user, item, 230).credited == 45
    assert credited(user, item) == 75


def test_time_with_the_page_hidden_earns_nothing(enrolled):
    """The hidden beat and the first visible beat after it earn nothing; credit then resumes."""
    user, item = enrolled
    beat(user, item, 0)
    beat(user, item, 30)
    hidden = beat(user, item, 40, visible=False)
    assert (hidden.credited, hidden.state) == (0, "hidden")
    assert beat(user, item, 70).credited == 0  # back after 30 s hidden: not credited
    assert beat(user, item, 100).credited == 30
    assert credited(user, item) == 60


def test_an_idle_learner_earns_nothing_until_they_interact(enrolled):
    """After the idle limit without interaction beats earn nothing; interacting resumes credit."""
    user, item = enrolled
    beat(user, item, 0)
    for seconds in range(30, 301, 30):
        assert beat(user, item, seconds, interacted=False).credited == 30
    idle = beat(user, item, 330, interacted=False)
    assert (idle.credited, idle.state) == (0, "idle")
    assert beat(user, item, 360, interacted=True).credited == 0
    assert beat(user, item, 390, interacted=False).credited == 30
    assert credited(user, item) == 330


def test_two_tabs_of_one_lesson_credit_wall_time_once(enrolled):
    """Interleaved beats from two tabs credit the time since the person's last beat, not double."""
    user, item = enrolled
    for seconds in range(0, 301, 15):  # tab A at 0, 30, 60…; tab B at 15, 45, 75…
        beat(user, item, seconds)
    assert credited(user, item) == 300


def test_two_lessons_alternating_never_exceed_wall_time():
    """Beats alternating between two lessons never credit more than the time that passed."""
    user, first = factories.enrolled_lesson()
    _, second = factories.enrolled_lesson(user)
    for seconds in range(0, 301, 15):
        beat(user, first if seconds % 30 == 0 else second, seconds)
    assert credited(user, first) + credited(user, second) <= 300


def test_switching_lesson_files_the_old_lesson_and_starts_afresh():
    """A beat for another lesson moves the old one's pending seconds to StudyCredit, earning 0."""
    user, first = factories.enrolled_lesson()
    _, second = factories.enrolled_lesson(user)
    beat(user, first, 0)
    beat(user, first, 30)
    assert beat(user, second, 40).credited == 0
    assert StudyCredit.objects.get(user=user, item=first).seconds == 30
    assert beat(user, second, 70).credited == 30
    assert (credited(user, first), credited(user, second)) == (30, 30)


def test_a_lesson_never_earns_more_than_its_nominal_time():
    """Credit stops at the lesson's nominal minutes and the state says it is complete."""
    user, item = factories.enrolled_lesson(nominal_minutes=1)
    for seconds in range(0, 181, 30):
        result = beat(user, item, seconds)
    assert (result.total_seconds, result.remaining_seconds, result.state) == (60, 0, "complete")
    assert credited(user, item) == 60


def test_nominal_time_counts_credit_from_earlier_days(enrolled):
    """Seconds filed on earlier days count towards the nominal limit."""
    user, item = enrolled
    StudyCredit.objects.create(
        user=user, item=item, day=T0.date() - timedelta(days=1), seconds=1790
    )
    beat(user, item, 0)
    assert beat(user, item, 30).credited == 10
    assert credited(user, item) == 1800


def test_an_unanswered_presence_check_stops_credit_until_confirmed(enrolled, settings):
    """When the 继续学习 check falls due credit stops; confirming resumes it from then."""
    settings.STUDY_PRESENCE_CHECK_MINUTES = 1
    user, item = enrolled
    beat(user, item, 0)
    assert beat(user, item, 30).presence_required is False
    due = beat(user, item, 60)
    assert (due.credited, due.presence_required, due.state) == (0, True, "presence")
    assert beat(user, item, 90).credited == 0
    confirmed = study.confirm_presence(user=user, now=at(100))
    assert (confirmed.presence_required, confirmed.total_seconds) == (False, 30)
    assert beat(user, item, 130).credited == 30
    assert ActiveStudy.objects.get(user=user).presence_due_at == at(160)


def test_switching_lesson_does_not_reset_a_running_presence_check(settings):
    """Hopping to another lesson keeps the presence check's due time."""
    settings.STUDY_PRESENCE_CHECK_MINUTES = 1
    user, first = factories.enrolled_lesson()
    _, second = factories.enrolled_lesson(user)
    beat(user, first, 0)
    beat(user, first, 30)
    beat(user, second, 50)
    assert beat(user, second, 70).presence_required is True


def test_confirming_presence_without_a_session_is_refused():
    """Answering 继续学习 with no session running is refused with 409."""
    with pytest.raises(StudyError) as refused:
        study.confirm_presence(user=UserFactory(), now=at(0))
    assert refused.value.status == 409


def test_a_day_change_files_yesterday_and_credits_today(enrolled):
    """Crossing midnight in Shanghai files the pending seconds under the old day."""
    user, item = enrolled
    evening = datetime(2024, 5, 6, 23, 59, 0, tzinfo=SHANGHAI)
    for offset in (0, 30, 60, 90):
        study.heartbeat(
            user=user,
            item_id=item.pk,
            visible=True,
            interacted=True,
            now=evening + timedelta(seconds=offset),
        )
    rows = dict(StudyCredit.objects.filter(user=user).values_list("day", "seconds"))
    assert rows == {datetime(2024, 5, 6).date(): 30}
    assert ActiveStudy.objects.get(user=user).pending_seconds == 60
    assert credited(user, item) == 90


def test_credit_is_one_row_per_person_lesson_and_day(enrolled):
    """Many beats on one day end up as a single StudyCredit row once filed."""
    user, item = enrolled
    for seconds in range(0, 601, 30):
        beat(user, item, seconds)
    assert StudyCredit.objects.count() == 0  # still pending on the session
    study.flush(user=user, now=at(620))
    beat(user, item, 700)  # a new session the same day
    beat(user, item, 730)
    study.flush(user=user, now=at(740))
    assert list(StudyCredit.objects.values_list("seconds", flat=True)) == [630]


def test_flush_ends_the_session(enrolled):
    """After flush the next beat earns nothing: it starts a new session."""
    user, item = enrolled
    beat(user, item, 0)
    beat(user, item, 30)
    study.flush(user=user, now=at(40))
    assert ActiveStudy.objects.get(user=user).pending_seconds == 0
    assert beat(user, item, 50).credited == 0
    assert credited(user, item) == 30


def test_flush_stale_files_sessions_silent_beyond_the_idle_limit(enrolled):
    """A periodic flush files sessions with no beat for longer than the idle limit only."""
    user, item = enrolled
    other, other_item = factories.enrolled_lesson()
    for seconds in (0, 30):
        beat(user, item, seconds)
    for seconds in (300, 330):
        beat(other, other_item, seconds)
    assert study.flush_stale(now=at(400)) == 1
    assert StudyCredit.objects.get().user == user
    assert credited(other, other_item) == 30


def test_a_hidden_beat_never_starts_or_takes_over_a_session():
    """A hidden page of another lesson leaves the running session alone."""
    user, first = factories.enrolled_lesson()
    _, second = factories.enrolled_lesson(user)
    beat(user, first, 0)
    hidden = beat(user, second, 10, visible=False)
    assert (hidden.item_id, hidden.state) == (second.pk, "hidden")
    assert beat(user, first, 30).credited == 30


def test_a_session_resumed_after_a_long_break_starts_afresh(enrolled):
    """The first beat after more than the idle limit without beats earns nothing."""
    user, item = enrolled
    beat(user, item, 0)
    beat(user, item, 30)
    assert beat(user, item, 1000).credited == 0
    assert beat(user, item, 1030).credited == 30


def test_credited_seconds_by_item_adds_filed_and_pending_time():
    """The programme-wide read adds StudyCredit rows and the running session's pending seconds."""
    user, first = factories.enrolled_lesson()
    _, second = factories.enrolled_lesson(user)
    StudyCredit.objects.create(user=user, item=first, day=T0.date(), seconds=100)
    beat(user, second, 0)
    beat(user, second, 30)
    assert study.credited_seconds_by_item(user, [first.pk, second.pk]) == {
        first.pk: 100,
        second.pk: 30,
    }


# Who may earn --------------------------------------------------------------------------------


def test_a_learner_not_enrolled_earns_nothing():
    """Someone else's lesson (not enrolled in its programme) is refused with 403."""
    _, item = factories.enrolled_lesson()
    stranger = UserFactory()
    with pytest.raises(StudyError) as refused:
        beat(stranger, item, 0)
    assert refused.value.status == 403
    assert not ActiveStudy.objects.filter(user=stranger).exists()


def test_only_lessons_of_published_programmes_earn():
    """A quiz or offline item, or a lesson of an unpublished programme, is not found."""
    user = UserFactory()
    offline = ProgrammeItem.objects.create(
        programme=factories.programme(), kind=ProgrammeItem.Kind.OFFLINE, offline_hours=2
    )
    hidden_programme = factories.material_lesson(of=factories.programme(is_published=False))
    for item in (offline, hidden_programme):
        factories.enrol(item.programme, user)
        with pytest.raises(StudyError) as refused:
            beat(user, item, 0)
        assert refused.value.status == 404


def test_a_lesson_whose_page_is_unpublished_is_not_found():
    """A lesson page taken offline earns nothing."""
    user, item = factories.enrolled_lesson()
    item.page.unpublish()
    with pytest.raises(StudyError) as refused:
        beat(user, item, 0)
    assert refused.value.status == 404


# Cost and concurrency ------------------------------------------------------------------------


def test_an_ordinary_heartbeat_costs_at_most_two_queries(enrolled):
    """A beat for the running lesson is one locked read and one update."""
    user, item = enrolled
    beat(user, item, 0)
    beat(user, item, 30)
    with CaptureQueriesContext(connection) as captured:
        result = beat(user, item, 60)
    assert result.credited == 30
    queries = data_queries(captured)
    assert len(queries) <= 2, queries


def test_a_hidden_heartbeat_also_costs_at_most_two_queries(enrolled):
    """The final beat sent as the page hides is just as cheap."""
    user, item = enrolled
    beat(user, item, 0)
    with CaptureQueriesContext(connection) as captured:
        beat(user, item, 30, visible=False)
    assert len(data_queries(captured)) <= 2


def run_together(*beats):
    """Run the beats in threads released at the same instant, each on its own connection."""
    barrier = threading.Barrier(len(beats))

    def run(function):
        try:
            barrier.wait()
            function()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in beats]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.fixture
def slow_session_read(monkeypatch):
    """Hold each beat between reading its session row and writing it, widening any race."""
    read = study._locked_session

    def read_slowly(user, **options):
        session = read(user, **options)
        time.sleep(0.3)
        return session

    monkeypatch.setattr(study, "_locked_session", read_slowly)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_beats_from_two_tabs_credit_an_interval_once(slow_session_read):
    """Two tabs beating at the same instant credit the interval once."""
    user, item = factories.enrolled_lesson()
    beat(user, item, 0)
    for moment in (30, 60):
        run_together(lambda m=moment: beat(user, item, m), lambda m=moment: beat(user, item, m))
    assert credited(user, item) == 60


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lesson_switch_racing_a_beat_never_counts_time_twice(slow_session_read, monkeypatch):
    """A beat for the running lesson and a switch to another at the same instant: the row lock
    makes one wait for the other, so filed and pending seconds never overlap."""
    user, first = factories.enrolled_lesson()
    _, second = factories.enrolled_lesson(user)
    beat(user, first, 0)
    beat(user, first, 30)
    credit_now = credit.credit_for_beat

    def credit_later(**arguments):  # the ordinary beat writes after the switch would have
        time.sleep(0.3)
        return credit_now(**arguments)

    monkeypatch.setattr(credit, "credit_for_beat", credit_later)
    run_together(lambda: beat(user, first, 60), lambda: beat(user, second, 60))
    total = credited(user, first) + credited(user, second)
    assert total in (30, 60)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_beats_after_midnight_file_the_old_day_once(slow_session_read):
    """Two tabs beating at the same instant after midnight file the old day's seconds once."""
    user, item = factories.enrolled_lesson()
    evening = datetime(2024, 5, 6, 23, 59, 30, tzinfo=SHANGHAI)
    StudyCredit.objects.create(user=user, item=item, day=evening.date(), seconds=100)
    for offset in (0, 20):
        beat_at = evening + timedelta(seconds=offset)
        study.heartbeat(user=user, item_id=item.pk, visible=True, interacted=True, now=beat_at)
    after_midnight = evening + timedelta(seconds=40)

    def beat_after_midnight():
        study.heartbeat(
            user=user, item_id=item.pk, visible=True, interacted=True, now=after_midnight
        )

    run_together(beat_after_midnight, beat_after_midnight)
    rows = dict(StudyCredit.objects.filter(user=user).values_list("day", "seconds"))
    assert rows == {evening.date(): 120}


# Pages and JSON endpoints --------------------------------------------------------------------


@pytest.fixture
def learner_client(enrolled):
    user, item = enrolled
    client = Client()
    client.force_login(user)
    return client, user, item


def post_beat(client, item_id, body, **extra):
    return client.post(
        reverse("learning:heartbeat", args=[item_id]),
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        **extra,
    )


def test_the_lesson_page_shows_the_content_and_the_study_panel(learner_client):
    """The lesson page renders the content page and the panel with credited and nominal time."""
    client, user, item = learner_client
    StudyCredit.objects.create(user=user, item=item, day=T0.date(), seconds=725)
    response = client.get(reverse("learning:lesson", args=[item.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "干部选拔任用工作监督检查和责任追究办法解读" in html
    assert 'id="study-panel"' in html
    assert "12 分 05 秒" in html and "0.2" in html and "课程时长 30 分钟" in html
    assert "继续学习" in html
    assert 'data-interval="30"' in html
    assert item.programme.title in html
    assert reverse("learning:programme", args=[item.programme.slug]) in html


def test_the_lesson_page_uses_the_content_pages_own_template():
    """A regulation lesson is shown with the regulation template: articles and contents."""
    page = RegulationPageFactory(
        title="党政领导干部选拔任用工作条例", articles=[("适用范围", "本条例适用于选拔任用。")]
    )
    item = factories.material_lesson(page=page)
    user = UserFactory()
    factories.enrol(item.programme, user)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("learning:lesson", args=[item.pk]))
    assert "content/regulation_page.html" in [t.name for t in response.templates]
    assert "本条例适用于选拔任用。" in response.content.decode()
    assert 'id="study-panel"' in response.content.decode()


def test_the_lesson_page_refuses_those_not_enrolled():
    """Someone not enrolled gets a 403 page in the site layout, and no study panel."""
    _, item = factories.enrolled_lesson()
    client = Client()
    client.force_login(UserFactory())
    response = client.get(reverse("learning:lesson", args=[item.pk]))
    assert response.status_code == 403
    assert "没有报名" in response.content.decode()
    assert 'id="study-panel"' not in response.content.decode()


def test_the_lesson_page_is_not_found_for_other_kinds_of_item(learner_client):
    """An offline item or a missing id gives 404."""
    client, user, item = learner_client
    offline = ProgrammeItem.objects.create(
        programme=item.programme, kind=ProgrammeItem.Kind.OFFLINE, offline_hours=1
    )
    assert client.get(reverse("learning:lesson", args=[offline.pk])).status_code == 404
    assert client.get(reverse("learning:lesson", args=[999999])).status_code == 404


def test_the_lesson_page_requires_login(enrolled):
    """An anonymous visitor is sent to the login page."""
    _, item = enrolled
    response = Client().get(reverse("learning:lesson", args=[item.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_heartbeat_endpoint_answers_the_credited_totals(learner_client):
    """A POSTed beat answers the totals the panel shows."""
    client, user, item = learner_client
    first = post_beat(client, item.pk, {"visible": True, "interacted": True})
    assert first.status_code == 200
    data = first.json()
    assert data["ok"] is True and data["credited"] == 0 and data["state"] == "studying"
    assert data["nominal_seconds"] == 1800 and data["remaining_seconds"] == 1800
    ActiveStudy.objects.filter(user=user).update(
        last_beat_at=timezone.now() - timedelta(seconds=30)
    )
    second = post_beat(client, item.pk, {"visible": True, "interacted": False}).json()
    assert second["credited"] == 30 and second["total_seconds"] == 30
    assert second["duration_text"] == "0 分 30 秒" and second["hours"] == "0.0"


def test_the_heartbeat_ignores_any_time_the_client_claims(learner_client):
    """Extra fields such as a claimed elapsed time or timestamp change nothing."""
    client, user, item = learner_client
    post_beat(client, item.pk, {"visible": True, "interacted": True})
    forged = {"visible": True, "interacted": True, "elapsed": 3600, "now": "2099-01-01T00:00:00"}
    data = post_beat(client, item.pk, forged).json()
    assert data["credited"] == 0 and data["total_seconds"] == 0


def test_the_heartbeat_endpoint_costs_at_most_two_study_queries(learner_client):
    """Through the view an ordinary beat still touches the study tables at most twice."""
    client, user, item = learner_client
    post_beat(client, item.pk, {"visible": True, "interacted": True})
    with CaptureQueriesContext(connection) as captured:
        response = post_beat(client, item.pk, {"visible": True, "interacted": True})
    assert response.status_code == 200
    study_queries = [q for q in data_queries(captured) if any(t in q for t in STUDY_TABLES)]
    assert len(study_queries) <= 2, study_queries


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        b"\xff\xfe",
        "[true, true]",
        json.dumps({"visible": "true", "interacted": True}),
        json.dumps({"visible": True}),
        "",
    ],
)
def test_a_malformed_beat_is_a_bad_request(learner_client, body):
    """Non-JSON bodies, non-objects and non-boolean flags give 400."""
    client, _, item = learner_client
    response = post_beat(client, item.pk, body)
    assert response.status_code == 400
    assert response.json()["ok"] is False


def test_beats_for_items_one_may_not_study_are_refused(learner_client):
    """Someone else's lesson gives 403; an offline item or a missing id gives 404."""
    client, _, item = learner_client
    _, others = factories.enrolled_lesson()
    offline = ProgrammeItem.objects.create(
        programme=item.programme, kind=ProgrammeItem.Kind.OFFLINE, offline_hours=1
    )
    flags = {"visible": True, "interacted": True}
    assert post_beat(client, others.pk, flags).status_code == 403
    assert post_beat(client, offline.pk, flags).status_code == 404
    assert post_beat(client, 999999, flags).status_code == 404


def test_the_heartbeat_endpoint_only_accepts_post(learner_client):
    """GET on the heartbeat or presence endpoint gives 405."""
    client, _, item = learner_client
    assert client.get(reverse("learning:heartbeat", args=[item.pk])).status_code == 405
    assert client.get(reverse("learning:presence")).status_code == 405


def test_anonymous_beats_get_a_json_401(enrolled):
    """An expired login answers the script with JSON, not a redirect."""
    _, item = enrolled
    response = post_beat(Client(), item.pk, {"visible": True, "interacted": True})
    assert response.status_code == 401
    assert "登录" in response.json()["error"]


def test_csrf_is_enforced(enrolled):
    """A beat or presence answer without the CSRF token is refused."""
    user, item = enrolled
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert post_beat(client, item.pk, {"visible": True, "interacted": True}).status_code == 403
    assert client.post(reverse("learning:presence")).status_code == 403
    assert not ActiveStudy.objects.exists()


def test_csrf_token_from_the_lesson_page_is_accepted(enrolled):
    """With the token the lesson page carries, the beat goes through."""
    user, item = enrolled
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("learning:lesson", args=[item.pk]))
    token = client.cookies["csrftoken"].value
    response = post_beat(
        client, item.pk, {"visible": True, "interacted": True}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200


def test_the_presence_endpoint_confirms_and_answers_totals(learner_client, settings):
    """Posting 继续学习 clears the check and answers the lesson's totals."""
    settings.STUDY_PRESENCE_CHECK_MINUTES = 20
    client, user, item = learner_client
    post_beat(client, item.pk, {"visible": True, "interacted": True})
    ActiveStudy.objects.filter(user=user).update(presence_due_at=timezone.now())
    due = post_beat(client, item.pk, {"visible": True, "interacted": True}).json()
    assert due["presence_required"] is True
    data = client.post(reverse("learning:presence")).json()
    assert data["presence_required"] is False and data["item_id"] == item.pk
    assert ActiveStudy.objects.get(user=user).presence_due_at > timezone.now()


def test_the_presence_endpoint_without_a_session_is_a_conflict(learner_client):
    """Answering 继续学习 before any beat gives 409."""
    client, _, _ = learner_client
    assert client.post(reverse("learning:presence")).status_code == 409


def test_flush_command_files_idle_sessions(enrolled):
    """The periodic command files a session silent beyond the idle limit."""
    from io import StringIO

    from django.core.management import call_command

    user, item = enrolled
    for seconds in (0, 30):
        beat(user, item, seconds)
    ActiveStudy.objects.filter(user=user).update(last_beat_at=timezone.now() - timedelta(hours=1))
    out = StringIO()
    call_command("flush_study_sessions", stdout=out)
    assert "已结束 1 个" in out.getvalue() and StudyCredit.objects.get(user=user).seconds == 30
