"""Unit reports of a programme: the figures (``figures``, one SQL statement per report) and
their Excel file (``export``)."""

from learning.reports.export import export_workbook, report_note, summary_values, unfinished_rows
from learning.reports.figures import (
    Figures,
    PersonFigures,
    ReportScope,
    UnitReport,
    UnitRow,
    chart_data,
    own_figures,
    person_figures,
    unfinished_enrollments,
    unit_report,
)

__all__ = [
    "Figures",
    "PersonFigures",
    "ReportScope",
    "UnitReport",
    "UnitRow",
    "chart_data",
    "export_workbook",
    "own_figures",
    "person_figures",
    "report_note",
    "summary_values",
    "unfinished_enrollments",
    "unfinished_rows",
    "unit_report",
]
