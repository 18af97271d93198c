"""Report pages for platform and unit administrators: a programme's figures for a unit.

Every view asks ``learning.permissions``: people who administer nothing get 403, a unit outside the
user's trees is 404 — on the page, the Excel export and the JSON chart data alike.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from common.excel import xlsx_response
from learning import permissions, reports
from learning.models import Programme, ProgrammeItem, Unit
from quizzes.models import Quiz

PEOPLE_PER_PAGE = 50


def _require_reports(user) -> None:
    if not permissions.can_see_reports(user):
        raise PermissionDenied("只有平台管理员和单位管理员可以查看统计报表。")


# Formatting -----------------------------------------------------------------------------------


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def number(value: Decimal | None, places: int = 1) -> str:
    return "—" if value is None else f"{value:.{places}f}"


@dataclass(frozen=True)
class Shown:
    """One group's figures formatted for the page."""

    enrolled: int
    active: int
    completed: int
    participation: str
    completion: str
    completion_width: str
    hours: str
    exam: str
    passing: str
    score: str

    @classmethod
    def of(cls, figures: reports.Figures) -> "Shown":
        rate = figures.completion_rate
        return cls(
            enrolled=figures.enrolled,
            active=figures.active,
            completed=figures.completed,
            participation=percent(figures.participation_rate),
            completion=percent(rate),
            completion_width=f"{rate or 0:.1f}",
            hours=number(figures.average_hours),
            exam=percent(figures.exam_rate),
            passing=percent(figures.pass_rate),
            score=number(figures.average_score),
        )


# The filter form ------------------------------------------------------------------------------


class ReportForm(forms.Form):
    unit = forms.TypedChoiceField(label="单位", coerce=int, required=False)
    quiz = forms.ModelChoiceField(
        label="测试", queryset=Quiz.objects.none(), required=False, empty_label="全部测试"
    )
    as_of = forms.DateField(
        label="统计截至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    figures = forms.ChoiceField(
        label="口径",
        choices=[("total", "含下级单位"), ("own", "仅本单位")],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, data, *, programme: Programme, units: list[Unit]) -> None:
        super().__init__(data)
        self.fields["unit"].choices = [(u.pk, "\u3000" * (u.depth - 1) + u.name) for u in units]
        quiz_ids = programme.items.filter(kind=ProgrammeItem.Kind.QUIZ).values("quiz_id")
        self.fields["quiz"].queryset = Quiz.objects.filter(pk__in=quiz_ids).order_by("title")

    def value(self, name: str, default=None):
        """The cleaned value, or ``default`` when the field is empty or invalid."""
        if not self.is_valid() and name in self.errors:
            return default
        return self.cleaned_data.get(name) or default


def _report_scope(request, programme_pk: int) -> tuple[reports.ReportScope, ReportForm]:
    """The programme, the (visible) unit, the day and the quiz asked for; 403/404 otherwise."""
    _require_reports(request.user)
    programme = get_object_or_404(Programme, pk=programme_pk)
    if request.GET.get("unit"):
        unit = permissions.get_visible_unit(request.user, request.GET["unit"])
    else:
        unit = permissions.top_units(request.user).first()
        if unit is None:
            raise Http404("还没有可查看的单位。")
    units = list(permissions.visible_units(request.user).order_by("path").only("name", "depth"))
    data = {"unit": unit.pk, "figures": "total", **request.GET.dict()}
    form = ReportForm(data, programme=programme, units=units)
    as_of = form.value("as_of", timezone.localdate())
    scope = reports.ReportScope(programme, unit, as_of, form.value("quiz"))
    return scope, form


def _query(scope: reports.ReportScope, **extra) -> str:
    """The report's parameters as a query string; an empty value in ``extra`` drops that key."""
    params = {"unit": scope.unit.pk, "as_of": scope.as_of.isoformat()}
    if scope.quiz:
        params["quiz"] = scope.quiz.pk
    merged = {**params, **extra}
    return urlencode({key: value for key, value in merged.items() if value != ""})


# Views ----------------------------------------------------------------------------------------


@login_required
@require_GET
def report_index(request):
    """The programmes, each with links to the units the user may start from."""
    _require_reports(request.user)
    return render(
        request,
        "learning/reports/index.html",
        {
            "programmes": Programme.objects.order_by("-starts_on", "title"),
            "units": list(permissions.top_units(request.user)),
        },
    )


@login_required
@require_GET
def unit_report(request, programme_pk: int):
    """The figures of a unit and every unit below it, a chart and who has not finished."""
    scope, form = _report_scope(request, programme_pk)
    report = reports.unit_report(scope)
    show_own = form.value("figures") == "own"
    rows = [(row, Shown.of(row.own if show_own else row.total)) for row in report.rows]
    page = Paginator(reports.unfinished_enrollments(scope), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    figures = reports.person_figures(scope, user_ids=[e.user_id for e in page])
    context = {
        "scope": scope,
        "form": form,
        "summary": Shown.of(report.summary),
        "rows": rows,
        "chart": [(row, Shown.of(row.total)) for row in report.chart_rows],
        "show_own": show_own,
        "page": page,
        "people": [(e, figures.get(e.user_id, reports.PersonFigures())) for e in page],
        "report_query": _query(scope, figures="own" if show_own else "total"),
        "unit_query": _query(scope, figures="own" if show_own else "total", unit=""),
        "export_query": _query(scope),
        "ancestors": _breadcrumb_units(request.user, scope.unit),
        "note": reports.report_note(scope),
    }
    return render(request, "learning/reports/unit_report.html", context)


def _breadcrumb_units(user, unit: Unit) -> list[Unit]:
    """The unit's ancestors that the user may open (one query)."""
    return [a for a in unit.get_ancestors() if permissions.can_see_unit(user, a)]


@login_required
@require_GET
def export(request, programme_pk: int):
    """The report as an Excel file: "统计" and "名单"."""
    scope, _ = _report_scope(request, programme_pk)
    content = reports.export_workbook(reports.unit_report(scope))
    filename = f"{scope.programme.title}-{scope.unit.name}-学习统计-{_day(scope.as_of)}.xlsx"
    return xlsx_response(content, filename)


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


@login_required
@require_GET
def chart(request, programme_pk: int):
    """Completion by unit as JSON (the same scoping as the page)."""
    scope, _ = _report_scope(request, programme_pk)
    return JsonResponse(reports.chart_data(reports.unit_report(scope)))
