"""Essay marking (阅卷): the queue of answers waiting for a mark, the answers already marked, and
the marking page (question, rubric and reference answer beside the learner's answer).

Everything here needs ``change`` on ``Attempt`` (``quizzes.permissions.MARKING``).
"""

from decimal import Decimal
from functools import cached_property

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton

from common.admin import PolicyCheckedMixin, number, person, policy_menu_item
from quizzes import presenters, services
from quizzes.models import Attempt, AttemptQuestion, Question, Quiz
from quizzes.permissions import MARKING


def unmarked_rows():
    """Answers waiting for a marker: unscored rows of finished attempts, oldest first."""
    return (
        AttemptQuestion.objects.filter(score__isnull=True, attempt__status=Attempt.Status.FINISHED)
        .select_related("attempt__quiz", "attempt__user", "question")
        .order_by("attempt__finished_at", "attempt_id", "position")
    )


def next_unmarked(after: AttemptQuestion | None = None) -> AttemptQuestion | None:
    """The unmarked answer after ``after`` in queue order, else the oldest one left."""
    rows = unmarked_rows()
    if after is not None:
        rows = rows.exclude(pk=after.pk)
        finished, attempt_id = after.attempt.finished_at, after.attempt_id
        later = (
            Q(attempt__finished_at__gt=finished)
            | Q(attempt__finished_at=finished, attempt_id__gt=attempt_id)
            | Q(attempt__finished_at=finished, attempt_id=attempt_id, position__gt=after.position)
        )
        following = rows.filter(later).first()
        if following is not None:
            return following
    return rows.first()


def mark_url(row: AttemptQuestion) -> str:
    return reverse("quiz_marking:mark", args=(row.pk,))


class MarkingFilterSet(WagtailFilterSet):
    quiz = django_filters.ModelChoiceFilter(
        label="测试", field_name="attempt__quiz", queryset=Quiz.objects.order_by("title")
    )

    class Meta:
        model = AttemptQuestion
        fields: list[str] = []


class MarkingListView(PolicyCheckedMixin, generic.IndexView):
    """What both marking lists share: the permission, the filter and the columns."""

    model = AttemptQuestion
    permission_model = Attempt
    any_permission_required = MARKING
    filterset_class = MarkingFilterSet
    context_object_name = "rows"
    verbose_name = verbose_name_plural = "份答案"  # "5 份答案" under the list
    paginate_by = 50
    header_icon = "edit"

    def stem_column(self, label: str) -> TitleColumn:
        return TitleColumn(
            "stem",
            label=label,
            accessor=lambda row: f"第{row.position}题：{Truncator(row.question.stem).chars(50)}",
            get_url=mark_url,
        )

    @staticmethod
    def learner_column() -> Column:
        return Column("learner", label="作答人", accessor=lambda row: person(row.attempt.user))


class MarkingQueueView(MarkingListView):
    page_title = "阅卷"
    no_results_message = "目前没有待阅的答案。"
    index_url_name = "quiz_marking:queue"
    index_results_url_name = "quiz_marking:queue_results"

    def get_base_queryset(self):
        return unmarked_rows()

    def get_page_subtitle(self):
        return "待阅答案（按交卷时间从早到晚）"

    @cached_property
    def columns(self):
        return [
            self.stem_column("待阅答案"),
            DateColumn("finished_at", label="交卷时间", accessor="attempt.finished_at"),
            Column("quiz", label="测试", accessor="attempt.quiz.title"),
            self.learner_column(),
            Column("points", label="分值", accessor=lambda row: f"{number(row.points)} 分"),
        ]

    @cached_property
    def header_buttons(self):
        buttons = [HeaderButton("已阅列表", url=reverse("quiz_marking:done"), icon_name="tick")]
        first = unmarked_rows().first()
        if first is not None:
            buttons.insert(
                0, HeaderButton("从第一份开始阅卷", url=mark_url(first), icon_name="edit")
            )
        return buttons


