"""Study-time arithmetic: what one heartbeat earns, and how seconds read as 学时.

Pure functions: every time is the server's, passed in. The browser only says whether the page
is visible and whether the person touched it since the last beat; it never supplies a time.
"""

from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

STUDYING = "studying"
HIDDEN = "hidden"
IDLE = "idle"
PRESENCE = "presence"
COMPLETE = "complete"


def elapsed_seconds(since: datetime | None, now: datetime) -> float:
    """Seconds from ``since`` to ``now``; 0 when unknown or when the clock went backwards."""
    if since is None:
        return 0.0
    return max(0.0, (now - since).total_seconds())


def presence_overdue(presence_due_at: datetime | None, now: datetime) -> bool:
    """A presence check (继续学习) is due and unanswered."""
    return presence_due_at is not None and presence_due_at <= now


def credit_for_beat(
    *,
    now: datetime,
    last_beat_at: datetime | None,
    last_activity_at: datetime | None,
    visible: bool,
    presence_due_at: datetime | None,
    already_seconds: int,
    nominal_seconds: int,
    cap_seconds: int,
    idle_seconds: int,
) -> int:
    """Whole seconds this beat earns for the interval ``(last_beat_at, now]``.

    Nothing for the first beat of a session (``last_beat_at`` is None), a hidden page, a person
    idle longer than ``idle_seconds`` (``last_activity_at`` as known before this beat), or an
    overdue presence check; otherwise the elapsed time, at most ``cap_seconds`` and never beyond
    what is left of the lesson's nominal time.
    """
    if last_beat_at is None or not visible or presence_overdue(presence_due_at, now):
        return 0
    if last_activity_at is None or elapsed_seconds(last_activity_at, now) > idle_seconds:
        return 0
    left = max(0, nominal_seconds - max(0, already_seconds))
    return max(0, min(int(elapsed_seconds(last_beat_at, now)), cap_seconds, left))


def next_beat_at(*, now: datetime, last_beat_at: datetime | None, credited: int) -> datetime:
    """Where the next beat's interval starts.

    When this beat was credited its whole elapsed time (only a fraction of a second left over),
    the fraction carries to the next beat, so rounding down never loses time beat after beat;
    otherwise (capped, refused, first beat) the clock restarts at ``now``.
    """
    if last_beat_at is None:
        return now
    leftover = elapsed_seconds(last_beat_at, now) - credited
    if now >= last_beat_at and 0 <= leftover < 1:
        return last_beat_at + timedelta(seconds=credited)
    return now


def activity_after_beat(
    *,
    now: datetime,
    last_activity_at: datetime | None,
    visible: bool,
    interacted: bool,
    idle_seconds: int,
) -> datetime:
    """The person's last known activity once this beat is in.

    A hidden page counts as going idle, so the first visible beat after it earns nothing: the
    time the page was hidden is never credited, however the beats around it are timed.
    """
    if visible and interacted:
        return now
    if visible and last_activity_at is not None:
        return last_activity_at
    return now - timedelta(seconds=idle_seconds + 1)


def study_state(
    *,
    now: datetime,
    visible: bool,
    last_activity_at: datetime | None,
    presence_due_at: datetime | None,
    remaining_seconds: int,
    idle_seconds: int,
) -> str:
    """What the panel shows after a beat: studying, or why the next interval would earn nothing."""
    if remaining_seconds <= 0:
        return COMPLETE
    if not visible:
        return HIDDEN
    if presence_overdue(presence_due_at, now):
        return PRESENCE
    if last_activity_at is None or elapsed_seconds(last_activity_at, now) > idle_seconds:
        return IDLE
    return STUDYING


def hours_from_seconds(seconds: int, hour_minutes: int) -> Decimal:
    """学时 to one decimal place, rounded down so credit is never overstated."""
    if seconds <= 0 or hour_minutes <= 0:
        return Decimal("0.0")
    hours = Decimal(seconds) / Decimal(hour_minutes * 60)
    return hours.quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def minutes_from_seconds(seconds: int) -> int:
    """Whole minutes, rounded down."""
    return max(0, seconds) // 60


def percent_of(seconds: int, nominal_seconds: int) -> int:
    """Progress towards the nominal time as a whole percentage, rounded down, 0–100."""
    if nominal_seconds <= 0:
        return 0
    return min(100, max(0, seconds) * 100 // nominal_seconds)


def duration_text(seconds: int) -> str:
    """Credited time as the panel shows it: ``12 分 05 秒``."""
    minutes, rest = divmod(max(0, seconds), 60)
    return f"{minutes} 分 {rest:02d} 秒"
