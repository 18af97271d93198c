"""Attendance of offline items: the tick form, and the all-or-nothing Excel import.

The import reads one sheet 用户名 | 出席日期 | 学时 (``common.excel``); 学时 may be left empty (the
item's own hours). Every row is read and checked first; any problem (listed by row and column,
in Chinese) refuses the whole file. Fully empty rows are skipped.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from common.audit import audit
from common.excel import (
    RowError,
    SheetSpec,
    cell_text,
    header_row,
    new_workbook,
    read_sheets,
    workbook_bytes,
)
from learning.models import AttendanceRecord, Enrollment, ProgrammeItem
from learning.services.base import (
    ATTENDANCE_ACTION,
    ATTENDANCE_IMPORT_ACTION,
    LearningError,
    people_names,
)
from learning.services.completion import complete_programme
from learning.services.enrolment import users_by_username


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
        if to_add or to_remove:
            names = people_names(to_add | to_remove)
            audit(
                item, ATTENDANCE_ACTION, user=recorded_by, attended_on=attended_on, hours=hours,
                added=[names[pk] for pk in sorted(to_add)],
                removed=[names[pk] for pk in sorted(to_remove)],
                before={"count": len(existing)},
                after={"count": len(existing) + len(to_add) - len(to_remove)},
            )  # fmt: skip
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


# Excel import ------------------------------------------------------------------------------------

SHEET = SheetSpec("出席记录", ("用户名", "出席日期", "学时"), max_rows=5000)
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class AttendanceImportResult:
    errors: list[RowError]
    change: AttendanceChange | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def attendance_template(item: ProgrammeItem | None = None) -> bytes:
    """An empty import file: the header and a 填写说明 sheet."""
    book = new_workbook()
    sheet = book.active
    sheet.title = SHEET.name
    sheet.append(header_row(sheet, SHEET.headers, (18, 14, 8)))
    sheet.freeze_panes = "A2"
    hours = item.offline_hours if item and item.offline_hours else None
    limit = f"，不超过 {hours.normalize():f}；不填为 {hours.normalize():f}。" if hours else "。"
    notes = book.create_sheet("填写说明")
    notes.append(header_row(notes, ["列", "说明"], (10, 90)))
    for line in (
        ("用户名", "必填：学员登录用的用户名；学员须已报名本培训项目，同一文件中不能重复。"),
        ("出席日期", "必填：如 2026-03-05（也可写 2026/3/5 或 2026年3月5日），不能晚于今天。"),
        ("学时", "选填：计入的学时，大于 0，最多一位小数" + limit),
        ("注意", "导入前检查全部行：只要有一处错误，整个文件都不导入，并列出所有错误。"),
        ("注意", "已有出席记录的学员，以本次导入的日期和学时为准。"),
    ):
        notes.append(line)
    return workbook_bytes(book)


def parse_date(value) -> datetime.date | None:
    """A date from an Excel date cell or text such as 2026-03-05, 2026/3/5, 2026年3月5日."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
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
    try:
        hours = Decimal(cell_text(value))
    except InvalidOperation:
        return None
    return hours if hours.is_finite() else None


class AttendanceRowReader:
    """Checks the rows of one file against the item, its enrolments and each other."""

    def __init__(self, item: ProgrammeItem, names: list[str], today: datetime.date) -> None:
        self.item, self.today = item, today
        self.ids = users_by_username([name for name in names if name])
        self.enrolled = set(
            Enrollment.objects.filter(
                programme_id=item.programme_id, user_id__in=self.ids.values()
            ).values_list("user_id", flat=True)
        )
        self.seen: dict[str, int] = {}

    def read(self, number: int, values: dict) -> tuple[AttendanceRow | None, list[RowError]]:
        name = cell_text(values["用户名"])
        errors = [
            SHEET.error(number, header, message)
            for header, message in (
                ("用户名", self._name_problem(number, name)),
                ("出席日期", self._date_problem(values["出席日期"])),
                ("学时", self._hours_problem(values["学时"])),
            )
            if message
        ]
        if errors:
            return None, errors
        hours = (
            parse_hours(values["学时"]) if cell_text(values["学时"]) else self.item.offline_hours
        )
        return AttendanceRow(self.ids[name], parse_date(values["出席日期"]), hours), []

    def _name_problem(self, number: int, name: str) -> str:
        first = self.seen.setdefault(name, number) if name else number
        if not name:
            return "请填写用户名"
        if name not in self.ids:
            return f"找不到用户名“{name}”"
        if self.ids[name] not in self.enrolled:
            return f"“{name}”未报名本培训项目"
        return f"与第{first}行的用户名重复" if first != number else ""

    def _date_problem(self, value) -> str:
        attended_on = parse_date(value)
        if not cell_text(value):
            return "请填写出席日期"
        if attended_on is None:
            return f"日期“{cell_text(value)}”无法识别，请写成 2026-03-05"
        return "出席日期不能晚于今天" if attended_on > self.today else ""

    def _hours_problem(self, value) -> str:
        if not cell_text(value):
            return "" if self.item.offline_hours else "请填写学时"
        hours = parse_hours(value)
        return "学时应为数字" if hours is None else check_attendance_hours(self.item, hours) or ""


def read_attendance_file(
    file, *, item: ProgrammeItem, today: datetime.date
) -> tuple[list[AttendanceRow], list[RowError]]:
    """Every row of the file checked (a constant number of queries); rows only if no error."""
    found = read_sheets(file, [SHEET], max_bytes=MAX_BYTES)
    if found.errors:
        return [], found.errors
    data = found.rows[SHEET.name]
    if not data:
        return [], [RowError("文件中没有出席记录（第2行起每行一人）。")]
    reader = AttendanceRowReader(item, [cell_text(v["用户名"]) for _, v in data], today)
    rows, errors = [], []
    for number, values in data:
        row, problems = reader.read(number, values)
        errors += problems
        if row is not None:
            rows.append(row)
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
    change = import_attendance(item=item, rows=rows, recorded_by=recorded_by, now=now)
    audit(
        item, ATTENDANCE_IMPORT_ACTION, user=recorded_by, file=getattr(file, "name", ""),
        rows=len(rows), added=change.added, updated=change.updated,
    )  # fmt: skip
    return AttendanceImportResult([], change)
