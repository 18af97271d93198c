"""Question versions in the admin: the edit action that keeps the version papers hold, the
note on the edit form, the version history with the papers using each version, and the
re-grade (dry run, then confirm).

The history needs any permission on questions; re-grading changes results, so it needs
``change`` on ``Attempt`` (the markers' permission, ``quizzes.permissions.MARKING``).
"""

from functools import cached_property

from django.contrib import messages
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.generic import TemplateView
from wagtail.actions.edit import EditAction
from wagtail.admin.panels import Panel
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import Button

from common.admin import PolicyCheckedMixin, has_any_permission
from quizzes import services
from quizzes.admin.bank_import import URL_PREFIX
from quizzes.models import Attempt, AttemptQuestion, Question
from quizzes.permissions import MARKING

QUESTION_ACTIONS = frozenset({"add", "change", "delete", "view"})


class QuestionEditAction(EditAction):
    """Saving an edited question first keeps, for the papers that hold it, the version they
    were drawn with (``services.keep_paper_version``), in the same transaction."""

    def _save_instance(self):
        services.keep_paper_version(question=self.instance, now=timezone.now(), user=self.user)
        super()._save_instance()


def paper_counts(question_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Question id → (papers in progress, papers handed in), one query."""
    running = Q(attempt__status=Attempt.Status.IN_PROGRESS)
    rows = (
        AttemptQuestion.objects.filter(question_id__in=question_ids)
        .values("question_id")
        .annotate(running=Count("pk", filter=running), finished=Count("pk", filter=~running))
    )
    return {r["question_id"]: (r["running"], r["finished"]) for r in rows}


PAPERS_SHOWN = 50


def papers_of(question_ids: list[int]) -> dict[int, list[Attempt]]:
    """Question id → the latest papers holding it (at most ``PAPERS_SHOWN`` each), one query."""
    latest = Window(
        RowNumber(), partition_by="question_id", order_by=F("attempt__started_at").desc()
    )
    rows = (
        AttemptQuestion.objects.filter(question_id__in=question_ids)
        .annotate(rank=latest)
        .filter(rank__lte=PAPERS_SHOWN)
        .select_related("attempt__user", "attempt__quiz")
        .order_by("question_id", "rank")
    )
    papers: dict[int, list[Attempt]] = {}
    for row in rows:
        papers.setdefault(row.question_id, []).append(row.attempt)
    return papers


def versions_url(question: Question) -> str:
    return reverse("question_versions:history", args=(question.current_id or question.pk,))


def question_crumbs(question: Question) -> list[dict]:
    """题库 › the question (its edit page)."""
    edit_url = reverse(f"questions_{question.kind}:edit", args=(question.pk,))
    return [
        {"url": reverse("question_bank:index"), "label": "全部题目"},
        {"url": edit_url, "label": Truncator(question.stem).chars(24)},
    ]


class VersionPanel(Panel):
    """On the edit form: which version this is, how many papers hold it, and what saving does."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "quizzes/admin/version_panel.html"

        def is_shown(self):
            return self.instance.pk is not None

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            running, finished = paper_counts([self.instance.pk]).get(self.instance.pk, (0, 0))
            context.update(
                question=self.instance,
                running=running,
                finished=finished,
                older=self.instance.old_versions.count(),
                history_url=versions_url(self.instance),
            )
            return context


class QuestionEditView(generic.EditView):
    """A version kept for old papers is not edited: the history shows it instead."""

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_archived:
            messages.warning(request, "这是题目的历史版本，不能修改；请修改当前版本。")
            return redirect(versions_url(self.object))
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def header_more_buttons(self):
        history = Button("版本历史", url=versions_url(self.object), icon_name="history")
        return [*super().header_more_buttons, history]


# The history and the re-grade ------------------------------------------------------------------


class VersionsView(PolicyCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_model = Question
    any_permission_required = QUESTION_ACTIONS
    template_name = "quizzes/admin/question_versions.html"
    page_title = "版本历史"
    header_icon = "history"

    @cached_property
    def question(self) -> Question:
        return get_object_or_404(Question.objects.current(), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.question.stem[:40]

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            *question_crumbs(self.question),
            {"url": "", "label": "版本历史"},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = [self.question, *self.question.old_versions.order_by("-version")]
        counts = paper_counts([v.pk for v in versions])
        papers = papers_of([v.pk for v in versions])
        rows = [
            (v, *counts.get(v.pk, (0, 0)), v.is_archived and self.question.same_shape(v))
            for v in versions
        ]
        context["papers"] = papers
        context.update(
            question=self.question,
            rows=rows,
            can_regrade=has_any_permission(self.request.user, Attempt, MARKING),
        )
        return context


class RegradeView(PolicyCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: the dry run; POST with 确认: re-grade, record, and go back to the history."""

    permission_model = Attempt
    permission_required = "change"
    template_name = "quizzes/admin/regrade.html"
    page_title = "重新评分"
    header_icon = "redirect"

    @cached_property
    def version(self) -> Question:
        return get_object_or_404(
            Question.objects.filter(status=Question.Status.ARCHIVED), pk=self.kwargs["pk"]
        )

    def get_page_subtitle(self):
        return f"第 {self.version.version} 版"

    def get_breadcrumbs_items(self):
        current = Question.objects.get(pk=self.version.current_id)
        history = {"url": versions_url(self.version), "label": "版本历史"}
        crumbs = [*question_crumbs(current), history, {"url": "", "label": "重新评分"}]
        return [*self.breadcrumbs_items, *crumbs]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["plan"] = services.plan_regrade(version=self.version)
        except services.QuizError as error:
            context["refusal"] = str(error)
        context["history_url"] = versions_url(self.version)
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm") != "yes":
            messages.error(request, "请勾选确认后再执行重新评分。")
            return self.get(request, *args, **kwargs)
        try:
            plan = services.regrade(
                version_id=self.version.pk, user=request.user, now=timezone.now()
            )
        except services.QuizError as error:
            messages.error(request, str(error))
            return self.get(request, *args, **kwargs)
        messages.success(
            request,
            f"已按当前答案重新评分 {len(plan.lines)} 份答卷：{len(plan.changed)} 份得分改变，"
            f"{len(plan.verdicts)} 人的及格结论改变。记录已写入操作日志。",
        )
        return redirect(versions_url(self.version))


class QuestionVersionViewSet(ViewSet):
    """The history and re-grade pages (reached from a question's edit page, not the menu)."""

    name = "question_versions"
    url_prefix = f"{URL_PREFIX}/versions"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [
            path("<int:pk>/", VersionsView.as_view(), name="history"),
            path("<int:pk>/regrade/", RegradeView.as_view(), name="regrade"),
        ]
