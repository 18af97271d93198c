"""Study time: heartbeats, presence checks (继续学习) and moving credit into ``StudyCredit``.

Each person has one ``ActiveStudy`` row: the lesson being studied now. An ordinary heartbeat
(same lesson, same day) locks that row and updates it, two queries in all. Starting a session,
switching lesson or crossing midnight (Asia/Shanghai) is the rare path: it checks enrolment and
moves the pending seconds into the one ``StudyCredit`` row per person, lesson and day.

Time is always passed in as ``now``; the browser only says whether the page is visible and
whether the person touched it since the last beat.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.utils import timezone

from learning import credit
from learning.models import ActiveStudy, Enrollment, ProgrammeItem, StudyCredit
from learning.services.completion import complete_for


class StudyError(Exception):
    """A request the rules refuse; the message is shown to the learner."""

    def __init__(self, message: str, *, status: int = 403):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Rules:
    cap_seconds: int
    idle_seconds: int
    presence_minutes: int
    hour_minutes: int


def rules() -> Rules:
    """The study settings as they are now (tests may change them)."""
    return Rules(
        cap_seconds=getattr(settings, "STUDY_HEARTBEAT_CAP_SECONDS", 45),
        idle_seconds=getattr(settings, "STUDY_IDLE_SECONDS", 300),
        presence_minutes=getattr(settings, "STUDY_PRESENCE_CHECK_MINUTES", 20),
        hour_minutes=getattr(settings, "LEARNING_HOUR_MINUTES", 45),
    )


@dataclass(frozen=True)
class BeatResult:
    """What a beat (or a presence confirmation) did, and where the lesson stands after it."""

    item_id: int
    credited: int
    total_seconds: int
    nominal_seconds: int
    state: str

    @property
    def remaining_seconds(self) -> int:
        return max(0, self.nominal_seconds - self.total_seconds)

    @property
    def remaining_minutes(self) -> int:
        """Whole minutes still to study, rounded up (29 s left is still a minute)."""
        return -(-self.remaining_seconds // 60)

    @property
    def presence_required(self) -> bool:
        return self.state == credit.PRESENCE

    @property
    def minutes(self) -> int:
        return credit.minutes_from_seconds(self.total_seconds)

    @property
    def hours(self) -> Decimal:
        return credit.hours_from_seconds(self.total_seconds, rules().hour_minutes)

    @property
    def duration_text(self) -> str:
        return credit.duration_text(self.total_seconds)

    @property
    def nominal_minutes(self) -> int:
        return self.nominal_seconds // 60

    @property
    def percent(self) -> int:
        return credit.percent_of(self.total_seconds, self.nominal_seconds)


def study_day(now: datetime) -> date:
    """The local (Asia/Shanghai) date credit is filed under."""
    return timezone.localdate(now, timezone.get_default_timezone())


def nominal_seconds(item: ProgrammeItem) -> int:
    return (item.nominal_minutes or 0) * 60


# Who may study what ------------------------------------------------------------------------


def lesson_for(user, item_id: int, *, today: date | None = None) -> ProgrammeItem:
    """The lesson item, if ``user`` is enrolled in its published programme and the programme
    runs ``today`` (else StudyError)."""
    item = (
        ProgrammeItem.objects.select_related("programme", "page")
        .filter(pk=item_id, kind=ProgrammeItem.Kind.LESSON)
        .first()
    )
    if item is None or item.page is None or not item.page.live:
        raise StudyError("找不到这门课程。", status=404)
    if not item.programme.is_published:
        raise StudyError("找不到这门课程。", status=404)
    enrolled = Enrollment.objects.filter(
        programme_id=item.programme_id, user=user, withdrawn_at__isnull=True
    )
    if not enrolled.exists():
        raise StudyError("您没有报名这门课程所在的培训项目，学习时长不能计入。", status=403)
    _check_dates(item.programme, today or timezone.localdate())
    return item


def _check_dates(programme, today: date) -> None:
    if not programme.starts_on <= today <= programme.ends_on:
        raise StudyError(
            f"培训项目的学习时间为{programme.starts_on:%Y年%m月%d日}至"
            f"{programme.ends_on:%Y年%m月%d日}，现在学习不计入学时。",
            status=403,
        )


def _still_due(today: date) -> ExpressionWrapper:
    """True while the session's lesson still earns credit: enrolled, published, live, in dates.

    Read with the locked session row, so an ordinary beat stays at two queries.
    """
    enrolled = Enrollment.objects.filter(
        user_id=OuterRef("user_id"),
        programme_id=OuterRef("item__programme_id"),
        withdrawn_at__isnull=True,
    )
    open_now = Q(
        item__programme__is_published=True,
        item__page__live=True,
        item__programme__starts_on__lte=today,
        item__programme__ends_on__gte=today,
    )
    return ExpressionWrapper(open_now & Exists(enrolled), output_field=BooleanField())


# Heartbeats --------------------------------------------------------------------------------


def heartbeat(*, user, item_id: int, visible: bool, interacted: bool, now: datetime) -> BeatResult:
    """Credit the time since the person's last beat (any tab) to their one study session.

    ``item_id`` rather than the item itself: the ordinary beat never loads the item separately.
    """
    try:
        return _heartbeat(user, item_id, visible, interacted, now)
    except IntegrityError:  # two tabs started the session at the same moment: join the winner's
        return _heartbeat(user, item_id, visible, interacted, now)


def _heartbeat(user, item_id: int, visible: bool, interacted: bool, now: datetime) -> BeatResult:
    today = study_day(now)
    with transaction.atomic():
        active = _locked_session(user, today=today)
        if active is None or active.item_id != item_id or _lapsed(active, now):
            if not visible:  # a hidden page never starts or takes over a session
                item = lesson_for(user, item_id, today=today)
                return lesson_progress(user=user, item=item, state=credit.HIDDEN)
            return _start(user, item_id, active, interacted, now)
        if active.still_due:
            if active.day != today:
                _flush_pending(active)
                active.day = today
            return _beat(active, visible, interacted, now)
        _end(active, now)  # what was earned while due is kept; from now on nothing is
    lesson_for(user, item_id, today=today)  # raises the reason
    raise StudyError("这门课程现在不计入学时。", status=403)


def _locked_session(user, *, today: date | None = None) -> ActiveStudy | None:
    """The person's session row, locked until the transaction ends (one query, with the item);
    with ``today``, annotated ``still_due``."""
    sessions = ActiveStudy.objects.select_for_update(of=("self",)).select_related("item")
    if today is not None:
        sessions = sessions.annotate(still_due=_still_due(today))
    return sessions.filter(user=user).first()


def _lapsed(active: ActiveStudy, now: datetime) -> bool:
    """No beat for longer than the idle limit: the next visible beat starts a new session."""
    return credit.elapsed_seconds(active.last_beat_at, now) > rules().idle_seconds


def _beat(active: ActiveStudy, visible: bool, interacted: bool, now: datetime) -> BeatResult:
    settings_now = rules()
    earned = credit.credit_for_beat(
        now=now,
        last_beat_at=active.last_beat_at,
        last_activity_at=active.last_activity_at,
        visible=visible,
        presence_due_at=active.presence_due_at,
        already_seconds=active.item_credited_seconds + active.pending_seconds,
        nominal_seconds=nominal_seconds(active.item),
        cap_seconds=settings_now.cap_seconds,
        idle_seconds=settings_now.idle_seconds,
    )
    active.last_beat_at = credit.next_beat_at(
        now=now, last_beat_at=active.last_beat_at, credited=earned
    )
    active.last_activity_at = _activity(active.last_activity_at, visible, interacted, now)
    active.pending_seconds += earned
    active.save(update_fields=_BEAT_FIELDS)
    if earned and active.item_credited_seconds + active.pending_seconds >= nominal_seconds(
        active.item
    ):
        _complete_after_commit(active, now)  # this beat finished the lesson
    return _result(active, earned, visible, now)


def _complete_after_commit(active: ActiveStudy, now: datetime) -> None:
    """The lesson is done: the programme may be complete. Runs once the beat is stored."""
    user_id, programme_id = active.user_id, active.item.programme_id
    transaction.on_commit(
        lambda: complete_for(user_id=user_id, programme_ids=[programme_id], now=now), robust=True
    )


_BEAT_FIELDS = [
    "day",
    "last_beat_at",
    "last_activity_at",
    "pending_seconds",
    "item_credited_seconds",
]


def _activity(last: datetime | None, visible: bool, interacted: bool, now: datetime) -> datetime:
    return credit.activity_after_beat(
        now=now,
        last_activity_at=last,
        visible=visible,
        interacted=interacted,
        idle_seconds=rules().idle_seconds,
    )


def _start(
    user, item_id: int, active: ActiveStudy | None, interacted: bool, now: datetime
) -> BeatResult:
    """The rare path: check enrolment, file the old lesson's pending time, start this one."""
    item = lesson_for(user, item_id, today=study_day(now))
    if active is None:
        active = ActiveStudy(user=user)
    else:
        _flush_pending(active)
    active.presence_due_at = _presence_due_on_start(active, now)
    active.item = item
    active.day = study_day(now)
    active.last_beat_at = now
    active.last_activity_at = _activity(None, True, interacted, now)
    active.pending_seconds = 0
    active.item_credited_seconds = stored_seconds(user, item.pk)
    active.save()
    return _result(active, 0, True, now)


