"""Admin of quizzes ("测试管理"): quizzes with their blueprints, essay marking and statistics.

Permissions:

* quizzes (测试/考试): Wagtail's model permissions on ``Quiz`` (add / change / delete / view);
* marking (阅卷): ``quizzes.change_attempt`` ("Can change 作答记录");
* statistics (成绩统计) and its Excel export: ``quizzes.view_attempt`` or
  ``quizzes.change_attempt``.

Admin users without the permission get 403 on the marking and statistics pages (and do not
see their menu items); people without admin access are sent to the login page by Wagtail.
Superusers have every permission. ``quizzes.admin_quizzes`` registers both attempt permissions
so they can be granted to groups in 设置 › 用户组.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django.views.generic import FormView, ListView, TemplateView, View
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permissions import policy_registry

from quizzes import presenters, services, statistics
from quizzes.excel import workbook_bytes
from quizzes.forms_quiz_admin import DrawRuleForm, MarkForm, QuizForm
from quizzes.models import QUESTION_TYPES, Attempt, AttemptQuestion, Category, Question, Quiz
from quizzes.views_admin import ProtectedDeleteView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARK_PERMISSIONS = {"change"}
STATISTICS_PERMISSIONS = {"view", "change"}


def can_mark(user) -> bool:
    return policy_registry.get_by_type(Attempt).user_has_any_permission(user, MARK_PERMISSIONS)


def can_see_statistics(user) -> bool:
    policy = policy_registry.get_by_type(Attempt)
    return policy.user_has_any_permission(user, STATISTICS_PERMISSIONS)


def type_labels() -> dict[int, str]:
    """Content type id → 单选题 / 多选题 …, from the content type cache."""
    models = ContentType.objects.get_for_models(*QUESTION_TYPES.values(), for_concrete_models=False)
    return {ct.pk: model.type_label for model, ct in models.items()}


def person(user) -> str:
    name = user.get_full_name()
    return f"{name}({user.get_username()})" if name else user.get_username()


def local(moment: datetime | None, empty: str = "—") -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else empty


# Choosers: questions and people ---------------------------------------------------------------


class QuestionChooserWidget(BaseChooser):
    def get_display_title(self, instance) -> str:
        return question_title(instance)


def question_title(question) -> str:
    label = getattr(question.get_real_instance_class(), "type_label", "题目")
    return f"【{label}】{Truncator(question.stem).chars(60)}"


class QuestionFilterForm(BaseFilterForm):
    """Substring search (works for Chinese on every database), type and category."""

    q = forms.CharField(label="搜索题干或编号", required=False)
    type = forms.ChoiceField(
        label="题型",
        required=False,
        choices=[("", "全部题型")] + [(k, m.type_label) for k, m in QUESTION_TYPES.items()],
    )
    category = forms.ModelChoiceField(
        label="分类(含下级)", queryset=Category.objects.all(), required=False
    )

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip()
        if query:
            match = Q(stem__icontains=query) | (Q(pk=int(query)) if query.isdigit() else Q())
            objects = objects.filter(match)
            self.is_searching, self.search_query = True, query
        if kind := self.cleaned_data.get("type"):
            model = QUESTION_TYPES[kind]
            objects = objects.filter(
                polymorphic_ctype=ContentType.objects.get_for_model(model, False)
            )
        if category := self.cleaned_data.get("category"):
            objects = objects.filter(category.subtree_q(prefix="category__"))
        return objects


class QuestionChooseMixin:
    filter_form_class = QuestionFilterForm
    per_page = 20

    @property
    def columns(self):
        labels = type_labels()
        title = self.title_column
        title.accessor = lambda question: Truncator(question.stem).chars(80)
        title.label = "题干"
        return [
            title,
            Column("type", label="题型", accessor=lambda q: labels.get(q.polymorphic_ctype_id)),
            Column("category", label="分类"),
            Column("difficulty", label="难度"),
            Column("points", label="默认分值"),
        ]


class QuestionChooseView(QuestionChooseMixin, ChooseView):
    pass


class QuestionChooseResultsView(QuestionChooseMixin, ChooseResultsView):
    pass


class QuestionChosenView(ChosenView):
    def get_display_title(self, instance) -> str:
        return question_title(instance)


class QuestionChooserViewSet(ChooserViewSet):
    """Published questions, searched and filtered in a modal: the bank is never sent whole."""

    model = Question
    icon = "help"
    choose_one_text = "选择题目"
    choose_another_text = "改选其他题目"
    edit_item_text = "编辑题目"
    base_widget_class = QuestionChooserWidget
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    chosen_view_class = QuestionChosenView

    def get_object_list(self):
        return (
            Question.objects.non_polymorphic()
            .filter(status=Question.Status.PUBLISHED)
            .select_related("category")
            .order_by("category__path", "pk")
        )


class UserFilterForm(BaseFilterForm):
    q = forms.CharField(label="搜索用户名或姓名", required=False)

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip()
        if query:
            objects = objects.filter(
                Q(username__icontains=query)
                | Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
            )
            self.is_searching, self.search_query = True, query
        return objects


class UserChooseMixin:
    filter_form_class = UserFilterForm
    per_page = 20

    @property
    def columns(self):
        title = self.title_column
        title.accessor = person
        title.label = "人员"
        return [title]


class UserChooseView(UserChooseMixin, ChooseView):
    pass


class UserChooseResultsView(UserChooseMixin, ChooseResultsView):
    pass


class PersonChooserWidget(BaseChooser):
    def get_display_title(self, instance) -> str:
        return person(instance)


class PersonChosenView(ChosenView):
    def get_display_title(self, instance) -> str:
        return person(instance)


class PersonChooserViewSet(ChooserViewSet):
    """People for personal extra time, searched in a modal instead of one long list."""

    model = get_user_model()
    icon = "user"
    choose_one_text = "选择人员"
    choose_another_text = "改选其他人员"
    base_widget_class = PersonChooserWidget
    choose_view_class = UserChooseView
    choose_results_view_class = UserChooseResultsView
    chosen_view_class = PersonChosenView

    def get_object_list(self):
        return get_user_model().objects.filter(is_active=True).order_by("username")


question_chooser_viewset = QuestionChooserViewSet(
    "quiz_question_chooser", url_prefix="quiz-question-chooser"
)
person_chooser_viewset = PersonChooserViewSet(
    "quiz_person_chooser", url_prefix="quiz-person-chooser"
)


# Quizzes --------------------------------------------------------------------------------------


class FormInlinePanel(InlinePanel):
    """An InlinePanel whose child forms are built from ``form_class``."""

    def __init__(self, *args, form_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_class = form_class

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "form_class": self.form_class}

    def get_form_options(self):
        options = super().get_form_options()
        if self.form_class:
            options["formsets"][self.relation_name]["form"] = self.form_class
        return options


BLUEPRINT_HELP = (
    "<p>每份试卷 = 全部固定题目 + 按每条抽题规则随机抽取的题目(只从已发布题目中抽取,"
    "与固定题目不重复)。保存时会按当前题库检查:每条规则的题目是否够抽,"
    "法规纪律内容能否达到最低占比;有问题时不会保存,并列出还差多少。</p>"
)


def settings_panels() -> list:
    return [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("mode"), FieldPanel("is_published")]),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("attempt_limit")]),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            ],
            heading="时间与次数",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_percent"), FieldPanel("multiple_rule")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                FieldPanel("min_regulation_share"),
            ],
            heading="评分与组卷",
        ),
    ]


def paper_panels() -> list:
    rule_panels = [
        FieldRowPanel([FieldPanel("category"), FieldPanel("question_type")]),
        FieldRowPanel(
            [
                FieldPanel("knowledge_point"),
                FieldPanel("min_difficulty"),
                FieldPanel("max_difficulty"),
            ]
        ),
        FieldRowPanel([FieldPanel("count"), FieldPanel("points")]),
    ]
    fixed_panels = [
        FieldPanel("question", widget=question_chooser_viewset.widget_class),
        FieldPanel("points"),
    ]
    return [
        HelpPanel(content=BLUEPRINT_HELP),
        InlinePanel("fixed_questions", heading="固定题目", label="固定题目", panels=fixed_panels),
        FormInlinePanel(
            "draw_rules", heading="抽题规则", label="抽题规则", panels=rule_panels,
            form_class=DrawRuleForm,
        ),
    ]  # fmt: skip


def extra_time_panels() -> list:
    return [
        InlinePanel(
            "extra_times",
            heading="个人延时",
            label="个人延时",
            panels=[
                FieldPanel("user", widget=person_chooser_viewset.widget_class),
                FieldPanel("minutes"),
            ],
        )
    ]


class QuizIndexView(generic.IndexView):
    """Quizzes with mode, window, published and the number of attempts (one query)."""

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(attempt_count=Count("attempts"))

    @cached_property
    def columns(self):
        title = self._get_title_column("title")
        title.label = "名称"
        return [
            title,
            Column("mode", label="类型", accessor="get_mode_display", sort_key="mode"),
            Column("window", label="开放时间", accessor=window, sort_key="opens_at"),
            BooleanColumn("is_published", label="已发布", sort_key="is_published"),
            Column("attempt_count", label="作答次数", sort_key="attempt_count"),
        ]

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if can_see_statistics(self.request.user):
            url = reverse("quiz_statistics:quiz", args=(instance.pk,))
            buttons.append(Button("成绩统计", url=url, icon_name="table", priority=30))
        return buttons


def window(quiz: Quiz) -> str:
    """随时 / 从 … 起 / 至 … 止 / … 至 …"""
    if quiz.opens_at and quiz.closes_at:
        return f"{local(quiz.opens_at)} 至 {local(quiz.closes_at)}"
    if quiz.opens_at:
        return f"{local(quiz.opens_at)} 起"
    if quiz.closes_at:
        return f"至 {local(quiz.closes_at)} 止"
    return "随时"


class QuizDeleteView(ProtectedDeleteView):
    protected_message = "该测试已有作答记录,不能删除;可取消“已发布”停止使用。"


class QuizViewSet(ModelViewSet):
    model = Quiz
    name = "admin_quizzes"
    url_prefix = "quizzes"
    icon = "list-ol"
    menu_label = "测试/考试"
    index_view_class = QuizIndexView
    delete_view_class = QuizDeleteView
    copy_view_enabled = False
    search_fields = ["title", "slug"]
    search_backend_name = None
    list_filter = ["mode", "is_published"]
    ordering = "-created_at"
    list_per_page = 50

    @cached_property
    def edit_handler(self):
        return TabbedInterface(
            [
                ObjectList(settings_panels(), heading="基本设置"),
                ObjectList(paper_panels(), heading="试卷组成"),
                ObjectList(extra_time_panels(), heading="个人延时"),
            ],
            base_form_class=QuizForm,
        )


# Marking --------------------------------------------------------------------------------------


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


class AllowedOr403Mixin:
    """Answers 403 to admin users without the permission (Wagtail would redirect to the
    dashboard); people without admin access are sent to the login page by Wagtail first."""

    forbidden_template = "quizzes/admin_quiz/forbidden.html"

    @staticmethod
    def allowed(user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            context = {"page_title": "没有权限", "header_icon": "warning"}
            return TemplateResponse(request, self.forbidden_template, context, status=403)
        return super().dispatch(request, *args, **kwargs)


class MarkingPermissionMixin(AllowedOr403Mixin):
    allowed = staticmethod(can_mark)


class PagedListMixin:
    paginate_by = 50
    page_kwarg = "p"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["elided_page_range"] = page.paginator.get_elided_page_range(page.number)
        return context


class MarkingQueueView(MarkingPermissionMixin, PagedListMixin, WagtailAdminTemplateMixin, ListView):
    template_name = "quizzes/admin_quiz/marking_queue.html"
    page_title = "阅卷"
    page_subtitle = "待阅答案"
    header_icon = "edit"
    context_object_name = "rows"

    def get_queryset(self):
        return unmarked_rows()

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": "阅卷"}]

    def get_header_buttons(self):
        url = reverse("quiz_marking:done")
        return [HeaderButton("已阅列表", url=url, icon_name="tick")]


class MarkedListView(MarkingPermissionMixin, PagedListMixin, WagtailAdminTemplateMixin, ListView):
    template_name = "quizzes/admin_quiz/marked_list.html"
    page_title = "已阅"
    header_icon = "tick"
    context_object_name = "rows"

    def get_queryset(self):
        return (
            AttemptQuestion.objects.filter(marked_at__isnull=False)
            .select_related("attempt__quiz", "attempt__user", "question", "marked_by")
            .order_by("-marked_at", "-pk")
        )

    def get_breadcrumbs_items(self):
        queue = {"url": reverse("quiz_marking:queue"), "label": "阅卷"}
        return [*self.breadcrumbs_items, queue, {"url": "", "label": "已阅"}]


class MarkView(MarkingPermissionMixin, WagtailAdminTemplateMixin, FormView):
    """One essay answer beside its question, rubric and reference answer, with a score form."""

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
        following = next_unmarked(after=self.row)
        context.update(
            row=self.row,
            question=Question.objects.get(pk=self.row.question_id),
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
        messages.success(self.request, f"已保存:{self.get_page_subtitle()},{score:f} 分。")
        following = next_unmarked(after=self.row)
        if following is None:
            messages.success(self.request, "待阅答案已全部阅完。")
            return redirect("quiz_marking:queue")
        return redirect(mark_url(following))


def mark_url(row: AttemptQuestion) -> str:
    return reverse("quiz_marking:mark", args=(row.pk,))


def permission_menu_item(check) -> type[MenuItem]:
    """A menu item class shown only to users for whom ``check(user)`` is true."""

    class PermissionMenuItem(MenuItem):
        def is_shown(self, request):
            return check(request.user)

    return PermissionMenuItem


class MarkingViewSet(ViewSet):
    name = "quiz_marking"
    url_prefix = "quiz-marking"
    icon = "edit"
    menu_label = "阅卷"

    def get_urlpatterns(self):
        return [
            path("", MarkingQueueView.as_view(), name="queue"),
            path("done/", MarkedListView.as_view(), name="done"),
            path("<int:pk>/", MarkView.as_view(), name="mark"),
        ]

    menu_item_class = permission_menu_item(can_mark)


# Statistics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    number: int
    question_id: int
    stem: str
    type_label: str
    stats: statistics.ItemStats


@dataclass(frozen=True)
class Report:
    quiz: Quiz
    summary: statistics.Summary
    items: list[ItemRow]


def load_report(quiz: Quiz) -> Report:
    """Summary and item analysis of a quiz's finished attempts, in a constant number of queries."""
    finished = Attempt.objects.filter(quiz=quiz, status=Attempt.Status.FINISHED)
    results = [
        statistics.AttemptResult(
            user_id=user_id,
            score=None if pending else score,
            max_score=max_score,
            passed=None if pending else passed,
        )
        for user_id, score, max_score, passed, pending in finished.values_list(
            "user_id", "score", "max_score", "passed", "pending_marking"
        )
    ]
    items = statistics.item_analysis(_item_scores(finished.filter(pending_marking=False)))
    return Report(quiz, statistics.summarize(results), _item_rows(items))


