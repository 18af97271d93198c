"""Small builders for units, learners, programmes, items, study credit, attempts and
attendance used by the programme tests."""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page

from learning.models import (
    ActiveStudy,
    AttendanceRecord,
    Enrollment,
    LearnerProfile,
    Programme,
    ProgrammeItem,
    Rank,
    StudyCredit,
    Unit,
)
from quizzes.models import Attempt, Quiz

NOW = timezone.make_aware(datetime.datetime(2026, 3, 20, 10, 0))
TODAY = NOW.date()
# Pages use the real clock: programme windows are set around the real date.
REAL_TODAY = timezone.localdate()
_numbers = itertools.count(1)


def unit(name: str, parent: Unit | None = None) -> Unit:
    code = f"U{next(_numbers)}"
    if parent is None:
        return Unit.add_root(name=name, code=code)
    parent.refresh_from_db()
    return parent.add_child(name=name, code=code)


def user(username: str | None = None, **kwargs):
    """A user without a usable password (tests log in with ``force_login``; no slow hashing)."""
    n = next(_numbers)
    fields = {"first_name": f"学员{n}", "password": "!", **kwargs}
    return get_user_model().objects.create(username=username or f"learner{n}", **fields)


def learner(username: str | None = None, *, unit_: Unit, rank: str = Rank.COUNTY, **kwargs):
    """A user with a learner profile in ``unit_``."""
    person = user(username, **kwargs)
    LearnerProfile.objects.create(user=person, unit=unit_, rank=rank)
    return person


def programme(*, units=(), ranks=(), **kwargs) -> Programme:
    n = next(_numbers)
    defaults = dict(
        title=f"专题培训班{n}",
        slug=f"programme-{n}",
        starts_on=REAL_TODAY - datetime.timedelta(days=30),
        ends_on=REAL_TODAY + datetime.timedelta(days=30),
        required_hours=Decimal("1"),
        is_published=True,
        audience_ranks=list(ranks),
    )
    result = Programme.objects.create(**{**defaults, **kwargs})
    if units:
        result.audience_units.set(units)
        result.save()
    return result


def lesson(prog: Programme, *, minutes: int = 45, required: bool = True, page=None, **kwargs):
    page = page or Page.objects.filter(depth=2).first()
    return ProgrammeItem.objects.create(
        programme=prog,
        kind=ProgrammeItem.Kind.LESSON,
        page=page,
        nominal_minutes=minutes,
        required=required,
        sort_order=next(_numbers),
        **kwargs,
    )


def quiz_item(prog: Programme, quiz: Quiz, *, required: bool = True, pass_percent=None):
    return ProgrammeItem.objects.create(
        programme=prog,
        kind=ProgrammeItem.Kind.QUIZ,
        quiz=quiz,
        pass_percent=None if pass_percent is None else Decimal(str(pass_percent)),
        required=required,
        sort_order=next(_numbers),
    )


def offline(prog: Programme, *, hours: str = "2", required: bool = True, title: str = ""):
    return ProgrammeItem.objects.create(
        programme=prog,
        kind=ProgrammeItem.Kind.OFFLINE,
        offline_hours=Decimal(hours),
        required=required,
        title=title or f"线下专题讲座{next(_numbers)}",
        sort_order=next(_numbers),
    )


def simple_quiz(**kwargs) -> Quiz:
    n = next(_numbers)
    defaults = dict(
        title=f"结业测试{n}",
        slug=f"exam-{n}",
        mode=Quiz.Mode.SELF_TEST,
        time_limit_minutes=30,
        is_published=True,
        pass_percent=Decimal("60"),
    )
    return Quiz.objects.create(**{**defaults, **kwargs})


def enrol(prog: Programme, user, *, completed: bool = False) -> Enrollment:
    return Enrollment.objects.create(
        programme=prog, user=user, enrolled_at=NOW, completed_at=NOW if completed else None
    )


def credit(user, item: ProgrammeItem, seconds: int, *, day: datetime.date = TODAY):
    return StudyCredit.objects.create(user=user, item=item, day=day, seconds=seconds)


def pending(user, item: ProgrammeItem, seconds: int) -> ActiveStudy:
    return ActiveStudy.objects.create(
        user=user,
        item=item,
        day=TODAY,
        last_beat_at=NOW,
        last_activity_at=NOW,
        pending_seconds=seconds,
    )


def attempt(user, quiz: Quiz, *, score: str, max_score: str = "100", pending_marking=False):
    number = Attempt.objects.filter(user=user, quiz=quiz).count() + 1
    return Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        status=Attempt.Status.FINISHED,
        started_at=NOW,
        finished_at=NOW,
        score=Decimal(score),
        max_score=Decimal(max_score),
        pending_marking=pending_marking,
    )


def attend(user, item: ProgrammeItem, *, hours: str | None = None, on=TODAY):
    return AttendanceRecord.objects.create(
        item=item,
        user=user,
        attended_on=on,
        hours=Decimal(hours) if hours else item.offline_hours,
        recorded_at=NOW,
    )


def finished_learner(prog: Programme, *, username: str | None = None, unit_: Unit):
    """A learner enrolled in ``prog`` who has done all of it (lessons studied in full, quizzes
    passed, offline items attended)."""
    person = learner(username, unit_=unit_)
    enrol(prog, person)
    for item in prog.items.all():
        if item.kind == ProgrammeItem.Kind.LESSON:
            credit(person, item, item.nominal_minutes * 60)
        elif item.kind == ProgrammeItem.Kind.QUIZ:
            attempt(person, item.quiz, score="100")
        else:
            attend(person, item)
    return person
