"""Read side of programmes: hours earned, items done, completion and what to do next.

The arithmetic (seconds → 学时, capping, the completion rule) is in pure functions at the top;
``build_progress`` turns already-loaded facts into a ``ProgrammeProgress``; the loaders at the
bottom fetch those facts for one learner (the dashboard) or for a whole programme (the admin)
in a constant number of queries, whatever the number of programmes, items or people.

Rules
    - One 学时 is ``settings.LEARNING_HOUR_MINUTES`` minutes (45).
    - A lesson counts the learner's credited seconds (``StudyCredit``) plus the seconds not yet
      flushed (``ActiveStudy.pending_seconds``), capped at the lesson's nominal minutes; it is
      done when that reaches the nominal time.
    - Lesson seconds are summed over the programme and converted once, rounded DOWN to 0.1 学时
      so hours are never overstated; offline attendance adds its recorded hours.
    - A quiz item is done when a finished, fully marked attempt started on or after the
      programme's first day scores at least the item's pass mark (``pass_percent``), else the
      quiz's own (the same rule as ``quizzes.grading.passed``). An attempt still waiting for
      essay marking is 待阅卷: neither passed nor failed. Quizzes give no hours.
    - An offline item is done when attendance is recorded.
    - 法规纪律学时: the same sum over the items marked 法规纪律类 (``ProgrammeItem.is_regulation``),
      rounded down likewise.
    - Complete = hours ≥ required hours AND 法规纪律学时 ≥ the programme's required regulation
      hours AND every required (必修) item done. Optional (选修) items only add hours.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from learning.models import (
    ActiveStudy,
    AttendanceRecord,
    Enrollment,
    Programme,
    ProgrammeItem,
    StudyCredit,
)
from quizzes.grading import passed
from quizzes.models import Attempt

TENTH = Decimal("0.1")
ZERO = Decimal("0")

# Pure arithmetic -------------------------------------------------------------------------------


def hour_minutes() -> int:
    """Minutes in one 学时 (settings.LEARNING_HOUR_MINUTES, 45 by default)."""
    return int(getattr(settings, "LEARNING_HOUR_MINUTES", 45))


def hours_from_seconds(seconds: int, *, minutes_per_hour: int | None = None) -> Decimal:
    """Study seconds as 学时, rounded down to 0.1 (2700 s = 1.0 with 45-minute hours)."""
    minutes = minutes_per_hour or hour_minutes()
    if seconds <= 0:
        return Decimal("0.0")
    tenths = int(seconds) * 10 // (minutes * 60)  # integer division: never rounds up
    return (Decimal(tenths) / 10).quantize(TENTH)


def capped_seconds(seconds: int, nominal_minutes: int | None) -> int:
    """A lesson's seconds that count: never more than its nominal time, never negative."""
    return max(0, min(int(seconds), (nominal_minutes or 0) * 60))


def lesson_done(seconds: int, nominal_minutes: int | None) -> bool:
    """A lesson is done when its credited time reaches its nominal time."""
    return bool(nominal_minutes) and seconds >= nominal_minutes * 60


def quiz_passed(score, max_score, pass_percent) -> bool:
    """score / max_score ≥ pass_percent % (exact, no rounding); False without a score."""
    return score is not None and passed(Decimal(score), Decimal(max_score), Decimal(pass_percent))


def is_complete(
    *,
    hours: Decimal,
    required_hours: Decimal,
    regulation_hours: Decimal = ZERO,
    required_regulation_hours: Decimal = ZERO,
    required_items_done: bool,
) -> bool:
    """Completion: enough hours, enough of them regulation content, every required item done."""
    return (
        hours >= required_hours
        and regulation_hours >= required_regulation_hours
        and required_items_done
    )


def percent_of(hours: Decimal, required_hours: Decimal) -> int:
    """Progress bar width: hours / required as a whole percent, 0…100 (rounded down)."""
    if required_hours <= 0:
        return 100
    return max(0, min(100, int(hours * 100 / required_hours)))


# Results ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    hours: Decimal
    attended_on: datetime.date


@dataclass(frozen=True)
class AttemptFacts:
    score: Decimal | None
    max_score: Decimal
    pending_marking: bool
    started_at: datetime.datetime | None = None


@dataclass
class LearnerFacts:
    """Everything about one learner needed to judge their items (loaded in bulk)."""

    seconds: dict[int, int] = field(default_factory=dict)  # lesson item id → seconds incl. pending
    attendance: dict[int, Attendance] = field(default_factory=dict)  # offline item id → record
    attempts: dict[int, list[AttemptFacts]] = field(default_factory=dict)  # quiz id → finished


