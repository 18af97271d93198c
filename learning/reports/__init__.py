"""Unit reports of a programme: the figures (``figures``, one SQL statement per report) and
their Excel file (``export``)."""

from learning.reports.export import export_workbook, person_row, report_note, summary_values
from learning.reports.figures import (
    ROSTERS,
    Figures,
    PersonFigures,
    ReportScope,
    UnitReport,
    UnitRow,
    chart_data,
    enrolled,
    enrollments_of,
    own_figures,
    person_figures,
    roster,
    unfinished_enrollments,
    unit_report,
)

__all__ = [
    "ROSTERS",
    "Figures",
    "PersonFigures",
    "ReportScope",
    "UnitReport",
    "UnitRow",
    "chart_data",
    "enrolled",
    "enrollments_of",
    "export_workbook",
    "own_figures",
    "person_figures",
    "person_row",
    "report_note",
    "roster",
    "summary_values",
    "unfinished_enrollments",
    "unit_report",
]
