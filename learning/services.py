"""Writes for programmes: enrolment, attendance, completion, certificates and revocation.

Keyword-only services with ``now`` passed in (the server's clock decides, and the tests' clock
in tests). Messages of ``LearningError`` are Chinese and shown to the person as they are.

Certificate numbers are ``<前缀>-<年份>-<六位序号>``, e.g. ``ZG-2026-000123``: the prefix is
``settings.LEARNING_CERTIFICATE_PREFIX`` ("ZG" by default), the year is the local year of issue
and the sequence restarts every year. The next number is the year's highest plus one; the
unique constraint on ``Certificate.number`` settles two issues at once: the loser's insert
fails inside a savepoint and it takes the following number (``NUMBER_RETRIES`` tries).
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from learning import progress as progress_module
from learning.models import (
    AttendanceRecord,
    Certificate,
    Enrollment,
    LearnerProfile,
    Programme,
    ProgrammeItem,
)
from quizzes.excel import file_size, workbook_bytes

NUMBER_RETRIES = 8
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 8


class LearningError(Exception):
    """A request the rules refuse; the message is shown to the person."""


# Audience and enrolment ------------------------------------------------------------------------


def matches_audience(*, ranks: list[str], unit_paths: list[str], rank: str, unit_path: str) -> bool:
    """Whether a learner of ``rank`` in the unit at ``unit_path`` belongs to the audience.

    An empty list of ranks or of units means no restriction on that axis; a unit includes
    every unit below it (treebeard path prefix).
    """
    if ranks and rank not in ranks:
        return False
    return not unit_paths or any(unit_path.startswith(path) for path in unit_paths)


def audience_profiles(programme: Programme):
    """The learner profiles (of active users) in the programme's audience, as one queryset."""
    profiles = LearnerProfile.objects.filter(user__is_active=True)
    if programme.audience_ranks:
        profiles = profiles.filter(rank__in=list(programme.audience_ranks))
    paths = list(programme.audience_units.values_list("path", flat=True))
    if paths:
        units = Q()
        for path in paths:
            units |= Q(unit__path__startswith=path)
        profiles = profiles.filter(units)
    return profiles


def enrol_audience(*, programme: Programme, now: datetime.datetime) -> int:
    """Enrol everyone in the programme's audience who is not enrolled yet; returns how many.

    Idempotent, and a constant number of queries however many people match.
    """
    user_ids = (
        audience_profiles(programme)
        .exclude(user__enrollments__programme=programme)
        .values_list("user_id", flat=True)
    )
    new = [
        Enrollment(
            programme=programme, user_id=user_id, source=Enrollment.Source.AUTO, enrolled_at=now
        )
        for user_id in user_ids
    ]
    Enrollment.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def enrol(
    *,
    programme: Programme,
    user,
    now: datetime.datetime,
    source: str = Enrollment.Source.MANUAL,
) -> Enrollment:
    """Enrol one person (whatever the audience); an existing enrolment is returned unchanged."""
    enrollment, _ = Enrollment.objects.get_or_create(
        programme=programme, user=user, defaults={"source": source, "enrolled_at": now}
    )
    return enrollment


