"""Test data of the learning app: units, learners, unit and platform administrators, programmes
and their items, enrolments, study credit, quiz attempts, attendance, and the people-import
workbook.

Fixed moments are in March 2026, Asia/Shanghai (``NOW`` is 2026-03-20 10:00); programme windows
default to around the real date, because pages read the real clock. Learners get an unusable
password (tests log in with ``force_login``); use ``tests.factories.UserFactory`` alone for
somebody who logs in with the password "correct-horse-42".
"""

import datetime
import itertools
from decimal import Decimal
from io import BytesIO

from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import Workbook
from wagtail.models import Page

from content.services import ensure_site_tree
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
from tests.content.factories import StudyMaterialPageFactory
from tests.factories import UserFactory

_numbers = itertools.count(1)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> datetime.datetime:
    """An aware moment in 2026 (March unless ``month`` says otherwise), Asia/Shanghai."""
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, minute))


def on(day: int, month: int = 3) -> datetime.date:
    return datetime.date(2026, month, day)


NOW = at(20)
TODAY = NOW.date()
# Programme windows use the real clock: pages compare them with the real date.
REAL_TODAY = timezone.localdate()


# Units and people ------------------------------------------------------------------------------


def unit(name: str, parent: Unit | None = None, *, code: str | None = None) -> Unit:
    """A root unit, or a child of ``parent`` (which is reloaded first: adding a sibling in name
    order may have moved its path)."""
    code = code or f"U{next(_numbers)}"
    if parent is None:
        return Unit.add_root(name=name, code=code)
    parent.refresh_from_db()
    return parent.add_child(name=name, code=code)


def fresh(units: dict[str, Unit]) -> dict[str, Unit]:
    """The units reloaded: adding a sibling in name order may have moved their paths."""
    return {key: Unit.objects.get(pk=unit_.pk) for key, unit_ in units.items()}


def area_units() -> dict[str, Unit]:
    """市 (C) with 甲区 (A) and its 甲区组织部 (A1), and 乙区 (B); keyed root, A, A1, B."""
    root = unit("市", code="C")
    area_a = unit("甲区", root, code="A")
    area_b = unit("乙区", root, code="B")
    dept = unit("甲区组织部", area_a, code="A1")
    return fresh({"root": root, "A": area_a, "B": area_b, "A1": dept})


def district_units() -> dict[str, Unit]:
    """常州市 with 武进区 (and its 湖塘镇) and 新北区; keyed city, district, town, other."""
    city = unit("常州市")
    district = unit("武进区", city)
    town = unit("湖塘镇", district)
    other = unit("新北区", city)
    return fresh({"city": city, "district": district, "town": town, "other": other})


def learner(
    username: str | None = None,
    unit_: Unit | None = None,
    *,
    name: str = "",
    rank: str = Rank.COUNTY,
    **user_fields,
):
    """A user with a learner profile in ``unit_``, named ``name`` (else the username, or 学员N
    when the username is made up too)."""
    assert unit_ is not None, "a learner belongs to a unit"
    n = next(_numbers)
    first_name = name or user_fields.pop("first_name", "") or username or f"学员{n}"
    person = UserFactory(
        username=username or f"learner{n}", first_name=first_name, password="!", **user_fields
    )
    LearnerProfile.objects.create(user=person, unit=unit_, rank=rank)
    return person


def unit_admin(user, unit_: Unit) -> UnitAdministrator:
    return UnitAdministrator.objects.create(user=user, unit=unit_)


def platform_admin(user):
    """``user`` made a member of 平台管理员."""
    group, _ = Group.objects.get_or_create(name=PLATFORM_ADMIN_GROUP)
    user.groups.add(group)
    return user


# Programmes and their items --------------------------------------------------------------------


def programme(*, units=(), ranks=(), **fields) -> Programme:
    """A published programme running from before the fixed March moments (attempts there count)
    to 30 days after the real date (pages read the real clock)."""
    n = next(_numbers)
    defaults = dict(
        title=f"专题培训班{n}",
        slug=f"programme-{n}",
        starts_on=min(on(1, month=2), REAL_TODAY - datetime.timedelta(days=30)),
        ends_on=REAL_TODAY + datetime.timedelta(days=30),
        required_hours=Decimal("1"),
        is_published=True,
        audience_ranks=list(ranks),
    )
    result = Programme.objects.create(**{**defaults, **fields})
    if units:
        result.audience_units.set(units)
        result.save()
    return result


def report_programme(**fields) -> Programme:
    """The programme of the report tests: 4 学时, from 2026-03-01 to 2026-04-30."""
    n = next(_numbers)
    defaults = dict(
        title=f"干部选拔任用监督专题培训{n}",
        starts_on=on(1),
        ends_on=on(30, month=4),
        required_hours=Decimal("4"),
    )
    return programme(**{**defaults, **fields})


def lesson(prog: Programme, minutes: int = 45, *, required: bool = True, page=None, **fields):
    """A lesson item of ``minutes``; its page is the home page unless given."""
    page = page or Page.objects.filter(depth=2).first()
    return ProgrammeItem.objects.create(
        programme=prog,
        kind=ProgrammeItem.Kind.LESSON,
        page=page,
        nominal_minutes=minutes,
        required=required,
        sort_order=next(_numbers),
        **fields,
    )


