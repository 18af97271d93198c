"""Quiz statistics (成绩统计): every quiz's finished and to-be-marked attempts, one quiz's
summary, score distribution and item analysis, and the same as an Excel file.

Everything here needs ``view`` or ``change`` on ``Attempt`` (``quizzes.permissions.STATISTICS``).
"""

from functools import cached_property

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView, View
from openpyxl.styles import Alignment
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton

from common.admin import PolicyCheckedMixin, local, policy_menu_item
from common.excel import (
    BOLD,
    header_row,
    new_workbook,
    safe_row,
    workbook_bytes,
    xlsx_response,
)
from quizzes import selectors, statistics
from quizzes.models import Attempt, Quiz
from quizzes.permissions import STATISTICS


def chart_bars(bands: list[int]) -> list[dict]:
    """The distribution as bars: label, count and height in % of the tallest band."""
    tallest = max(bands, default=0) or 1
    return [
        {"label": label, "count": count, "height": round(count * 100 / tallest)}
        for label, count in zip(statistics.band_labels(), bands, strict=True)
    ]


class StatisticsMixin(PolicyCheckedMixin):
    permission_model = Attempt
    any_permission_required = STATISTICS


class StatisticsIndexView(StatisticsMixin, generic.IndexView):
    """Every quiz with its finished and to-be-marked attempts, linking to its statistics."""

    model = Quiz
    page_title = "成绩统计"
    header_icon = "table"
    context_object_name = "quizzes"
    paginate_by = 50
    list_filter = ["mode"]
    index_url_name = "quiz_statistics:index"
    index_results_url_name = "quiz_statistics:index_results"
    no_results_message = "还没有测试。"

    def get_base_queryset(self):
        finished = Q(attempts__status=Attempt.Status.FINISHED)
        return Quiz.objects.annotate(
            finished_count=Count("attempts", filter=finished),
            pending_count=Count("attempts", filter=finished & Q(attempts__pending_marking=True)),
            participant_count=Count("attempts__user", filter=finished, distinct=True),
        ).order_by("-created_at")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label="测试",
                get_url=lambda quiz: reverse("quiz_statistics:quiz", args=(quiz.pk,)),
            ),
            Column("mode", label="类型", accessor="get_mode_display"),
            Column("finished_count", label="已交卷人次", sort_key="finished_count"),
            Column("participant_count", label="参与人数", sort_key="participant_count"),
            Column("pending_count", label="待阅卷", sort_key="pending_count"),
        ]


class QuizStatisticsView(StatisticsMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "quizzes/admin_quiz/statistics.html"
    page_title = "成绩统计"
    header_icon = "table"

    @cached_property
    def quiz(self) -> Quiz:
        return get_object_or_404(Quiz, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.quiz.title

    def get_breadcrumbs_items(self):
        index = {"url": reverse("quiz_statistics:index"), "label": "成绩统计"}
        return [*self.breadcrumbs_items, index, {"url": "", "label": self.quiz.title}]

    def get_header_buttons(self):
        url = reverse("quiz_statistics:export", args=(self.quiz.pk,))
        return [HeaderButton("导出 Excel", url=url, icon_name="download")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = selectors.quiz_report(self.quiz)
        context.update(report=report, summary=report.summary, bars=chart_bars(report.summary.bands))
        return context


class StatisticsExportView(StatisticsMixin, View):
    def get(self, request, pk):
        quiz = get_object_or_404(Quiz, pk=pk)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        content = statistics_workbook(selectors.quiz_report(quiz))
        return xlsx_response(content, f"成绩统计-{quiz.title}-{stamp}.xlsx")


ITEM_HEADERS = ["题号", "题干", "题型", "作答次数", "难度系数", "区分度"]
ITEM_WIDTHS = (8, 60, 10, 10, 12, 12)
PERCENT = "0.0%"


def statistics_workbook(report: selectors.QuizReport) -> bytes:
    """Sheets 概况 (summary figures and distribution) and 题目分析 (one row per question)."""
    book = new_workbook()
    _summary_sheet(book.active, report)
    _items_sheet(book.create_sheet("题目分析"), report.items)
    return workbook_bytes(book)


def _summary_sheet(sheet, report: selectors.QuizReport) -> None:
    summary = report.summary
    sheet.title = "概况"
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 18, 40
    rows = [
        ("测试名称", report.quiz.title),
        ("导出时间", local(timezone.now())),
        ("已交卷人次", summary.attempts),
        ("参与人数", summary.participants),
        ("已评分人次", summary.graded),
        ("待阅卷人次", summary.pending),
        ("平均分", _number(summary.average_score)),
        ("平均得分率", _fraction(summary.average_percent)),
        ("答卷及格率", _fraction(summary.pass_rate)),
    ]
    for row in rows:
        sheet.append(safe_row(sheet, row))
    for cell in sheet["B"][-2:]:
        cell.number_format = PERCENT
    sheet.append(())
    sheet.append(header_row(sheet, ["分数段（得分率）", "人次"], (18, 40)))
    for label, count in zip(statistics.band_labels(), summary.bands, strict=True):
        sheet.append((label, count))
    for row in sheet.iter_rows(min_col=1, max_col=1):
        row[0].font = BOLD


def _items_sheet(sheet, items: list[selectors.ItemRow]) -> None:
    sheet.append(header_row(sheet, ITEM_HEADERS, ITEM_WIDTHS))
    for item in items:
        stats = item.stats
        values = [item.number, item.stem, item.type_label, stats.responses]
        values += [_fraction(stats.facility), _fraction(stats.discrimination)]
        sheet.append(safe_row(sheet, values))
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = PERCENT
            cell.alignment = Alignment(horizontal="right")
    sheet.freeze_panes = "A2"


def _number(value):
    return None if value is None else float(round(value, 2))


def _fraction(percent):
    """A percentage (0…100) as the fraction Excel formats with %, or "—" when undefined."""
    return "—" if percent is None else float(percent) / 100


class StatisticsViewSet(ViewSet):
    name = "quiz_statistics"
    url_prefix = "quiz-statistics"
    icon = "table"
    menu_label = "成绩统计"
    menu_item_class = policy_menu_item(Attempt, STATISTICS)

    def get_urlpatterns(self):
        return [
            path("", StatisticsIndexView.as_view(), name="index"),
            path("results/", StatisticsIndexView.as_view(results_only=True), name="index_results"),
            path("<int:pk>/", QuizStatisticsView.as_view(), name="quiz"),
            path("<int:pk>/export/", StatisticsExportView.as_view(), name="export"),
        ]
