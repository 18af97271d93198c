"""Units and people from Excel (.xlsx): a blank template and an all-or-nothing import.

Two sheets: "单位" (``UNIT_HEADERS``) and "人员" (``PEOPLE_HEADERS``); either may hold only its
header. The file is read with ``common.excel``; every row is checked first and every problem
collected with its sheet, row and column; only a file without any problem is written, in one
transaction.

Decisions the import makes
    - Fully empty rows are skipped; row numbers in messages are Excel's.
    - Wrong, missing or extra header cells are errors; both sheets must exist.
    - Unit codes must be new (a code already in the system is a duplicate); a parent code may
      name a unit of the same file (above or below) or one already in the system. Empty = a
      top-level unit. Parents that loop (A under B under A) are reported on every unit in the loop.
    - Usernames are compared without regard to case, within the file and with the system.
    - 职务 is required; 手机号码 is optional and must be an 11-digit mobile number (spaces,
      dashes and +86 are removed).
    - Every new person gets a random initial password, returned once in the result and never
      stored in plain text, and must change it at first login.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from common.audit import audit
from common.excel import (
    DEFAULT_MAX_BYTES,
    RowError,
    SafeWorkbook,
    SheetSpec,
    cell_text,
    header_row,
    new_workbook,
    read_sheets,
    workbook_bytes,
)
from learning.models import LearnerProfile, Rank, Unit
from learning.services.base import PEOPLE_IMPORT_ACTION
from learning.services.enrolment import sync_all
from learning.services.people import generate_password, hash_initial_passwords, normalise_phone

UNIT_SHEET = "单位"
PEOPLE_SHEET = "人员"
HELP_SHEET = "填写说明"
UNIT_HEADERS = ["单位编码", "单位名称", "上级单位编码"]
PEOPLE_HEADERS = ["用户名", "姓名", "单位编码", "职级类别", "职务", "手机号码"]
SPECS = {
    UNIT_SHEET: SheetSpec(UNIT_SHEET, tuple(UNIT_HEADERS), max_rows=2000),
    PEOPLE_SHEET: SheetSpec(PEOPLE_SHEET, tuple(PEOPLE_HEADERS), max_rows=5000),
}
RANKS = {label: value for value, label in Rank.choices}

Rows = list[tuple[int, dict[str, str]]]


@dataclass(frozen=True)
class NewPerson:
    username: str
    full_name: str
    password: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    units_created: int = 0
    people: list[NewPerson] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def cell_error(sheet: str, row: int, header: str, message: str) -> RowError:
    return SPECS[sheet].error(row, header, message, named=True)


# Template and password list -------------------------------------------------------------------

COLUMN_HELP = [
    ("单位", "单位编码", "必填", "单位的唯一编码，如 330100；不能与本文件或系统中已有的编码重复。"),
    ("单位", "单位名称", "必填", "不超过 100 字。"),
    (
        "单位",
        "上级单位编码",
        "选填",
        "留空表示最上级单位；可填本文件中的单位或系统中已有单位的编码。",
    ),
    (
        "人员",
        "用户名",
        "必填",
        "登录用的用户名，只能包含字母、数字、汉字和 @ . + - _，不区分大小写不得重复。",
    ),
    ("人员", "姓名", "必填", "不超过 150 字。"),
    ("人员", "单位编码", "必填", "“单位”表或系统中已有单位的编码。"),
    ("人员", "职级类别", "必填", "、".join(Rank.labels) + " 之一。"),
    ("人员", "职务", "必填", "如 组织部副部长。"),
    ("人员", "手机号码", "选填", "11 位手机号码。"),
]
GENERAL_HELP = [
    "两张表的第一行表头请勿修改；从第二行起每行一个单位或一个人，空行会被跳过。",
    "只导入人员时，“单位”表只保留表头即可。",
    "导入前会检查全部行：只要有一处错误，整个文件都不会导入，并列出所有错误所在的表、行和列。",
    "每个新导入的人员都会生成随机初始密码，导入成功后只显示一次，请当场下载并妥善分发；"
    "人员首次登录后必须修改密码。",
]


def _help_sheet(workbook: SafeWorkbook) -> None:
    sheet = workbook.create_sheet(HELP_SHEET)
    sheet.append(header_row(sheet, ["工作表", "列", "是否必填", "说明"], (10, 14, 10, 80)))
    for row in COLUMN_HELP:
        sheet.append(list(row))
    sheet.append([])
    for line in GENERAL_HELP:
        sheet.append(["注意", "", "", line])
    for row in sheet.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")


def build_template() -> bytes:
    """An empty import file: "单位" and "人员" with their headers, and "填写说明"."""
    workbook = new_workbook()
    units = workbook.active
    units.title = UNIT_SHEET
    units.append(header_row(units, UNIT_HEADERS, (16, 30, 16)))
    units.freeze_panes = "A2"
    people = workbook.create_sheet(PEOPLE_SHEET)
    people.append(header_row(people, PEOPLE_HEADERS, (16, 12, 16, 12, 24, 16)))
    people.freeze_panes = "A2"
    ranks = DataValidation(
        type="list", formula1=f'"{",".join(Rank.labels)}"', showErrorMessage=False
    )
    spec = SPECS[PEOPLE_SHEET]
    letter = spec.letter("职级类别")
    ranks.add(f"{letter}2:{letter}{spec.max_rows + 1}")
    people.add_data_validation(ranks)
    _help_sheet(workbook)
    return workbook_bytes(workbook)


def password_workbook(people: list[NewPerson]) -> bytes:
    """The initial passwords of an import, to hand out: 用户名, 初始密码, 姓名."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "初始密码"
    sheet.append(header_row(sheet, ["用户名", "初始密码", "姓名"], (18, 18, 14)))
    for person in people:
        sheet.append([person.username, person.password, person.full_name])
    for row in sheet.iter_rows(min_row=2, max_col=2):
        for cell in row:
            cell.data_type = "s"
            cell.number_format = "@"
    return workbook_bytes(workbook)