def _presence_due_on_start(active: ActiveStudy, now: datetime) -> datetime | None:
    """Switching lesson keeps a running presence check; a session after a break starts afresh."""
    minutes = rules().presence_minutes
    if minutes <= 0:
        return None
    if active.pk and active.presence_due_at and not _lapsed(active, now):
        return active.presence_due_at
    return now + timedelta(minutes=minutes)


def _flush_pending(active: ActiveStudy) -> None:
    """Move the session's pending seconds into its (person, lesson, day) row; caller saves."""
    seconds = active.pending_seconds
    if not seconds:
        return
    filed = StudyCredit.objects.filter(
        user_id=active.user_id, item_id=active.item_id, day=active.day
    ).update(seconds=F("seconds") + seconds)
    if not filed:
        StudyCredit.objects.create(
            user_id=active.user_id, item_id=active.item_id, day=active.day, seconds=seconds
        )
    active.item_credited_seconds += seconds
    active.pending_seconds = 0


def _result(active: ActiveStudy, earned: int, visible: bool, now: datetime) -> BeatResult:
    total = active.item_credited_seconds + active.pending_seconds
    nominal = nominal_seconds(active.item)
    state = credit.study_state(
        now=now,
        visible=visible,
        last_activity_at=active.last_activity_at,
        presence_due_at=active.presence_due_at,
        remaining_seconds=nominal - total,
        idle_seconds=rules().idle_seconds,
    )
    return BeatResult(active.item_id, earned, total, nominal, state)