@dataclass(frozen=True)
class ItemStatus:
    item: ProgrammeItem
    done: bool
    state: str  # 已完成 / 学习中 / 未开始 / 待阅卷 / 未通过 / 未出席
    detail: str  # e.g. "已学 30/45 分钟", "最好成绩 85%(合格线 60%)"
    seconds: int = 0  # lesson: counted (capped) seconds
    hours: Decimal = ZERO  # offline: attended hours

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def required(self) -> bool:
        return self.item.required

    @property
    def title(self) -> str:
        return self.item.display_title

    @property
    def minutes(self) -> int:
        return self.seconds // 60

    @property
    def is_regulation(self) -> bool:
        return self.item.is_regulation


@dataclass(frozen=True)
class ProgrammeProgress:
    programme: Programme
    enrollment: Enrollment | None
    items: list[ItemStatus]
    lesson_seconds: int
    lesson_hours: Decimal
    offline_hours: Decimal
    hours: Decimal
    regulation_hours: Decimal
    complete: bool

    @property
    def required_hours(self) -> Decimal:
        return self.programme.required_hours

    @property
    def required_regulation_hours(self) -> Decimal:
        return self.programme.required_regulation_hours

    @property
    def percent(self) -> int:
        return percent_of(self.hours, self.required_hours)

    @property
    def regulation_percent(self) -> int:
        return percent_of(self.regulation_hours, self.required_regulation_hours)

    @property
    def hours_short(self) -> Decimal:
        return max(self.required_hours - self.hours, ZERO)

    @property
    def regulation_hours_short(self) -> Decimal:
        return max(self.required_regulation_hours - self.regulation_hours, ZERO)

    @property
    def required_items(self) -> list[ItemStatus]:
        return [s for s in self.items if s.required]

    @property
    def required_done(self) -> int:
        return sum(s.done for s in self.required_items)

    @property
    def items_done(self) -> int:
        return sum(s.done for s in self.items)

    @property
    def quizzes(self) -> list[ItemStatus]:
        return [s for s in self.items if s.kind == ProgrammeItem.Kind.QUIZ]

    @property
    def quizzes_passed(self) -> int:
        return sum(s.done for s in self.quizzes)

    @property
    def required_quizzes(self) -> list[ItemStatus]:
        return [s for s in self.quizzes if s.required]

    @property
    def required_quizzes_passed(self) -> int:
        return sum(s.done for s in self.required_quizzes)

    @property
    def next_item(self) -> ItemStatus | None:
        """The first required item not done; else, while hours are short, the first optional
        one not done; None when complete or nothing is left to do."""
        if self.complete:
            return None
        for status in self.items:
            if status.required and not status.done:
                return status
        if self.regulation_hours < self.required_regulation_hours:
            for status in self.items:
                if status.is_regulation and not status.done:
                    return status
        if self.hours < self.required_hours:
            for status in self.items:
                if not status.done:
                    return status
        return None

    @property
    def deadline(self) -> datetime.date:
        return self.programme.ends_on

    def days_left(self, today: datetime.date) -> int:
        return (self.deadline - today).days

    @property
    def certificate(self):
        """The enrollment's certificate if one was issued (needs ``select_related``)."""
        if self.enrollment is None:
            return None
        try:
            return self.enrollment.certificate
        except Enrollment.certificate.RelatedObjectDoesNotExist:
            return None


# From facts to progress (pure) -----------------------------------------------------------------


def item_status(
    item: ProgrammeItem, facts: LearnerFacts, since: datetime.datetime | None = None
) -> ItemStatus:
    """Judge one item for one learner from the loaded facts (attempts from ``since`` on)."""
    if item.kind == ProgrammeItem.Kind.LESSON:
        return _lesson_status(item, facts.seconds.get(item.pk, 0))
    if item.kind == ProgrammeItem.Kind.QUIZ:
        attempts = facts.attempts.get(item.quiz_id, [])
        if since is not None:
            attempts = [a for a in attempts if a.started_at is None or a.started_at >= since]
        return _quiz_status(item, attempts)
    return _offline_status(item, facts.attendance.get(item.pk))


def programme_start(programme: Programme) -> datetime.datetime | None:
    """The first moment of the programme's first day (Asia/Shanghai): attempts count from it."""
    if programme.starts_on is None:
        return None
    start = datetime.datetime.combine(programme.starts_on, datetime.time.min)
    return timezone.make_aware(start, timezone.get_default_timezone())


