"""A unit report as Excel: "统计" (rolled-up figures, indented by depth) and "名单" (who has not
finished), written in openpyxl's write-only mode so a city's report streams in bounded memory."""

from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings

from common.excel import (
    BOLD,
    SafeWorkbook,
    cell,
    header_row,
    new_workbook,
    safe_row,
    workbook_bytes,
)
from learning.models import Rank
from learning.reports.figures import (
    HUNDRED,
    ROSTERS,
    PersonFigures,
    ReportScope,
    UnitReport,
    UnitRow,
    enrollments_of,
    person_figures,
    roster,
)

SUMMARY_SHEET = "统计"
NAMES_SHEET = "名单"
SUMMARY_HEADERS = [
    "单位", "单位编码", "报名人数", "参学人数", "参学率", "完成人数", "完成率", "人均学时",
    "人均法规纪律学时", "参考人数", "参考率", "合格人数", "未合格人数", "待阅卷人数", "合格率",
    "平均分",
]  # fmt: skip
SUMMARY_WIDTHS = (30, 12, 10, 10, 9, 10, 9, 10, 16, 10, 9, 10, 11, 11, 9, 9)
SUMMARY_FORMATS = [
    None, None, "0.0%", None, "0.0%", "0.0", "0.0", None, "0.0%", None, None, None, "0.0%", "0.0",
]  # fmt: skip
NAMES_HEADERS = [
    "单位", "姓名", "用户名", "职级类别", "职务", "手机号码", "已修学时", "其中法规纪律学时",
    "测试情况", "最好成绩", "结业",
]  # fmt: skip
NAMES_WIDTHS = (26, 12, 16, 10, 22, 14, 10, 14, 10, 10, 12)
RANK_LABELS = dict(Rank.choices)


def _fraction(rate: Decimal | None) -> float | None:
    return None if rate is None else float(rate / HUNDRED)


def _round(value: Decimal | None, places: int) -> float | None:
    return None if value is None else round(float(value), places)


def summary_values(row: UnitRow, *, own: bool = False) -> list:
    """The figures of a "统计" row: counts, rates as fractions (shown as %), hours, score."""
    f = row.own if own else row.total
    return [
        f.enrolled, f.active, _fraction(f.participation_rate), f.completed,
        _fraction(f.completion_rate), _round(f.average_hours, 2),
        _round(f.average_regulation_hours, 2), f.took, _fraction(f.exam_rate), f.passed,
        f.failed, f.pending, _fraction(f.pass_rate), _round(f.average_score, 1),
    ]  # fmt: skip


def _summary_sheet(workbook: SafeWorkbook, report: UnitReport, *, own: bool) -> None:
    sheet = workbook.create_sheet(SUMMARY_SHEET)
    scope = report.scope
    headers = header_row(sheet, SUMMARY_HEADERS, SUMMARY_WIDTHS)
    sheet.freeze_panes = "B4"
    sheet.append(
        [cell(sheet, f"{scope.programme.title} · {scope.unit.name} 学习情况统计", font=BOLD)]
    )
    basis = "仅本单位人员" if own else "含下级单位"
    sheet.append([f"统计截至 {scope.as_of:%Y-%m-%d}({basis});{report_note(scope)}"])
    sheet.append(headers)
    for row in report.rows:
        values = summary_values(row, own=own)
        sheet.append(
            [
                cell(sheet, row.unit.name, indent=row.level),
                row.unit.code,
                *[
                    cell(sheet, v, number_format=f)
                    for v, f in zip(values, SUMMARY_FORMATS, strict=True)
                ],
            ]
        )


def report_note(scope: ReportScope) -> str:
    exam = f"测试：{scope.quiz.title}" if scope.quiz else "测试：本项目全部测试"
    minutes = getattr(settings, "LEARNING_HOUR_MINUTES", 45)
    return f"{exam}；学时按每 {minutes} 分钟计 1 学时；合格率按已阅卷人数计算，待阅卷人员另列"


def roster_rows(scope: ReportScope, kind: str) -> Iterator[list]:
    """One row per person of the name list ``kind`` (``ROSTERS``), for the "名单" sheet."""
    ids, figures = roster(scope, kind)
    figures = figures if figures is not None else person_figures(scope)
    for start in range(0, len(ids), 2000):
        for enrollment in enrollments_of(scope, ids[start : start + 2000]):
            yield person_row(scope, enrollment, figures.get(enrollment.user_id, PersonFigures()))


def person_row(scope: ReportScope, enrollment, person: PersonFigures) -> list:
    user, profile = enrollment.user, enrollment.user.profile
    done = scope.completed(enrollment)
    return [
        profile.unit.name, user.get_full_name(), user.get_username(),
        RANK_LABELS.get(profile.rank, ""), profile.position, profile.phone,
        round(float(person.hours), 2), round(float(person.regulation_hours), 2),
        person.exam_status, None if person.percent is None else round(float(person.percent), 1),
        "已结业" if done else "未结业",
    ]  # fmt: skip


def _names_sheet(workbook: SafeWorkbook, scope: ReportScope, kind: str) -> None:
    sheet = workbook.create_sheet(NAMES_SHEET)
    sheet.freeze_panes = "A3"
    sheet.append([cell(sheet, f"{ROSTERS[kind]}", font=BOLD)])
    sheet.append(header_row(sheet, NAMES_HEADERS, NAMES_WIDTHS))
    for values in roster_rows(scope, kind):
        sheet.append(safe_row(sheet, values))


def export_workbook(
    report: UnitReport, *, own: bool = False, roster_kind: str = "unfinished"
) -> bytes:
    """The report as .xlsx, as the page shows it: "统计" (each unit's figures, with its sub-units
    or of its own people only, indented by depth) and "名单" (the chosen name list)."""
    workbook = new_workbook(write_only=True)
    _summary_sheet(workbook, report, own=own)
    _names_sheet(workbook, report.scope, roster_kind)
    return workbook_bytes(workbook)