# Reading the file -----------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return getattr(settings, "PEOPLE_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def read_sheets_as_text(file: IO[bytes]) -> tuple[dict[str, Rows], list[RowError]]:
    """The data rows of both sheets as text, or the errors that stop the file from being read."""
    found = read_sheets(file, list(SPECS.values()), max_bytes=max_upload_bytes())
    if found.errors:
        return {}, found.errors
    sheets = {
        name: [(n, {h: cell_text(v) for h, v in values.items()}) for n, values in rows]
        for name, rows in found.rows.items()
    }
    if not any(sheets.values()):
        return {}, [RowError("文件中没有单位或人员（两张表第二行起都是空的）")]
    return sheets, []


# Validating -----------------------------------------------------------------------------------


@dataclass
class Lookups:
    """Existing units by code and existing usernames (lower-cased), in two queries."""

    units: dict[str, Unit]
    usernames: set[str]

    @classmethod
    def load(cls, sheets: dict[str, Rows]) -> "Lookups":
        unit_rows, people_rows = sheets.get(UNIT_SHEET, []), sheets.get(PEOPLE_SHEET, [])
        codes = {v["单位编码"] for _, v in unit_rows} | {v["上级单位编码"] for _, v in unit_rows}
        codes |= {values["单位编码"] for _, values in people_rows}
        names = {values["用户名"].lower() for _, values in people_rows} - {""}
        users = get_user_model().objects.annotate(lowered=Lower("username"))
        return cls(
            units={unit.code: unit for unit in Unit.objects.filter(code__in=codes - {""})},
            usernames=set(users.filter(lowered__in=names).values_list("lowered", flat=True)),
        )


@dataclass(frozen=True)
class UnitDraft:
    row: int
    code: str
    name: str
    parent_code: str


@dataclass(frozen=True)
class PersonDraft:
    row: int
    username: str
    full_name: str
    unit_code: str
    rank: str
    position: str
    phone: str


def _required(values: dict[str, str], sheet: str, row: int, headers: list[str]) -> list:
    return [
        cell_error(sheet, row, header, f"{header}不能为空")
        for header in headers
        if not values[header]
    ]


def _too_long(values: dict[str, str], sheet: str, row: int, limits: dict[str, int]) -> list:
    return [
        cell_error(sheet, row, header, f"{header}过长，不能超过 {limit} 个字符")
        for header, limit in limits.items()
        if len(values[header]) > limit
    ]


def validate_units(rows: Rows, lookups: Lookups) -> tuple[list[UnitDraft], list[RowError]]:
    """Required cells, lengths, duplicate codes, unknown parents and parent loops."""
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, values in rows:
        errors += _required(values, UNIT_SHEET, number, ["单位编码", "单位名称"])
        errors += _too_long(values, UNIT_SHEET, number, {"单位编码": 40, "单位名称": 100})
        errors += _duplicate_code(number, values["单位编码"], seen, lookups)
    file_codes = set(seen)
    for number, values in rows:
        parent = values["上级单位编码"]
        if parent and parent not in file_codes and parent not in lookups.units:
            message = f"上级单位编码“{parent}”在本文件和系统中都不存在"
            errors.append(cell_error(UNIT_SHEET, number, "上级单位编码", message))
    errors += _loop_errors(rows, seen)
    drafts = [
        UnitDraft(number, v["单位编码"], v["单位名称"], v["上级单位编码"]) for number, v in rows
    ]
    return drafts, errors