def _lesson_status(item: ProgrammeItem, raw_seconds: int) -> ItemStatus:
    seconds = capped_seconds(raw_seconds, item.nominal_minutes)
    nominal = item.nominal_minutes or 0
    done = lesson_done(seconds, item.nominal_minutes)
    state = "已完成" if done else ("学习中" if seconds else "未开始")
    return ItemStatus(item, done, state, f"已学 {seconds // 60}/{nominal} 分钟", seconds=seconds)


def pass_mark(item: ProgrammeItem) -> Decimal:
    """The item's own pass mark, else its quiz's (needs the quiz loaded)."""
    if item.pass_percent is not None:
        return item.pass_percent
    return item.quiz.pass_percent if item.quiz_id else Decimal("60")


def _quiz_status(item: ProgrammeItem, attempts: list[AttemptFacts]) -> ItemStatus:
    mark = pass_mark(item)
    marked = [a for a in attempts if not a.pending_marking and a.max_score]
    done = any(quiz_passed(a.score, a.max_score, mark) for a in marked)
    best = max((Decimal(a.score or 0) * 100 / a.max_score for a in marked), default=None)
    mark_text = f"合格线 {mark.normalize():f}%"
    if done:
        state = "已通过"
    elif any(a.pending_marking for a in attempts):
        state = "待阅卷"
    elif marked:
        state = "未通过"
    else:
        state = "未参加"
    detail = mark_text if best is None else f"最好成绩 {int(best)}%({mark_text})"
    return ItemStatus(item, done, state, detail)


def _offline_status(item: ProgrammeItem, attendance: Attendance | None) -> ItemStatus:
    if attendance is None:
        hours = item.offline_hours or ZERO
        return ItemStatus(item, False, "未出席", f"{hours.normalize():f} 学时")
    detail = f"{attendance.attended_on:%Y-%m-%d} 出席，计 {attendance.hours.normalize():f} 学时"
    return ItemStatus(item, True, "已出席", detail, hours=attendance.hours)


def build_progress(
    programme: Programme,
    items: list[ProgrammeItem],
    facts: LearnerFacts,
    enrollment: Enrollment | None = None,
) -> ProgrammeProgress:
    """A learner's progress in a programme from already-loaded facts (no queries)."""
    since = programme_start(programme)
    statuses = [item_status(item, facts, since) for item in items]
    lesson_seconds, lesson_hours, offline_hours = _hours(statuses)
    hours = (lesson_hours + offline_hours).quantize(TENTH)
    _, regulation_lessons, regulation_offline = _hours([s for s in statuses if s.is_regulation])
    regulation_hours = (regulation_lessons + regulation_offline).quantize(TENTH)
    complete = is_complete(
        hours=hours,
        required_hours=programme.required_hours,
        regulation_hours=regulation_hours,
        required_regulation_hours=programme.required_regulation_hours,
        required_items_done=all(s.done for s in statuses if s.required),
    )
    return ProgrammeProgress(
        programme=programme,
        enrollment=enrollment,
        items=statuses,
        lesson_seconds=lesson_seconds,
        lesson_hours=lesson_hours,
        offline_hours=offline_hours,
        hours=hours,
        regulation_hours=regulation_hours,
        complete=complete,
    )


def _hours(statuses: list[ItemStatus]) -> tuple[int, Decimal, Decimal]:
    """(lesson seconds, lesson 学时 rounded down, offline 学时) of these items."""
    seconds = sum(s.seconds for s in statuses if s.kind == ProgrammeItem.Kind.LESSON)
    offline = sum(
        (s.hours for s in statuses if s.kind == ProgrammeItem.Kind.OFFLINE), Decimal("0.0")
    )
    return seconds, hours_from_seconds(seconds), offline


# Loading facts in bulk -------------------------------------------------------------------------


def items_by_programme(programme_ids: Iterable[int]) -> dict[int, list[ProgrammeItem]]:
    """The items of the programmes in their order, with page and quiz titles (one query)."""
    grouped: dict[int, list[ProgrammeItem]] = defaultdict(list)
    rows = (
        ProgrammeItem.objects.filter(programme_id__in=list(programme_ids))
        .select_related("page", "quiz")
        .order_by("programme_id", "sort_order", "pk")
    )
    for item in rows:
        grouped[item.programme_id].append(item)
    return grouped


