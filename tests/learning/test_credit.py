from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from learning import credit

T0 = datetime(2024, 5, 6, 1, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def beat(**changes) -> int:
    """credit_for_beat with a learner who beat 30 s ago and touched the page 10 s ago."""
    arguments = {
        "now": at(30),
        "last_beat_at": at(0),
        "last_activity_at": at(20),
        "visible": True,
        "presence_due_at": None,
        "already_seconds": 0,
        "nominal_seconds": 1800,
        "cap_seconds": 45,
        "idle_seconds": 300,
    } | changes
    return credit.credit_for_beat(**arguments)


def test_a_visible_active_beat_earns_the_time_since_the_last_beat():
    """A visible page with recent activity earns the whole interval since the previous beat."""
    assert beat() == 30


def test_a_hidden_page_earns_nothing():
    """The beat sent as the page hides earns nothing."""
    assert beat(visible=False) == 0


def test_the_first_beat_of_a_session_earns_nothing():
    """With no previous beat there is no interval to credit."""
    assert beat(last_beat_at=None) == 0


def test_an_idle_learner_earns_nothing():
    """More than the idle limit since the last known activity earns nothing."""
    assert beat(last_activity_at=at(30 - 301)) == 0


def test_activity_exactly_at_the_idle_limit_still_counts():
    """The idle limit itself is still active time."""
    assert beat(last_activity_at=at(30 - 300)) == 30


def test_unknown_activity_counts_as_idle():
    """Without a known activity time nothing is credited."""
    assert beat(last_activity_at=None) == 0


def test_one_beat_is_capped():
    """A long gap since the previous beat earns at most the cap."""
    assert beat(now=at(600), last_activity_at=at(590)) == 45


def test_a_lesson_never_earns_beyond_its_nominal_time():
    """Only what is left of the nominal time is credited."""
    assert beat(already_seconds=1790) == 10
    assert beat(already_seconds=1800) == 0
    assert beat(already_seconds=5000) == 0


def test_a_lesson_without_nominal_time_earns_nothing():
    """A lesson with no nominal minutes has nothing to earn."""
    assert beat(nominal_seconds=0) == 0


def test_an_overdue_presence_check_stops_credit():
    """Once the 继续学习 check is due, beats earn nothing until it is answered."""
    assert beat(presence_due_at=at(30)) == 0
    assert beat(presence_due_at=at(10)) == 0
    assert beat(presence_due_at=at(31)) == 30


def test_a_clock_running_backwards_earns_nothing():
    """A beat dated before the previous one (odd clocks) earns nothing and never negative."""
    assert beat(now=at(-5), last_activity_at=at(-10)) == 0


def test_fractions_of_a_second_are_rounded_down():
    """Only whole seconds are credited."""
    assert beat(now=at(29.9)) == 29


def test_negative_or_odd_inputs_never_give_negative_credit():
    """A negative cap or an overstated 'already' cannot produce negative credit."""
    assert beat(cap_seconds=-10) == 0
    assert beat(already_seconds=-100) == 30


def test_next_beat_carries_the_fraction_of_a_fully_credited_interval():
    """When the whole interval was credited, its leftover fraction counts towards the next beat."""
    assert credit.next_beat_at(now=at(30.7), last_beat_at=at(0), credited=30) == at(30)


def test_next_beat_restarts_the_clock_after_a_capped_or_refused_beat():
    """A capped or refused interval is discarded: the next one starts now."""
    assert credit.next_beat_at(now=at(600), last_beat_at=at(0), credited=45) == at(600)
    assert credit.next_beat_at(now=at(30), last_beat_at=at(0), credited=0) == at(30)
    assert credit.next_beat_at(now=at(30), last_beat_at=None, credited=0) == at(30)
    assert credit.next_beat_at(now=at(-5), last_beat_at=at(0), credited=0) == at(-5)


def test_fractions_add_up_over_many_beats():
    """Beats every 30.6 s credit the full elapsed time, not 30 s each."""
    last, total = at(0), 0
    for number in range(1, 11):
        now = at(30.6 * number)
        earned = beat(now=now, last_beat_at=last, last_activity_at=now)
        last = credit.next_beat_at(now=now, last_beat_at=last, credited=earned)
        total += earned
    assert total == 306


def test_interacting_marks_activity_now():
    """A visible beat reporting interaction sets the last activity to now."""
    result = credit.activity_after_beat(
        now=at(30), last_activity_at=at(0), visible=True, interacted=True, idle_seconds=300
    )
    assert result == at(30)


def test_no_interaction_keeps_the_last_activity():
    """Without interaction the last known activity stays."""
    result = credit.activity_after_beat(
        now=at(30), last_activity_at=at(5), visible=True, interacted=False, idle_seconds=300
    )
    assert result == at(5)


def test_hiding_counts_as_going_idle():
    """A hidden beat marks the learner idle, so the interval after it earns nothing."""
    result = credit.activity_after_beat(
        now=at(30), last_activity_at=at(29), visible=False, interacted=True, idle_seconds=300
    )
    assert beat(now=at(40), last_beat_at=at(30), last_activity_at=result) == 0


@pytest.mark.parametrize(
    ("changes", "state"),
    [
        ({}, credit.STUDYING),
        ({"visible": False}, credit.HIDDEN),
        ({"last_activity_at": at(-400)}, credit.IDLE),
        ({"presence_due_at": at(0)}, credit.PRESENCE),
        ({"remaining_seconds": 0}, credit.COMPLETE),
        ({"remaining_seconds": 0, "visible": False}, credit.COMPLETE),
    ],
)
def test_study_state_says_why_credit_would_stop(changes, state):
    """The panel's state names the reason the next interval would earn nothing."""
    arguments = {
        "now": at(0),
        "visible": True,
        "last_activity_at": at(-10),
        "presence_due_at": None,
        "remaining_seconds": 100,
        "idle_seconds": 300,
    } | changes
    assert credit.study_state(**arguments) == state


@pytest.mark.parametrize(
    ("seconds", "hours"),
    [
        (0, "0.0"),
        (269, "0.0"),
        (270, "0.1"),
        (2699, "0.9"),
        (2700, "1.0"),
        (5399, "1.9"),
        (-5, "0.0"),
    ],
)
def test_hours_are_rounded_down_to_one_decimal(seconds, hours):
    """学时 (45 minutes each) are never overstated."""
    assert credit.hours_from_seconds(seconds, 45) == Decimal(hours)


def test_hours_with_a_missing_hour_length_are_zero():
    """A zero-minute 学时 setting gives no hours rather than a division error."""
    assert credit.hours_from_seconds(3600, 0) == Decimal("0.0")


def test_minutes_percent_and_duration_text_round_down():
    """Minutes, percentage and the panel's text never overstate."""
    assert credit.minutes_from_seconds(119) == 1
    assert credit.percent_of(1799, 1800) == 99
    assert credit.percent_of(5000, 1800) == 100
    assert credit.percent_of(10, 0) == 0
    assert credit.duration_text(725) == "12 分 05 秒"
    assert credit.duration_text(-3) == "0 分 00 秒"