class MarkedListView(MarkingListView):
    page_title = "已阅"
    no_results_message = "还没有人工阅卷记录。"
    header_icon = "tick"
    index_url_name = "quiz_marking:done"
    index_results_url_name = "quiz_marking:done_results"

    def get_base_queryset(self):
        return (
            AttemptQuestion.objects.filter(marked_at__isnull=False)
            .select_related("attempt__quiz", "attempt__user", "question", "marked_by")
            .order_by("-marked_at", "-pk")
        )

    def get_breadcrumbs_items(self):
        queue = {"url": reverse("quiz_marking:queue"), "label": "阅卷"}
        return [*self.breadcrumbs_items, queue, {"url": "", "label": "已阅"}]

    @cached_property
    def columns(self):
        return [
            self.stem_column("已阅答案"),
            DateColumn("marked_at", label="阅卷时间"),
            Column("marker", label="阅卷人", accessor=self.marker),
            Column("quiz", label="测试", accessor="attempt.quiz.title"),
            self.learner_column(),
            Column(
                "score",
                label="得分",
                accessor=lambda row: f"{number(row.score)} / {number(row.points)}",
            ),
            Column("marker_comment", label="阅卷意见", accessor=lambda r: r.marker_comment or "—"),
        ]

    @staticmethod
    def marker(row: AttemptQuestion) -> str:
        return person(row.marked_by) if row.marked_by else "（已删除）"


class MarkForm(forms.Form):
    """A marker's score (0 … the question's points) and comment for one essay answer."""

    comment = forms.CharField(
        label="阅卷意见",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, points: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        top = format(points.normalize(), "f")
        score = forms.DecimalField(
            label="得分",
            min_value=Decimal(0),
            max_value=points,
            max_digits=5,
            decimal_places=2,
            help_text=f"0 到 {top} 分。",
            error_messages={
                "min_value": "得分不能小于 0。",
                "max_value": f"得分不能超过本题分值 {top} 分。",
            },
        )
        self.fields = {"score": score, **self.fields}


class MarkView(PolicyCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """One essay answer beside its question, rubric and reference answer, with a score form."""

    permission_model = Attempt
    any_permission_required = MARKING
    template_name = "quizzes/admin_quiz/mark.html"
    form_class = MarkForm
    page_title = "阅卷"
    header_icon = "edit"

    @cached_property
    def row(self) -> AttemptQuestion:
        return get_object_or_404(
            AttemptQuestion.objects.select_related("attempt__quiz", "attempt__user", "marked_by"),
            pk=self.kwargs["pk"],
            attempt__status=Attempt.Status.FINISHED,
        )

    def get_page_subtitle(self):
        return (
            f"{self.row.attempt.quiz} · {person(self.row.attempt.user)} · 第{self.row.position}题"
        )

    def get_breadcrumbs_items(self):
        queue = {"url": reverse("quiz_marking:queue"), "label": "阅卷"}
        return [*self.breadcrumbs_items, queue, {"url": "", "label": self.get_page_subtitle()}]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["points"] = self.row.points
        if self.row.score is not None:
            kwargs["initial"] = {"score": self.row.score, "comment": self.row.marker_comment}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.row.question = Question.objects.get(pk=self.row.question_id)
        following = next_unmarked(after=self.row)
        context.update(
            row=self.row,
            question=self.row.question,
            learner=person(self.row.attempt.user),
            answer=presenters.response_display(self.row),
            skip_url=mark_url(following) if following else None,
            pending=unmarked_rows().count(),
        )
        return context

    def form_valid(self, form):
        try:
            services.mark_answer(
                row_id=self.row.pk,
                marker=self.request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                now=timezone.now(),
            )
        except services.QuizError as error:
            form.add_error("score", str(error))
            return self.form_invalid(form)
        score = form.cleaned_data["score"].normalize()
        messages.success(self.request, f"已保存：{self.get_page_subtitle()}，{score:f} 分。")
        following = next_unmarked(after=self.row)
        if following is None:
            messages.success(self.request, "待阅答案已全部阅完。")
            return redirect("quiz_marking:queue")
        return redirect(mark_url(following))


class MarkingViewSet(ViewSet):
    name = "quiz_marking"
    url_prefix = "quiz-marking"
    icon = "edit"
    menu_label = "阅卷"
    menu_item_class = policy_menu_item(Attempt, MARKING)

    def get_urlpatterns(self):
        return [
            path("", MarkingQueueView.as_view(), name="queue"),
            path("results/", MarkingQueueView.as_view(results_only=True), name="queue_results"),
            path("done/", MarkedListView.as_view(), name="done"),
            path("done/results/", MarkedListView.as_view(results_only=True), name="done_results"),
            path("<int:pk>/", MarkView.as_view(), name="mark"),
        ]