# Presence checks and ending a session ------------------------------------------------------


def confirm_presence(*, user, now: datetime) -> BeatResult:
    """Answer the 继续学习 check: credit resumes from now and the next check is set."""
    with transaction.atomic():
        active = _locked_session(user)
        if active is None:
            raise StudyError("当前没有正在计时的课程，请刷新页面。", status=409)
        minutes = rules().presence_minutes
        active.presence_due_at = now + timedelta(minutes=minutes) if minutes > 0 else None
        active.last_beat_at = now
        active.last_activity_at = now
        active.save(update_fields=["presence_due_at", "last_beat_at", "last_activity_at"])
        return _result(active, 0, True, now)


def flush(*, user, now: datetime) -> None:
    """End the person's session: file its pending seconds; the next beat starts afresh."""
    with transaction.atomic():
        active = _locked_session(user)
        if active is None:
            return
        _end(active, now)


def _end(active: ActiveStudy, now: datetime) -> None:
    _flush_pending(active)
    active.last_beat_at = now
    active.last_activity_at = _activity(None, False, False, now)
    active.save(update_fields=_BEAT_FIELDS)


def flush_stale(*, now: datetime) -> int:
    """End every session silent for longer than the idle limit (for a periodic job or report)."""
    cutoff = now - timedelta(seconds=rules().idle_seconds)
    ended = 0
    stale = ActiveStudy.objects.filter(last_beat_at__lt=cutoff, pending_seconds__gt=0)
    for user_id in stale.values_list("user_id", flat=True):
        with transaction.atomic():
            active = _locked_session(user_id)
            if active and active.pending_seconds and active.last_beat_at < cutoff:
                _end(active, now)
                ended += 1
    return ended


# Reading credit ----------------------------------------------------------------------------


def stored_seconds(user, item_id: int) -> int:
    """Seconds already filed in ``StudyCredit`` for this person and lesson, all days."""
    total = StudyCredit.objects.filter(user=user, item_id=item_id).aggregate(s=Sum("seconds"))
    return total["s"] or 0


def credited_seconds(user, item: ProgrammeItem | int) -> int:
    """Everything credited for this person and lesson: filed seconds plus the session's pending."""
    item_id = getattr(item, "pk", item)
    pending = (
        ActiveStudy.objects.filter(user=user, item_id=item_id)
        .values_list("pending_seconds", flat=True)
        .first()
    )
    return stored_seconds(user, item_id) + (pending or 0)


def credited_seconds_by_item(user, item_ids: Iterable[int]) -> dict[int, int]:
    """``credited_seconds`` for several lessons at once (two queries), e.g. a programme page."""
    ids = list(item_ids)
    rows = (
        StudyCredit.objects.filter(user=user, item_id__in=ids)
        .values("item_id")
        .annotate(s=Sum("seconds"))
    )
    totals = dict.fromkeys(ids, 0) | {row["item_id"]: row["s"] for row in rows}
    for item_id, pending in ActiveStudy.objects.filter(user=user, item_id__in=ids).values_list(
        "item_id", "pending_seconds"
    ):
        totals[item_id] += pending
    return totals


def lesson_progress(*, user, item: ProgrammeItem, state: str = credit.STUDYING) -> BeatResult:
    """Where a lesson stands for a person, without a beat (the page's first render)."""
    total = credited_seconds(user, item)
    nominal = nominal_seconds(item)
    if total >= nominal:
        state = credit.COMPLETE
    return BeatResult(item.pk, 0, total, nominal, state)