def _duplicate_code(number: int, code: str, seen: dict[str, int], lookups: Lookups) -> list:
    if not code:
        return []
    if code in seen:
        message = f"单位编码“{code}”与第{seen[code]}行重复"
    elif code in lookups.units:
        message = f"系统中已有编码为“{code}”的单位（{lookups.units[code].name}）"
    else:
        seen[code] = number
        return []
    return [cell_error(UNIT_SHEET, number, "单位编码", message)]


def _loop_errors(rows: Rows, first_rows: dict[str, int]) -> list[RowError]:
    """Every unit whose chain of parents inside the file comes back to itself."""
    parent_of = {
        values["单位编码"]: values["上级单位编码"]
        for number, values in rows
        if first_rows.get(values["单位编码"]) == number
    }
    errors = []
    for code, row in first_rows.items():
        chain = [code]
        current = parent_of.get(code, "")
        while current in parent_of and current not in chain:
            chain.append(current)
            current = parent_of[current]
        if current == code:
            loop = " → ".join([*chain, code])
            message = f"上级单位形成循环：{loop}"
            errors.append(cell_error(UNIT_SHEET, row, "上级单位编码", message))
    return errors


USERNAME_VALIDATOR = UnicodeUsernameValidator()


class PersonReader:
    """Reads one row of "人员", collecting every error it finds."""

    def __init__(self, number: int, values: dict[str, str], unit_codes: set[str]) -> None:
        self.number, self.values, self.unit_codes = number, values, unit_codes
        self.errors: list[RowError] = []

    def error(self, header: str, message: str) -> None:
        self.errors.append(cell_error(PEOPLE_SHEET, self.number, header, message))

    def read(self) -> PersonDraft:
        v = self.values
        required = ["用户名", "姓名", "单位编码", "职级类别", "职务"]
        self.errors += _required(v, PEOPLE_SHEET, self.number, required)
        self.errors += _too_long(v, PEOPLE_SHEET, self.number, {"姓名": 150, "职务": 100})
        self._username()
        if v["单位编码"] and v["单位编码"] not in self.unit_codes:
            self.error("单位编码", f"单位编码“{v['单位编码']}”在“单位”表和系统中都不存在")
        rank = RANKS.get(v["职级类别"], "")
        if v["职级类别"] and not rank:
            self.error(
                "职级类别", f"职级类别“{v['职级类别']}”无效，应为{'、'.join(Rank.labels)}之一"
            )
        return PersonDraft(
            self.number, v["用户名"], v["姓名"], v["单位编码"], rank, v["职务"], self._phone()
        )

    def _username(self) -> None:
        username = self.values["用户名"]
        if len(username) > 150:
            self.error("用户名", "用户名过长，不能超过 150 个字符")
        elif username and not USERNAME_VALIDATOR.regex.fullmatch(username):
            self.error("用户名", f"用户名“{username}”无效，只能包含字母、数字、汉字和 @ . + - _")

    def _phone(self) -> str:
        text = self.values["手机号码"]
        if not text:
            return ""
        phone = normalise_phone(text)
        if phone is None:
            self.error("手机号码", f"手机号码“{text}”格式不正确，应为 11 位手机号")
        return phone or ""


def validate_people(
    rows: Rows, lookups: Lookups, file_unit_codes: set[str]
) -> tuple[list[PersonDraft], list[RowError]]:
    """Every row of "人员" checked, plus usernames repeated in the file or in the system."""
    unit_codes = file_unit_codes | set(lookups.units)
    drafts, errors, seen = [], [], {}
    for number, values in rows:
        reader = PersonReader(number, values, unit_codes)
        drafts.append(reader.read())
        errors += reader.errors
        errors += _duplicate_username(number, values["用户名"], seen, lookups)
    return drafts, errors


def _duplicate_username(number: int, username: str, seen: dict[str, int], lookups: Lookups):
    key = username.lower()
    if not key:
        return []
    if key in seen:
        message = f"用户名“{username}”与第{seen[key]}行重复"
    elif key in lookups.usernames:
        message = f"系统中已有用户名“{username}”"
    else:
        seen[key] = number
        return []
    return [cell_error(PEOPLE_SHEET, number, "用户名", message)]


