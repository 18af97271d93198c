"""Report pages for platform and unit administrators: a programme's figures for a unit, its name
lists, the same as Excel, and resetting a learner's password.

Every view asks ``learning.permissions``: people who administer nothing get 403; a unit (or a
person) outside the user's trees gets a page saying so, with status 404 — on the page, the
Excel export and the JSON chart data alike.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST
from wagtail.log_actions import log

from common.excel import xlsx_response
from learning import permissions, reports
from learning.models import Enrollment, LearnerProfile, Programme, ProgrammeItem, Unit
from learning.services import people
from learning.services.base import RESET_PASSWORD_ACTION, display_name
from quizzes.models import Quiz

PEOPLE_PER_PAGE = 50
RESET_ACTION = RESET_PASSWORD_ACTION


class OutOfScope(Exception):
    """The unit or person asked for does not exist or lies outside the user's units."""


def report_page(view):
    """Login, report access (403) and scope (a page that says so, status 404)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_see_reports(request.user):
            raise PermissionDenied("只有平台管理员和单位管理员可以查看统计报表。")
        try:
            return view(request, *args, **kwargs)
        except OutOfScope as error:
            context = {"message": str(error)}
            return render(request, "learning/reports/out_of_scope.html", context, status=404)

    return wrapper


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
    regulation_hours: str
    exam: str
    passed: int
    failed: int
    pending: int
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
            regulation_hours=number(figures.average_regulation_hours),
            exam=percent(figures.exam_rate),
            passed=figures.passed,
            failed=figures.failed,
            pending=figures.pending,
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
    roster = forms.ChoiceField(label="名单", choices=list(reports.ROSTERS.items()), required=False)

    def __init__(self, data, *, programme: Programme, units: list[Unit]) -> None:
        super().__init__(data)
        self.fields["unit"].choices = [(u.pk, "\u3000" * (u.depth - 1) + u.name) for u in units]
        quiz_ids = programme.items.filter(kind=ProgrammeItem.Kind.QUIZ).values("quiz_id")
        self.fields["quiz"].queryset = Quiz.objects.filter(pk__in=quiz_ids).order_by("title")

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of")
        if day and day > timezone.localdate():
            raise forms.ValidationError("统计截至日期不能晚于今天，已按今天统计。")
        return day

    def value(self, name: str, default=None):
        """The cleaned value, or ``default`` when the field is empty or invalid."""
        if not self.is_valid() and name in self.errors:
            return default
        return self.cleaned_data.get(name) or default


@dataclass(frozen=True)
class Options:
    """Everything the page was asked for; the Excel export follows all of it."""

    scope: reports.ReportScope
    own: bool
    roster: str

    def query(self, **extra) -> str:
        """The options as a query string; an empty value in ``extra`` drops that key."""
        scope = self.scope
        params = {
            "unit": scope.unit.pk,
            "as_of": scope.as_of.isoformat(),
            "quiz": scope.quiz.pk if scope.quiz else "",
            "figures": "own" if self.own else "total",
            "roster": self.roster,
        }
        merged = {**params, **extra}
        return urlencode({key: value for key, value in merged.items() if value != ""})


def visible_unit(user, pk) -> Unit:
    unit = Unit.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if unit is None or not permissions.can_see_unit(user, unit):
        raise OutOfScope(
            "找不到该单位，或该单位不在您的管理范围内。请从“统计报表”页选择您管理的单位。"
        )
    return unit


def report_options(request, programme_pk: int) -> tuple[Options, ReportForm]:
    """The programme, the (visible) unit, the day, the quiz, the basis and the name list."""
    programme = get_object_or_404(Programme, pk=programme_pk)
    if request.GET.get("unit"):
        unit = visible_unit(request.user, request.GET["unit"])
    else:
        unit = permissions.top_units(request.user).first()
        if unit is None:
            raise OutOfScope("还没有可查看的单位。")
    units = list(permissions.visible_units(request.user).order_by("path").only("name", "depth"))
    data = {"unit": unit.pk, "figures": "total", "roster": "unfinished", **request.GET.dict()}
    form = ReportForm(data, programme=programme, units=units)
    scope = reports.ReportScope(
        programme, unit, form.value("as_of", timezone.localdate()), form.value("quiz")
    )
    options = Options(scope, form.value("figures") == "own", form.value("roster", "unfinished"))
    return options, form


# Views ----------------------------------------------------------------------------------------


@require_GET
@report_page
def report_index(request):
    """The programmes, each with links to the units the user may start from."""
    return render(
        request,
        "learning/reports/index.html",
        {
            "programmes": Programme.objects.order_by("-starts_on", "title"),
            "units": list(permissions.top_units(request.user)),
        },
    )


@require_GET
@report_page
def unit_report(request, programme_pk: int):
    """The figures of a unit and every unit below it, a chart and a name list."""
    options, form = report_options(request, programme_pk)
    scope = options.scope
    report = reports.unit_report(scope)
    shown = [(row, Shown.of(row.own if options.own else row.total)) for row in report.rows]
    chart = [(row, Shown.of(row.total)) for row in report.chart_rows]
    chart.sort(key=lambda pair: (-(pair[0].total.completion_rate or -1), pair[0].unit.path))
    context = {
        "scope": scope,
        "form": form,
        "options": options,
        "summary": Shown.of(report.summary),
        "rows": shown,
        "chart": chart,
        **roster_page(options, request.GET.get("page")),
        "report_query": options.query(),
        "unit_query": options.query(unit=""),
        "ancestors": _breadcrumb_units(request.user, scope.unit),
        "note": reports.report_note(scope),
    }
    return render(request, "learning/reports/unit_report.html", context)


def roster_page(options: Options, page_number) -> dict:
    """One page of the chosen name list with each person's figures (constant queries)."""
    ids, figures = reports.roster(options.scope, options.roster)
    page = Paginator(ids, PEOPLE_PER_PAGE).get_page(page_number)
    enrollments = reports.enrollments_of(options.scope, list(page))
    if figures is None:
        figures = reports.person_figures(options.scope, user_ids=[e.user_id for e in enrollments])
    people = [
        RosterLine(e, figures.get(e.user_id, reports.PersonFigures()), options.scope.completed(e))
        for e in enrollments
    ]
    return {"page": page, "people": people, "roster_title": reports.ROSTERS[options.roster]}


