"""Builders for units, people, unit administrators and report data (people and reports tests).

Learners get an unusable password (no slow hashing); use ``tests.factories.UserFactory`` for
somebody who has to log in ("correct-horse-42").
"""

import datetime
import itertools
from decimal import Decimal
from io import BytesIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import Workbook

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
    UnitAdministrator,
)
from learning.permissions import PLATFORM_ADMIN_GROUP
from learning.services.people_import import PEOPLE_HEADERS, PEOPLE_SHEET, UNIT_HEADERS, UNIT_SHEET
from quizzes.models import Attempt, Quiz

_numbers = itertools.count(1)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> datetime.datetime:
    """An aware moment in March 2026, Asia/Shanghai."""
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, minute))


def on(day: int, month: int = 3) -> datetime.date:
    return datetime.date(2026, month, day)


def unit(name: str, parent: Unit | None = None, *, code: str | None = None) -> Unit:
    code = code or f"U{next(_numbers)}"
    if parent is None:
        return Unit.add_root(name=name, code=code)
    return Unit.objects.get(pk=parent.pk).add_child(name=name, code=code)


def fresh(units: dict[str, Unit]) -> dict[str, Unit]:
    """The units reloaded: adding a sibling in name order may have moved their paths."""
    return {key: Unit.objects.get(pk=unit_.pk) for key, unit_ in units.items()}


def learner(username: str, unit_: Unit, *, name: str = "", rank: str = Rank.COUNTY, **profile):
    user = get_user_model().objects.create(
        username=username, first_name=name or username, password="!"
    )
    LearnerProfile.objects.create(user=user, unit=unit_, rank=rank, **profile)
    return user


def unit_admin(user, unit_: Unit) -> UnitAdministrator:
    return UnitAdministrator.objects.create(user=user, unit=unit_)


def platform_admin(user):
    group, _ = Group.objects.get_or_create(name=PLATFORM_ADMIN_GROUP)
    user.groups.add(group)
    return user


def programme(**kwargs) -> Programme:
    n = next(_numbers)
    defaults = dict(
        title=f"干部选拔任用监督专题培训{n}",
        slug=f"report-programme-{n}",
        starts_on=on(1),
        ends_on=on(30, month=4),
        required_hours=Decimal("4"),
        is_published=True,
    )
    return Programme.objects.create(**{**defaults, **kwargs})


def quiz(**kwargs) -> Quiz:
    n = next(_numbers)
    defaults = dict(
        title=f"结业考试{n}",
        slug=f"report-exam-{n}",
        mode=Quiz.Mode.SELF_TEST,
        time_limit_minutes=30,
        is_published=True,
        pass_percent=Decimal("60"),
    )
    return Quiz.objects.create(**{**defaults, **kwargs})


def lesson(prog: Programme, minutes: int) -> ProgrammeItem:
    return ProgrammeItem.objects.create(
        programme=prog, kind=ProgrammeItem.Kind.LESSON, nominal_minutes=minutes, title="课程"
    )


def quiz_item(prog: Programme, quiz_: Quiz, pass_percent: str | None = None) -> ProgrammeItem:
    return ProgrammeItem.objects.create(
        programme=prog,
        kind=ProgrammeItem.Kind.QUIZ,
        quiz=quiz_,
        pass_percent=None if pass_percent is None else Decimal(pass_percent),
    )


def offline(prog: Programme, hours: str) -> ProgrammeItem:
    return ProgrammeItem.objects.create(
        programme=prog, kind=ProgrammeItem.Kind.OFFLINE, offline_hours=Decimal(hours), title="讲座"
    )


def enrol(prog: Programme, user, *, at_=None, completed=None) -> Enrollment:
    return Enrollment.objects.create(
        programme=prog, user=user, enrolled_at=at_ or at(2), completed_at=completed
    )


def credit(user, item: ProgrammeItem, seconds: int, day: datetime.date) -> StudyCredit:
    return StudyCredit.objects.create(user=user, item=item, day=day, seconds=seconds)


def pending(user, item: ProgrammeItem, seconds: int, day: datetime.date) -> ActiveStudy:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    return ActiveStudy.objects.create(
        user=user, item=item, day=day, last_beat_at=moment, last_activity_at=moment,
        pending_seconds=seconds,
    )  # fmt: skip


def attempt(user, quiz_: Quiz, *, score=None, finished=None, started=None, pending_marking=False):
    """A finished attempt (``finished`` given) or one still in progress (only ``started``)."""
    number = Attempt.objects.filter(user=user, quiz=quiz_).count() + 1
    return Attempt.objects.create(
        quiz=quiz_,
        user=user,
        number=number,
        status=Attempt.Status.FINISHED if finished else Attempt.Status.IN_PROGRESS,
        started_at=started or finished,
        finished_at=finished,
        score=None if score is None else Decimal(score),
        max_score=Decimal("100"),
        pending_marking=pending_marking,
    )


def attend(user, item: ProgrammeItem, day: datetime.date, hours: str | None = None):
    return AttendanceRecord.objects.create(
        item=item,
        user=user,
        attended_on=day,
        hours=Decimal(hours) if hours else item.offline_hours,
        recorded_at=at(day.day),
    )


# Excel files for the import -------------------------------------------------------------------


def workbook(
    units: list[list] = (),
    people: list[list] = (),
    *,
    unit_header: list = UNIT_HEADERS,
    people_header: list = PEOPLE_HEADERS,
    sheets: tuple[str, ...] = (UNIT_SHEET, PEOPLE_SHEET),
) -> BytesIO:
    """An .xlsx upload with the given rows under the given headers."""
    book = Workbook()
    book.remove(book.active)
    content = {UNIT_SHEET: (unit_header, units), PEOPLE_SHEET: (people_header, people)}
    for name in sheets:
        sheet = book.create_sheet(name)
        header, rows = content.get(name, (["x"], []))
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "人员.xlsx"
    return buffer


def person_row(**values) -> list:
    """A valid row of "人员", with ``values`` (keyed by header) replacing cells."""
    cells = {
        "用户名": "zhangsan",
        "姓名": "张三",
        "单位编码": "330100",
        "职级类别": "县处级",
        "职务": "组织部副部长",
        "手机号码": "13800138000",
        **values,
    }
    return [cells[header] for header in PEOPLE_HEADERS]