def validate(sheets: dict[str, Rows]) -> tuple[list[UnitDraft], list[PersonDraft], list]:
    """Both sheets checked against each other and the system; errors in sheet/row/column order."""
    lookups = Lookups.load(sheets)
    units, unit_errors = validate_units(sheets.get(UNIT_SHEET, []), lookups)
    file_codes = {draft.code for draft in units if draft.code}
    people, people_errors = validate_people(sheets.get(PEOPLE_SHEET, []), lookups, file_codes)
    order = {UNIT_SHEET: 0, PEOPLE_SHEET: 1}
    errors = sorted(
        unit_errors + people_errors,
        key=lambda e: (order.get(e.sheet, -1), e.row or 0, len(e.column), e.column),
    )
    return units, people, errors


# Writing --------------------------------------------------------------------------------------


def _parents_first(drafts: list[UnitDraft]) -> list[UnitDraft]:
    """Units ordered so that each comes after its parent from the same file (no loops left)."""
    by_code = {draft.code: draft for draft in drafts}
    ordered: list[UnitDraft] = []
    placed: set[str] = set()

    def place(draft: UnitDraft) -> None:
        chain: list[UnitDraft] = []
        while draft is not None and draft.code not in placed and draft not in chain:
            chain.append(draft)
            draft = by_code.get(draft.parent_code)
        for item in reversed(chain):
            placed.add(item.code)
            ordered.append(item)

    for draft in drafts:
        place(draft)
    return ordered


def create_units(drafts: list[UnitDraft], existing: dict[str, Unit]) -> dict[str, Unit]:
    """Adds the units to the tree, parents first; returns code → unit for old and new."""
    units = dict(existing)
    for draft in _parents_first(drafts):
        unit = Unit(code=draft.code, name=draft.name)
        parent = units.get(draft.parent_code) if draft.parent_code else None
        units[draft.code] = (
            parent.add_child(instance=unit) if parent else Unit.add_root(instance=unit)
        )
    return units


def create_people(
    drafts: list[PersonDraft], hashes: list[str], units: dict[str, Unit], now: datetime
) -> None:
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(
                username=draft.username, first_name=draft.full_name, password=hashed,
                date_joined=now, is_active=True,
            )
            for draft, hashed in zip(drafts, hashes, strict=True)
        ],
        batch_size=500,
    )  # fmt: skip
    profiles = [
        LearnerProfile(
            user_id=user.pk, unit=units[draft.unit_code], rank=draft.rank,
            position=draft.position, phone=draft.phone, must_change_password=True,
        )
        for draft, user in zip(drafts, users, strict=True)
    ]  # fmt: skip
    LearnerProfile.objects.bulk_create(profiles, batch_size=500)


def write(units: list[UnitDraft], people: list[PersonDraft], *, now: datetime) -> ImportResult:
    """Writes valid drafts in one transaction; passwords are hashed before it starts."""
    passwords = [generate_password() for _ in people]
    hashes = hash_initial_passwords(passwords)
    codes = {d.parent_code for d in units} | {d.unit_code for d in people}
    try:
        with transaction.atomic():
            existing = {u.code: u for u in Unit.objects.filter(code__in=codes - {""})}
            created = create_units(units, existing)
            create_people(people, hashes, created, now)
    except IntegrityError:  # somebody else took a code or username meanwhile
        message = (
            "导入时发现单位编码或用户名刚被占用（可能有人同时在导入），未导入任何数据，请重新上传。"
        )
        return ImportResult(errors=[RowError(message)])
    new_people = [
        NewPerson(draft.username, draft.full_name, password)
        for draft, password in zip(people, passwords, strict=True)
    ]
    return ImportResult(units_created=len(units), people=new_people)


def import_people(file: IO[bytes], *, now: datetime, by=None) -> ImportResult:
    """Imports units and people from an .xlsx file: everything, or nothing when any row is wrong.
    One audit entry (file, rows, who) on the first person's unit (or the first new unit)."""
    sheets, errors = read_sheets_as_text(file)
    if errors:
        return ImportResult(errors=errors)
    units, people, errors = validate(sheets)
    if errors:
        return ImportResult(errors=errors)
    result = write(units, people, now=now)
    if result.ok:
        sync_all(now=now)  # the new people join the audiences they belong to
        _audit_import(file, units, people, by)
    return result


def _audit_import(file, units: list, people: list, by) -> None:
    code = people[0].unit_code if people else units[0].code if units else None
    unit = Unit.objects.filter(code=code).first() if code else None
    if unit is not None:
        audit(
            unit, PEOPLE_IMPORT_ACTION, user=by, file=getattr(file, "name", ""),
            rows=len(units) + len(people), units=len(units), people=len(people),
        )  # fmt: skip