@dataclass(frozen=True)
class RosterLine:
    enrollment: Enrollment
    figures: reports.PersonFigures
    completed: bool  # by the end of the report's day


def _breadcrumb_units(user, unit: Unit) -> list[Unit]:
    """The unit's ancestors that the user may open (one query)."""
    return [a for a in unit.get_ancestors() if permissions.can_see_unit(user, a)]


@require_GET
@report_page
def export(request, programme_pk: int):
    """The report as an Excel file, as the page shows it: "统计" and the chosen "名单"."""
    options, _ = report_options(request, programme_pk)
    scope = options.scope
    content = reports.export_workbook(
        reports.unit_report(scope), own=options.own, roster_kind=options.roster
    )
    filename = f"{scope.programme.title}-{scope.unit.name}-学习统计-{_day(scope.as_of)}.xlsx"
    return xlsx_response(content, filename)


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


@require_GET
@report_page
def chart(request, programme_pk: int):
    """Completion by unit as JSON (the same scoping as the page)."""
    options, _ = report_options(request, programme_pk)
    return JsonResponse(reports.chart_data(reports.unit_report(options.scope)))


@require_POST
@report_page
def reset_password(request, user_id: int):
    """A new initial password for a learner in the administrator's units, shown once; the
    person must change it at their next log-in. Recorded in the audit log."""
    profile = LearnerProfile.objects.select_related("user", "unit").filter(user_id=user_id).first()
    if profile is None or not permissions.can_see_unit(request.user, profile.unit):
        raise OutOfScope("找不到该人员，或该人员不在您管理的单位中。")
    with transaction.atomic():  # no reset without its audit record
        password = people.reset_password(user=profile.user)
        log(
            instance=profile.user, action=RESET_ACTION, user=request.user,
            data={"username": profile.user.get_username(), "learner": display_name(profile.user)},
        )  # fmt: skip
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("learning:reports")
    context = {"person": profile.user, "unit": profile.unit, "password": password, "back": back}
    response = render(request, "learning/reports/password_reset.html", context)
    response["Cache-Control"] = "no-store"  # the password must not stay in any cache
    return response