def _item_scores(attempts) -> list[dict]:
    """One {question id: (score, points)} per graded attempt (one query)."""
    papers: dict[int, dict] = {}
    rows = AttemptQuestion.objects.filter(attempt__in=attempts).values_list(
        "attempt_id", "question_id", "score", "points"
    )
    for attempt_id, question_id, score, points in rows:
        papers.setdefault(attempt_id, {})[question_id] = (score, points)
    return list(papers.values())


def _item_rows(items: dict[int, statistics.ItemStats]) -> list[ItemRow]:
    """Rows in paper order: by question type (单选 … 简答), then by question id."""
    labels = type_labels()
    order = {model.type_label: i for i, model in enumerate(QUESTION_TYPES.values())}
    questions = Question.objects.non_polymorphic().filter(pk__in=list(items))
    found = {
        pk: (stem, labels.get(ct, "题目"))
        for pk, stem, ct in questions.values_list("pk", "stem", "polymorphic_ctype_id")
    }
    ids = sorted(items, key=lambda pk: (order.get(found.get(pk, ("", ""))[1], 99), pk))
    return [
        ItemRow(n, pk, *found.get(pk, ("(题目已删除)", "")), items[pk])
        for n, pk in enumerate(ids, start=1)
    ]


def chart_bars(bands: list[int]) -> list[dict]:
    """The distribution as bars: label, count and height in % of the tallest band."""
    tallest = max(bands, default=0) or 1
    return [
        {"label": label, "count": count, "height": round(count * 100 / tallest)}
        for label, count in zip(statistics.band_labels(), bands, strict=True)
    ]