def material_lesson(
    *, of: Programme | None = None, nominal_minutes: int = 30, page=None, title: str = ""
) -> ProgrammeItem:
    """A lesson whose page is a published study material (made when not given), in ``of`` or
    in a new published programme (2024-03-01 to 2030-12-31, 8 学时)."""
    ensure_site_tree()  # transactional tests start from an emptied database
    page = page or StudyMaterialPageFactory(
        title=f"学习资料{next(_numbers)}",
        paragraphs=["干部选拔任用工作监督检查和责任追究办法解读。", "一、总体要求。"],
    )
    prog = of or programme(
        title="2024年组工干部选人用人监督培训班",
        starts_on=datetime.date(2024, 3, 1),
        ends_on=datetime.date(2030, 12, 31),
        required_hours=Decimal("8"),
    )
    return lesson(prog, nominal_minutes, page=page, title=title)


def enrolled_lesson(user=None, *, nominal_minutes: int = 30, title: str = ""):
    """``(user, lesson item)``: the user (a new one unless given) is enrolled in the lesson's
    published programme."""
    user = user or UserFactory()
    item = material_lesson(nominal_minutes=nominal_minutes, title=title)
    enrol(item.programme, user, at_=timezone.now())
    return user, item


def quiz_item(prog: Programme, quiz: Quiz, pass_percent=None, *, required: bool = True):
    return ProgrammeItem.objects.create(
        programme=prog,
        kind=ProgrammeItem.Kind.QUIZ,
        quiz=quiz,
        pass_percent=None if pass_percent is None else Decimal(str(pass_percent)),
        required=required,
        sort_order=next(_numbers),
    )


def offline(prog: Programme, hours: str = "2", *, required: bool = True, title: str = ""):
    return ProgrammeItem.objects.create(
        programme=prog,
        kind=ProgrammeItem.Kind.OFFLINE,
        offline_hours=Decimal(hours),
        required=required,
        title=title or f"线下专题讲座{next(_numbers)}",
        sort_order=next(_numbers),
    )


def exam(**fields) -> Quiz:
    """A published, timed self-test with a 60 % pass mark, to be a programme's quiz item."""
    n = next(_numbers)
    defaults = dict(
        title=f"结业测试{n}",
        slug=f"exam-{n}",
        mode=Quiz.Mode.SELF_TEST,
        time_limit_minutes=30,
        is_published=True,
        pass_percent=Decimal("60"),
    )
    return Quiz.objects.create(**{**defaults, **fields})


# What learners did -----------------------------------------------------------------------------


def enrol(prog: Programme, user, *, at_=None, completed=None) -> Enrollment:
    """Enrolled on 2026-03-02 (or ``at_``); ``completed`` is a moment, or True for ``NOW``.
    Replaces the automatic enrolment a committed profile may already have brought."""
    enrollment, _ = Enrollment.objects.update_or_create(
        programme=prog,
        user=user,
        defaults={
            "enrolled_at": at_ or at(2),
            "completed_at": NOW if completed is True else completed or None,
        },
    )
    return enrollment


def credit(user, item: ProgrammeItem, seconds: int, day: datetime.date = TODAY) -> StudyCredit:
    return StudyCredit.objects.create(user=user, item=item, day=day, seconds=seconds)


def pending(user, item: ProgrammeItem, seconds: int, day: datetime.date = TODAY) -> ActiveStudy:
    """Seconds of a running study session (not yet filed as credit), last beat at 09:00."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    return ActiveStudy.objects.create(
        user=user, item=item, day=day, last_beat_at=moment, last_activity_at=moment,
        pending_seconds=seconds,
    )  # fmt: skip


def attempt(
    user,
    quiz: Quiz,
    *,
    score=None,
    max_score: str = "100",
    finished=None,
    started=None,
    pending_marking: bool = False,
) -> Attempt:
    """A finished attempt (at ``finished``, or at ``NOW`` when neither moment is given), or one
    still in progress when only ``started`` is given."""
    if finished is None and started is None:
        finished = NOW
    number = Attempt.objects.filter(user=user, quiz=quiz).count() + 1
    return Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        status=Attempt.Status.FINISHED if finished else Attempt.Status.IN_PROGRESS,
        started_at=started or finished,
        finished_at=finished,
        score=None if score is None else Decimal(score),
        max_score=Decimal(max_score),
        pending_marking=pending_marking,
    )


def attend(user, item: ProgrammeItem, day: datetime.date = TODAY, hours: str | None = None):
    """Attendance on ``day`` for ``hours`` (the item's hours when not given)."""
    return AttendanceRecord.objects.create(
        item=item,
        user=user,
        attended_on=day,
        hours=Decimal(hours) if hours else item.offline_hours,
        recorded_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
    )


def finished_learner(prog: Programme, *, username: str | None = None, unit_: Unit):
    """A learner enrolled in ``prog`` who has done all of it (lessons studied in full, quizzes
    passed, offline items attended)."""
    person = learner(username, unit_)
    enrol(prog, person)
    for item in prog.items.all():
        if item.kind == ProgrammeItem.Kind.LESSON:
            credit(person, item, item.nominal_minutes * 60)
        elif item.kind == ProgrammeItem.Kind.QUIZ:
            attempt(person, item.quiz, score="100")
        else:
            attend(person, item)
    return person


# Excel files for the people import -------------------------------------------------------------


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
