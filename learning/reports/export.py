"""A unit report as Excel: "统计" (rolled-up figures, indented by depth) and "名单" (who has not
finished), written in openpyxl's write-only mode so a city's report streams in bounded memory."""

from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from openpyxl import Workbook

from common.excel import BOLD, cell, header_row, safe_row, workbook_bytes
from learning.models import Rank
from learning.reports.figures import (
    HUNDRED,
    PersonFigures,
    ReportScope,
    UnitReport,
    UnitRow,
    person_figures,
    unfinished_enrollments,
)

SUMMARY_SHEET = "统计"
NAMES_SHEET = "名单"
SUMMARY_HEADERS = [
    "单位", "单位编码", "报名人数", "参学人数", "参学率", "完成人数", "完成率", "人均学时",
    "参考人数", "参考率", "合格人数", "合格率", "平均分",
]  # fmt: skip
SUMMARY_WIDTHS = (30, 12, 10, 10, 9, 10, 9, 10, 10, 9, 10, 9, 9)
NAMES_HEADERS = [
    "单位", "姓名", "用户名", "职级类别", "职务", "手机号码", "已修学时", "测试情况", "最好成绩",
]  # fmt: skip
NAMES_WIDTHS = (26, 12, 16, 10, 22, 14, 10, 10, 10)
RANK_LABELS = dict(Rank.choices)


def _fraction(rate: Decimal | None) -> float | None:
    return None if rate is None else float(rate / HUNDRED)


def summary_values(row: UnitRow) -> list:
    """The figures of a "统计" row: counts, rates as fractions (shown as %), hours, score."""
    f = row.total
    average_hours = f.average_hours
    score = f.average_score
    return [
        f.enrolled, f.active, _fraction(f.participation_rate), f.completed,
        _fraction(f.completion_rate), None if average_hours is None else round(float(average_hours), 2),
        f.took, _fraction(f.exam_rate), f.passed, _fraction(f.pass_rate),
        None if score is None else round(float(score), 1),
    ]  # fmt: skip


def _summary_sheet(workbook: Workbook, report: UnitReport) -> None:
    sheet = workbook.create_sheet(SUMMARY_SHEET)
    scope = report.scope
    headers = header_row(sheet, SUMMARY_HEADERS, SUMMARY_WIDTHS)
    sheet.freeze_panes = "B4"
    sheet.append(
        [cell(sheet, f"{scope.programme.title} · {scope.unit.name} 学习情况统计", font=BOLD)]
    )
    sheet.append([f"统计截至 {scope.as_of:%Y-%m-%d}(含下级单位);{report_note(scope)}"])
    sheet.append(headers)
    formats = [None, None, "0.0%", None, "0.0%", "0.0", None, "0.0%", None, "0.0%", "0.0"]
    for row in report.rows:
        values = summary_values(row)
        sheet.append(
            [
                cell(sheet, row.unit.name, indent=row.level),
                row.unit.code,
                *[cell(sheet, v, number_format=f) for v, f in zip(values, formats, strict=True)],
            ]
        )


def report_note(scope: ReportScope) -> str:
    exam = f"测试:{scope.quiz.title}" if scope.quiz else "测试:本项目全部测试"
    return f"{exam};学时按每 {getattr(settings, 'LEARNING_HOUR_MINUTES', 45)} 分钟计 1 学时"


def unfinished_rows(scope: ReportScope) -> Iterator[list]:
    """One row per person who has not finished, for the "名单" sheet (two queries in all)."""
    figures = person_figures(scope)
    for enrollment in unfinished_enrollments(scope).iterator(chunk_size=2000):
        user, profile = enrollment.user, enrollment.user.profile
        person = figures.get(user.pk, PersonFigures())
        yield [
            profile.unit.name, user.get_full_name(), user.get_username(),
            RANK_LABELS.get(profile.rank, ""), profile.position, profile.phone,
            round(float(person.hours), 2), person.exam_status,
            None if person.percent is None else round(float(person.percent), 1),
        ]  # fmt: skip


def _names_sheet(workbook: Workbook, scope: ReportScope) -> None:
    sheet = workbook.create_sheet(NAMES_SHEET)
    headers = header_row(sheet, NAMES_HEADERS, NAMES_WIDTHS)
    sheet.freeze_panes = "A2"
    sheet.append(headers)
    for values in unfinished_rows(scope):
        sheet.append(safe_row(sheet, values))


def export_workbook(report: UnitReport) -> bytes:
    """The report as .xlsx: "统计" (rolled-up figures, indented by depth) and "名单"."""
    workbook = Workbook(write_only=True)
    _summary_sheet(workbook, report)
    _names_sheet(workbook, report.scope)
    return workbook_bytes(workbook)