def load_facts(users, items: list[ProgrammeItem]) -> dict[int, LearnerFacts]:
    """User id → facts about ``items``, in four queries.

    ``users`` is a list of user ids or a queryset of ids (``values("pk")``/``values("user_id")``,
    used as a subquery so a programme of thousands sends no long parameter list).
    """
    facts: dict[int, LearnerFacts] = defaultdict(LearnerFacts)
    lesson_ids = [i.pk for i in items if i.kind == ProgrammeItem.Kind.LESSON]
    offline_ids = [i.pk for i in items if i.kind == ProgrammeItem.Kind.OFFLINE]
    quiz_ids = sorted({i.quiz_id for i in items if i.kind == ProgrammeItem.Kind.QUIZ and i.quiz_id})
    if lesson_ids:
        credits = (
            StudyCredit.objects.filter(user_id__in=users, item_id__in=lesson_ids)
            .values("user_id", "item_id")
            .annotate(total=Sum("seconds"))
            .values_list("user_id", "item_id", "total")
        )
        for user_id, item_id, total in credits:
            seconds = facts[user_id].seconds
            seconds[item_id] = seconds.get(item_id, 0) + (total or 0)
        pending = ActiveStudy.objects.filter(
            user_id__in=users, item_id__in=lesson_ids, pending_seconds__gt=0
        ).values_list("user_id", "item_id", "pending_seconds")
        for user_id, item_id, extra in pending:
            seconds = facts[user_id].seconds
            seconds[item_id] = seconds.get(item_id, 0) + extra
    if offline_ids:
        records = AttendanceRecord.objects.filter(
            user_id__in=users, item_id__in=offline_ids
        ).values_list("user_id", "item_id", "hours", "attended_on")
        for user_id, item_id, hours, attended_on in records:
            facts[user_id].attendance[item_id] = Attendance(hours, attended_on)
    if quiz_ids:
        attempts = Attempt.objects.filter(
            user_id__in=users, quiz_id__in=quiz_ids, status=Attempt.Status.FINISHED
        ).values_list("user_id", "quiz_id", "score", "max_score", "pending_marking", "started_at")
        for user_id, quiz_id, score, max_score, pending, started_at in attempts:
            facts[user_id].attempts.setdefault(quiz_id, []).append(
                AttemptFacts(score, max_score, pending, started_at)
            )
    return facts


def learner_progress(user) -> list[ProgrammeProgress]:
    """Progress in every published programme the user is enrolled in (constant queries).

    Unfinished programmes first, by deadline; then finished ones, most recent first.
    """
    enrollments = list(
        Enrollment.objects.filter(
            user=user, programme__is_published=True, withdrawn_at__isnull=True
        ).select_related("programme", "certificate")
    )
    if not enrollments:
        return []
    items = items_by_programme(e.programme_id for e in enrollments)
    all_items = [item for group in items.values() for item in group]
    facts = load_facts([user.pk], all_items).get(user.pk, LearnerFacts())
    progress = [
        build_progress(e.programme, items.get(e.programme_id, []), facts, e) for e in enrollments
    ]
    return sort_for_dashboard(progress)


def sort_for_dashboard(progress: list[ProgrammeProgress]) -> list[ProgrammeProgress]:
    def key(p: ProgrammeProgress):
        done = p.enrollment is not None and p.enrollment.completed_at is not None
        if done:
            return (1, -p.enrollment.completed_at.timestamp(), p.programme.pk)
        return (0, p.deadline.toordinal(), p.programme.pk)

    return sorted(progress, key=key)


def enrollment_progress(enrollment: Enrollment) -> ProgrammeProgress:
    """One enrollment's progress (a handful of queries)."""
    items = items_by_programme([enrollment.programme_id]).get(enrollment.programme_id, [])
    facts = load_facts([enrollment.user_id], items).get(enrollment.user_id, LearnerFacts())
    return build_progress(enrollment.programme, items, facts, enrollment)


def programme_progress(programme: Programme, enrollments=None) -> dict[int, ProgrammeProgress]:
    """Enrollment id → progress for every enrollment of a programme (or the given ones),
    in a constant number of queries."""
    if enrollments is None:
        enrollments = Enrollment.objects.filter(programme=programme)
    enrollments = list(enrollments)
    items = items_by_programme([programme.pk]).get(programme.pk, [])
    if len(enrollments) > 500:
        users = Enrollment.objects.filter(programme=programme).values("user_id")
    else:
        users = [e.user_id for e in enrollments]
    facts = load_facts(users, items)
    return {
        e.pk: build_progress(programme, items, facts.get(e.user_id, LearnerFacts()), e)
        for e in enrollments
    }