class StatisticsPermissionMixin(AllowedOr403Mixin):
    allowed = staticmethod(can_see_statistics)


class StatisticsIndexView(
    StatisticsPermissionMixin, PagedListMixin, WagtailAdminTemplateMixin, ListView
):
    """Every quiz with its finished and to-be-marked attempts, linking to its statistics."""

    template_name = "quizzes/admin_quiz/statistics_index.html"
    page_title = "成绩统计"
    header_icon = "table"
    context_object_name = "quizzes"

    def get_queryset(self):
        finished = Q(attempts__status=Attempt.Status.FINISHED)
        return Quiz.objects.annotate(
            finished_count=Count("attempts", filter=finished),
            pending_count=Count("attempts", filter=finished & Q(attempts__pending_marking=True)),
            participant_count=Count("attempts__user", filter=finished, distinct=True),
        ).order_by("-created_at")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": "成绩统计"}]


class QuizStatisticsView(StatisticsPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
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
        report = load_report(self.quiz)
        context.update(report=report, summary=report.summary, bars=chart_bars(report.summary.bands))
        return context


class StatisticsExportView(StatisticsPermissionMixin, View):
    def get(self, request, pk):
        quiz = get_object_or_404(Quiz, pk=pk)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return HttpResponse(
            statistics_workbook(load_report(quiz)),
            content_type=XLSX,
            headers={
                "Content-Disposition": content_disposition_header(
                    True, f"成绩统计-{quiz.title}-{stamp}.xlsx"
                )
            },
        )


ITEM_HEADERS = ["题号", "题干", "题型", "作答次数", "难度系数", "区分度"]


def statistics_workbook(report: Report) -> bytes:
    """Sheets 概况 (summary figures and distribution) and 题目分析 (one row per question)."""
    book = Workbook()
    _summary_sheet(book.active, report)
    _items_sheet(book.create_sheet("题目分析"), report.items)
    return workbook_bytes(book)


def _summary_sheet(sheet, report: Report) -> None:
    summary = report.summary
    sheet.title = "概况"
    rows = [
        ("测试名称", report.quiz.title),
        ("导出时间", local(timezone.now())),
        ("已交卷人次", summary.attempts),
        ("参与人数", summary.participants),
        ("已评分人次", summary.graded),
        ("待阅卷人次", summary.pending),
        ("平均分", _number(summary.average_score)),
        ("平均得分率", _fraction(summary.average_percent)),
        ("及格率", _fraction(summary.pass_rate)),
    ]
    for row in rows:
        sheet.append(row)
    for cell in sheet["B"][-2:]:
        cell.number_format = "0.0%"
    sheet.append(())
    sheet.append(("分数段(得分率)", "人次"))
    for label, count in zip(statistics.band_labels(), summary.bands, strict=True):
        sheet.append((label, count))
    _style(sheet, bold_rows=(sheet.max_row - len(summary.bands),), widths=(18, 40))
    for row in sheet.iter_rows(min_col=1, max_col=1):
        row[0].font = Font(bold=True)


def _items_sheet(sheet, items: list[ItemRow]) -> None:
    sheet.append(ITEM_HEADERS)
    for item in items:
        stats = item.stats
        sheet.append(
            [
                item.number,
                item.stem,
                item.type_label,
                stats.responses,
                _fraction(stats.facility),
                _fraction(stats.discrimination),
            ]
        )
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "0.0%"
            cell.alignment = Alignment(horizontal="right")
    _style(sheet, bold_rows=(1,), widths=(8, 60, 10, 10, 12, 12))
    sheet.freeze_panes = "A2"


def _number(value):
    return None if value is None else float(round(value, 2))


def _fraction(percent):
    """A percentage (0…100) as the fraction Excel formats with %, or "—" when undefined."""
    return "—" if percent is None else float(percent) / 100


def _style(sheet, *, bold_rows: tuple[int, ...], widths: tuple[int, ...]) -> None:
    for number in bold_rows:
        for cell in sheet[number]:
            cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", widths, strict=False):
        sheet.column_dimensions[letter].width = width


class StatisticsViewSet(ViewSet):
    name = "quiz_statistics"
    url_prefix = "quiz-statistics"
    icon = "table"
    menu_label = "成绩统计"

    def get_urlpatterns(self):
        return [
            path("", StatisticsIndexView.as_view(), name="index"),
            path("<int:pk>/", QuizStatisticsView.as_view(), name="quiz"),
            path("<int:pk>/export/", StatisticsExportView.as_view(), name="export"),
        ]

    menu_item_class = permission_menu_item(can_see_statistics)


# The menu -------------------------------------------------------------------------------------


class QuizAdminGroup(ViewSetGroup):
    menu_label = "测试管理"
    menu_icon = "list-ol"
    menu_name = "quiz-admin"
    menu_order = 260
    items = (QuizViewSet(), MarkingViewSet(), StatisticsViewSet())