def enrol_users(
    *, programme: Programme, user_ids: list[int], now: datetime.datetime, source: str = "manual"
) -> int:
    """Enrol several people at once (bulk); returns how many were not enrolled before."""
    existing = set(
        Enrollment.objects.filter(programme=programme, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    new = [
        Enrollment(programme=programme, user_id=pk, source=source, enrolled_at=now)
        for pk in dict.fromkeys(user_ids)
        if pk not in existing
    ]
    Enrollment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def enrol_user_in_audiences(*, user, now: datetime.datetime) -> int:
    """Enrol one person in every open, published, auto-enrolling programme whose audience
    they belong to (cheap: three or four queries); returns how many enrolments were added."""
    if not user.is_authenticated or not user.is_active:
        return 0
    profile = LearnerProfile.objects.filter(user=user).select_related("unit").first()
    if profile is None:
        return 0
    candidates = (
        Programme.objects.filter(
            is_published=True, auto_enrol=True, ends_on__gte=timezone.localdate(now)
        )
        .exclude(enrollments__user=user)
        .prefetch_related("audience_units")
        .only("pk", "audience_ranks")
    )
    new = [
        Enrollment(programme=p, user=user, source=Enrollment.Source.AUTO, enrolled_at=now)
        for p in candidates
        if matches_audience(
            ranks=list(p.audience_ranks or []),
            unit_paths=[unit.path for unit in p.audience_units.all()],
            rank=profile.rank,
            unit_path=profile.unit.path,
        )
    ]
    if new:
        Enrollment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# Completion and certificates -------------------------------------------------------------------


def certificate_prefix() -> str:
    return getattr(settings, "LEARNING_CERTIFICATE_PREFIX", "ZG")


def next_certificate_number(year: int) -> str:
    """The year's highest number plus one (six digits, more after 999999)."""
    stem = f"{certificate_prefix()}-{year}-"
    last = (
        Certificate.objects.filter(number__startswith=stem)
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = 1
    if last:
        try:
            sequence = int(last[len(stem) :]) + 1
        except ValueError:
            sequence = Certificate.objects.filter(number__startswith=stem).count() + 1
    return f"{stem}{sequence:06d}"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def issue_certificate(
    *, enrollment: Enrollment, hours: Decimal, now: datetime.datetime
) -> Certificate:
    """Create the enrollment's certificate with the next free number (see module docstring)."""
    year = timezone.localtime(now).year
    code = new_verification_code()
    for _ in range(NUMBER_RETRIES):
        number = next_certificate_number(year)
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    enrollment=enrollment,
                    number=number,
                    verification_code=code,
                    hours=hours,
                    issued_at=now,
                )
        except IntegrityError:
            existing = Certificate.objects.filter(enrollment=enrollment).first()
            if existing is not None:  # issued meanwhile by another request
                return existing
    raise LearningError("证书编号分配失败,请稍后重试。")


def complete_if_done(*, enrollment: Enrollment, now: datetime.datetime) -> Certificate | None:
    """Mark the enrollment completed and issue its certificate when the rules are met.

    Returns the certificate (existing or new), or None while the learner is not done. A second
    call changes nothing; a revoked certificate is not replaced.
    """
    with transaction.atomic():
        # Lock the enrollment row only: completions in one programme must not queue up.
        locked = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("programme")
            .get(pk=enrollment.pk)
        )
        existing = Certificate.objects.filter(enrollment=locked).first()
        if existing is not None and locked.completed_at is not None:
            return existing
        progress = progress_module.enrollment_progress(locked)
        if not progress.complete:
            return None
        if locked.completed_at is None:
            locked.completed_at = now
            locked.save(update_fields=["completed_at"])
        certificate = existing or issue_certificate(
            enrollment=locked, hours=progress.hours, now=now
        )
    enrollment.completed_at = locked.completed_at
    return certificate


def complete_programme(
    *, programme: Programme, now: datetime.datetime, user_ids: list[int] | None = None
) -> list[Certificate]:
    """Complete every (or the given people's) enrollment of the programme that is done.

    Progress is computed for all of them at once; only those about to complete are locked
    and re-checked one by one.
    """
    enrollments = Enrollment.objects.filter(programme=programme, completed_at__isnull=True)
    if user_ids is not None:
        enrollments = enrollments.filter(user_id__in=user_ids)
    enrollments = list(enrollments.select_related("programme"))
    if not enrollments:
        return []
    progress = progress_module.programme_progress(programme, enrollments)
    issued = []
    for enrollment in enrollments:
        if progress[enrollment.pk].complete:
            certificate = complete_if_done(enrollment=enrollment, now=now)
            if certificate is not None:
                issued.append(certificate)
    return issued


def complete_learner(*, user, now: datetime.datetime, progress=None) -> list[Certificate]:
    """Complete the user's enrollments that are done (``progress`` as from the dashboard)."""
    if progress is None:
        progress = progress_module.learner_progress(user)
    issued = []
    for entry in progress:
        if entry.complete and entry.enrollment and entry.enrollment.completed_at is None:
            certificate = complete_if_done(enrollment=entry.enrollment, now=now)
            if certificate is not None:
                issued.append(certificate)
    return issued


def revoke_certificate(
    *, certificate: Certificate, reason: str, now: datetime.datetime
) -> Certificate:
    """Revoke a certificate with a reason shown on the verification page."""
    reason = (reason or "").strip()
    if not reason:
        raise LearningError("请填写撤销原因。")
    if len(reason) > 200:
        raise LearningError("撤销原因不能超过 200 字。")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise LearningError("该证书已经撤销。")
        locked.revoked_at = now
        locked.revoked_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_reason"])
    certificate.revoked_at, certificate.revoked_reason = locked.revoked_at, locked.revoked_reason
    return certificate


@dataclass(frozen=True)
class Verification:
    """What the public verification page may show: never more than this."""

    status: str  # "valid" / "revoked" / "not_found"
    number: str
    name: str = ""
    programme: str = ""
    hours: Decimal | None = None
    completed_on: datetime.date | None = None
    revoked_on: datetime.date | None = None
    revoked_reason: str = ""


def verify_certificate(*, number: str, code: str) -> Verification:
    """Look a certificate up by number and code; a wrong code looks exactly like no number."""
    number = (number or "").strip()
    code = (code or "").strip().upper()
    certificate = (
        Certificate.objects.select_related("enrollment__user", "enrollment__programme")
        .filter(number__iexact=number)
        .first()
    )
    if (
        certificate is None
        or not code
        or not secrets.compare_digest(certificate.verification_code.upper(), code)
    ):
        return Verification("not_found", number)
    enrollment = certificate.enrollment
    completed = enrollment.completed_at or certificate.issued_at
    return Verification(
        status="valid" if certificate.revoked_at is None else "revoked",
        number=certificate.number,
        name=display_name(enrollment.user),
        programme=enrollment.programme.title,
        hours=certificate.hours,
        completed_on=timezone.localdate(completed),
        revoked_on=timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None,
        revoked_reason=certificate.revoked_reason,
    )


def display_name(user) -> str:
    return (user.get_full_name() or "").strip() or user.get_username()


# Attendance ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceChange:
    added: int = 0
    updated: int = 0
    removed: int = 0
    certificates: int = 0


def _offline_item(item: ProgrammeItem) -> None:
    if item.kind != ProgrammeItem.Kind.OFFLINE:
        raise LearningError("只有线下学习可以登记出席。")


def check_attendance_hours(item: ProgrammeItem, hours: Decimal) -> str | None:
    """The Chinese problem with ``hours`` for this item, or None."""
    if hours <= 0:
        return "学时必须大于 0。"
    if hours != hours.quantize(Decimal("0.1")):
        return "学时最多一位小数。"
    if item.offline_hours is not None and hours > item.offline_hours:
        return f"学时不能超过该线下学习的 {item.offline_hours.normalize():f} 学时。"
    return None


def set_attendance(
    *,
    item: ProgrammeItem,
    attended_user_ids: set[int],
    enrolled_user_ids: set[int],
    attended_on: datetime.date,
    hours: Decimal,
    recorded_by,
    now: datetime.datetime,
) -> AttendanceChange:
    """The tick form: the ticked among ``enrolled_user_ids`` attended, the others did not.

    New ticks are recorded with ``attended_on`` and ``hours``; existing records of ticked
    people are kept as they are; records of unticked people are removed. Completion is checked
    for the people added.
    """
    _offline_item(item)
    problem = check_attendance_hours(item, hours)
    if problem:
        raise LearningError(problem)
    unknown = attended_user_ids - enrolled_user_ids
    if unknown:
        raise LearningError("只能为已报名的学员登记出席。")
    with transaction.atomic():
        existing = set(
            AttendanceRecord.objects.filter(item=item, user_id__in=enrolled_user_ids).values_list(
                "user_id", flat=True
            )
        )
        to_add = attended_user_ids - existing
        to_remove = (enrolled_user_ids - attended_user_ids) & existing
        AttendanceRecord.objects.bulk_create(
            [
                AttendanceRecord(
                    item=item,
                    user_id=pk,
                    attended_on=attended_on,
                    hours=hours,
                    recorded_by=recorded_by,
                    recorded_at=now,
                )
                for pk in sorted(to_add)
            ],
            ignore_conflicts=True,
        )
        removed, _ = AttendanceRecord.objects.filter(item=item, user_id__in=to_remove).delete()
        issued = complete_programme(programme=item.programme, now=now, user_ids=sorted(to_add))
    return AttendanceChange(added=len(to_add), removed=removed, certificates=len(issued))


@dataclass(frozen=True)
class AttendanceRow:
    user_id: int
    attended_on: datetime.date
    hours: Decimal


def import_attendance(
    *, item: ProgrammeItem, rows: list[AttendanceRow], recorded_by, now: datetime.datetime
) -> AttendanceChange:
    """Write validated rows (see ``import_attendance_file``): new records are added, a
    person's existing record for the item is replaced. One transaction."""
    _offline_item(item)
    user_ids = [row.user_id for row in rows]
    with transaction.atomic():
        existing = set(
            AttendanceRecord.objects.filter(item=item, user_id__in=user_ids).values_list(
                "user_id", flat=True
            )
        )
        AttendanceRecord.objects.bulk_create(
            [
                AttendanceRecord(
                    item=item,
                    user_id=row.user_id,
                    attended_on=row.attended_on,
                    hours=row.hours,
                    recorded_by=recorded_by,
                    recorded_at=now,
                )
                for row in rows
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["item", "user"],
            update_fields=["attended_on", "hours", "recorded_by", "recorded_at"],
        )
        issued = complete_programme(programme=item.programme, now=now, user_ids=user_ids)
    return AttendanceChange(
        added=len(set(user_ids) - existing),
        updated=len(set(user_ids) & existing),
        certificates=len(issued),
    )


def users_by_username(usernames: list[str]) -> dict[str, int]:
    """Username → user id for the given usernames (one query)."""
    User = get_user_model()
    field = User.USERNAME_FIELD
    return dict(User.objects.filter(**{f"{field}__in": usernames}).values_list(field, "pk"))


# Attendance import (Excel) ---------------------------------------------------------------------
#
# One sheet with the header 用户名 | 出席日期 | 学时. 学时 may be left empty (the item's own
# hours). Every row is read and checked first; any problem (listed by row and column, in
# Chinese) refuses the whole file. Fully empty rows are skipped.

ATTENDANCE_HEADERS = ["用户名", "出席日期", "学时"]
ATTENDANCE_MAX_ROWS = 5000
ATTENDANCE_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    """One problem of an import file; ``row`` is None for a problem of the whole file."""

    message: str
    row: int | None = None
    column: str = ""
    header: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = f"第{self.row}行" + (f" {self.column}列({self.header})" if self.column else "")
        return f"{where}:{self.message}"


@dataclass(frozen=True)
class AttendanceImportResult:
    errors: list[RowError]
    change: AttendanceChange | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def attendance_template(item: ProgrammeItem | None = None) -> bytes:
    """An empty import file: the header, one example row in grey, and a 填写说明 sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = "出席记录"
    sheet.append(ATTENDANCE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for letter, width in zip("ABC", (18, 14, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    hours = item.offline_hours if item and item.offline_hours else None
    notes = book.create_sheet("填写说明")
    for line in (
        ("用户名", "必填:学员登录用的用户名;学员须已报名本培训项目,同一文件中不能重复。"),
        ("出席日期", "必填:如 2026-03-05(也可写 2026/3/5 或 2026年3月5日),不能晚于今天。"),
        (
            "学时",
            "选填:计入的学时,大于 0,最多一位小数"
            + (f",不超过 {hours.normalize():f};不填为 {hours.normalize():f}。" if hours else "。"),
        ),
        ("注意", "导入前检查全部行:只要有一处错误,整个文件都不导入,并列出所有错误。"),
        ("注意", "已有出席记录的学员,以本次导入的日期和学时为准。"),
    ):
        notes.append(line)
    notes.column_dimensions["A"].width = 10
    notes.column_dimensions["B"].width = 90
    return workbook_bytes(book)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value) -> datetime.date | None:
    """A date from an Excel date cell or text such as 2026-03-05, 2026/3/5, 2026年3月5日."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _cell_text(value)
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_hours(value) -> Decimal | None:
    text = _cell_text(value)
    try:
        hours = Decimal(text)
    except InvalidOperation:
        return None
    return hours if hours.is_finite() else None


INVALID_FILE = RowError("文件不是有效的 Excel(.xlsx)文件。")


def _read_sheet(file) -> tuple[list[tuple[int, list]], list[RowError]]:
    if file_size(file) > ATTENDANCE_MAX_BYTES:
        return [], [RowError("文件过大:超过 5 MB,请分批导入。")]
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        return [], [INVALID_FILE]
    try:
        return _sheet_rows(book)
    except Exception:  # a read-only sheet is parsed while it is read: damage shows up here
        return [], [INVALID_FILE]
    finally:
        book.close()


def _sheet_rows(book) -> tuple[list[tuple[int, list]], list[RowError]]:
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = [_cell_text(v) for v in next(rows, ())]
    errors = []
    for index, expected in enumerate(ATTENDANCE_HEADERS):
        actual = header[index] if index < len(header) else ""
        letter = "ABC"[index]
        if actual != expected:
            message = f"表头应为“{expected}”" + (f",实际为“{actual}”" if actual else "")
            errors.append(RowError(message, 1, letter, expected))
    for index in range(len(ATTENDANCE_HEADERS), len(header)):
        if header[index]:
            errors.append(RowError(f"多余的列“{header[index]}”,请按模板删除", 1))
    if errors:
        return [], errors
    data = []
    for number, values in enumerate(rows, start=2):
        values = list(values[: len(ATTENDANCE_HEADERS)])
        values += [None] * (len(ATTENDANCE_HEADERS) - len(values))
        if not any(_cell_text(v) for v in values):
            continue
        if len(data) == ATTENDANCE_MAX_ROWS:
            return [], [RowError(f"超过 {ATTENDANCE_MAX_ROWS} 行的上限,请分成多个文件导入。")]
        data.append((number, values))
    return data, []


def read_attendance_file(
    file, *, item: ProgrammeItem, today: datetime.date
) -> tuple[list[AttendanceRow], list[RowError]]:
    """Every row of the file checked (a constant number of queries); rows only if no error."""
    data, errors = _read_sheet(file)
    if errors:
        return [], errors
    if not data:
        return [], [RowError("文件中没有出席记录(第2行起每行一人)。")]
    names = [_cell_text(values[0]) for _, values in data]
    ids = users_by_username([name for name in names if name])
    enrolled = set(
        Enrollment.objects.filter(
            programme_id=item.programme_id, user_id__in=ids.values()
        ).values_list("user_id", flat=True)
    )
    seen: dict[str, int] = {}
    rows: list[AttendanceRow] = []
    for (number, (_, date_cell, hours_cell)), name in zip(data, names, strict=True):
        row_errors = []
        user_id = ids.get(name)
        if not name:
            row_errors.append(RowError("请填写用户名", number, "A", "用户名"))
        elif user_id is None:
            row_errors.append(RowError(f"找不到用户名“{name}”", number, "A", "用户名"))
        elif user_id not in enrolled:
            row_errors.append(RowError(f"“{name}”未报名本培训项目", number, "A", "用户名"))
        elif name in seen:
            message = f"与第{seen[name]}行的用户名重复"
            row_errors.append(RowError(message, number, "A", "用户名"))
        if name and name not in seen:
            seen[name] = number
        attended_on = parse_date(date_cell)
        if not _cell_text(date_cell):
            row_errors.append(RowError("请填写出席日期", number, "B", "出席日期"))
        elif attended_on is None:
            message = f"日期“{_cell_text(date_cell)}”无法识别,请写成 2026-03-05"
            row_errors.append(RowError(message, number, "B", "出席日期"))
        elif attended_on > today:
            row_errors.append(RowError("出席日期不能晚于今天", number, "B", "出席日期"))
        if _cell_text(hours_cell):
            hours = parse_hours(hours_cell)
            problem = "学时应为数字" if hours is None else check_attendance_hours(item, hours)
        else:
            hours = item.offline_hours
            problem = None if hours else "请填写学时"
        if problem:
            row_errors.append(RowError(problem, number, "C", "学时"))
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(AttendanceRow(user_id, attended_on, hours))
    return ([], errors) if errors else (rows, [])


def import_attendance_file(
    *, item: ProgrammeItem, file, recorded_by, now: datetime.datetime
) -> AttendanceImportResult:
    """Import an attendance workbook for an offline item: all rows, or none if any is wrong."""
    if item.kind != ProgrammeItem.Kind.OFFLINE:
        return AttendanceImportResult([RowError("只有线下学习可以导入出席记录。")])
    rows, errors = read_attendance_file(file, item=item, today=timezone.localdate(now))
    if errors:
        return AttendanceImportResult(errors)
    return AttendanceImportResult(
        [], import_attendance(item=item, rows=rows, recorded_by=recorded_by, now=now)
    )
