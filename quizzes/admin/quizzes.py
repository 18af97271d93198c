"""Quizzes (测试/考试) in the admin: settings, the blueprint (fixed questions and draw rules) and
personal extra time, with the model permissions on ``Quiz``.

Saving a quiz builds the blueprint from the submitted (unsaved) fixed questions and draw rules
and refuses to save while ``drawing.check`` finds a problem: every problem is a form error at
the top of the page, and a rule that falls short is also marked on the rule itself.
"""

from decimal import Decimal
from functools import cached_property

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When
from django.http import JsonResponse
from django.urls import path, reverse
from django.views.generic import View
from wagtail.admin.forms import WagtailAdminModelForm
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
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from common.admin import (
    FormInlinePanel,
    PolicyCheckedMixin,
    ProtectedDeleteView,
    local,
    person,
)
from common.audit import audit
from common.choosers import person_chooser_viewset
from quizzes import drawing, outline
from quizzes.admin.candidate_preview import QuizCandidatePreviewView
from quizzes.admin.choosers import knowledge_point_chooser_viewset, question_chooser_viewset
from quizzes.models import QUESTION_TYPES, Category, DrawRule, Question, Quiz, QuizQuestion
from quizzes.permissions import can_edit_quizzes, can_see_statistics
from quizzes.selectors import build_blueprint, pending_draft_counts
from quizzes.services.base import PERSONAL_SETTINGS_ACTION

# Forms ---------------------------------------------------------------------------------------------


def question_type_queryset():
    """The content types of the question types, in the bank's usual order."""
    types = ContentType.objects.get_for_models(*QUESTION_TYPES.values(), for_concrete_models=False)
    ids = [types[model].pk for model in QUESTION_TYPES.values()]
    order = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)), output_field=IntegerField()
    )
    return ContentType.objects.filter(pk__in=ids).order_by(order)


class QuestionTypeField(forms.ModelChoiceField):
    """A question type chosen by its Chinese name (单选题, 多选题 …)."""

    def label_from_instance(self, obj) -> str:
        model = obj.model_class()
        return getattr(model, "type_label", str(obj))


class DrawRuleForm(WagtailAdminModelForm):
    question_type = QuestionTypeField(
        queryset=ContentType.objects.none(), required=False, label="题型", empty_label="全部题型"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question_type"].queryset = question_type_queryset()
        empty = {"category": "全部分类", "knowledge_point": "不限知识点"}
        for name, label in empty.items():
            if name in self.fields:
                self.fields[name].empty_label = label


def kept_forms(formset) -> list | None:
    """The formset's forms that will be saved, or None while the formset has errors."""
    if not formset.is_valid():
        return None
    return [form for form in formset.forms if form.cleaned_data and not _deleted(form)]


def _deleted(form) -> bool:
    return bool(form.cleaned_data.get("DELETE"))


SETTING_FIELDS = ("minutes", "closes_at", "extra_attempts", "reason")


def _setting(values: dict) -> dict:
    return {name: values.get(name) for name in SETTING_FIELDS}


def personal_setting_changes(formset) -> list[dict]:
    """Each added, changed or removed personal setting: the person, before and after."""
    changes = []
    for form in formset.forms if formset is not None else []:
        existing = form.instance.pk is not None
        if not form.has_changed() and not (existing and _deleted(form)):
            continue
        user = form.instance.user if existing else form.cleaned_data.get("user")
        if user is None:
            continue
        before = _setting(form.initial) if existing else "无"
        after = "删除" if _deleted(form) else _setting(form.cleaned_data)
        changes.append({"user": person(user), "before": before, "after": after})
    return changes


class QuizForm(WagtailAdminModelForm):
    """A quiz with its fixed questions, draw rules and extra times; saving proves the blueprint."""

    class Media:
        js = ["js/quiz_blueprint.js"]
        css = {"all": ["css/quiz_admin.css"]}

    def clean(self):
        cleaned_data = super().clean()
        fixed = kept_forms(self.formsets["fixed_questions"])
        rules = kept_forms(self.formsets["draw_rules"])
        percent = cleaned_data.get("min_regulation_percent")
        if fixed is None or rules is None or percent is None:
            return cleaned_data  # the field errors come first
        for forms_ in (fixed, rules):
            for position, form in enumerate(forms_):
                form.instance.sort_order = position
        pairs = [(f.cleaned_data["question"], f.cleaned_data["points"]) for f in fixed]
        self._check_published(fixed, [question for question, _ in pairs])
        self._check_blueprint([(q.pk, points) for q, points in pairs], rules, percent / 100)
        return cleaned_data

    def save(self, commit=True):
        """Saves, and audits the personal settings that changed (who, before and after)."""
        changes = personal_setting_changes(self.formsets.get("personal_settings"))
        quiz = super().save(commit=commit)
        if commit and changes:
            audit(quiz, PERSONAL_SETTINGS_ACTION, changes=changes)
        return quiz

    def _check_published(self, fixed: list, questions: list[Question]) -> None:
        for form, question in zip(fixed, questions, strict=True):
            if question.status != Question.Status.PUBLISHED:
                form.add_error(
                    "question",
                    f"该题目状态为“{question.get_status_display()}”，只能使用已发布的题目。",
                )
                self.add_error(None, f"固定题目“{question}”未发布，请换用已发布的题目。")

    def _check_blueprint(
        self, fixed: list[tuple[int, Decimal]], rules: list, share: Decimal
    ) -> None:
        blueprint = build_blueprint(
            fixed=fixed, rules=[form.instance for form in rules], min_share=share
        )
        problems = drawing.check(blueprint)
        for problem in problems:
            self.add_error(None, problem)
        for index, form in enumerate(rules):
            prefix = f"第{index + 1}条抽题规则"
            for problem in problems:
                if problem.startswith(prefix):
                    form.add_error(None, problem)


# Panels and views ----------------------------------------------------------------------------------


BLUEPRINT_HELP = (
    "<p>每份试卷 = 全部固定题目 + 按每条抽题规则随机抽取的题目（只从已发布题目中抽取，"
    "与固定题目不重复，同一同题组的题目至多一道）。保存时会按当前题库检查：每条规则的题目是否够抽，"
    "法规纪律内容能否达到最低占比；有问题时不会保存，并列出还差多少。</p>"
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
                FieldPanel("min_regulation_percent"),
            ],
            heading="评分与组卷",
        ),
    ]


def paper_panels() -> list:
    rule_panels = [
        FieldRowPanel([FieldPanel("category"), FieldPanel("question_type")]),
        FieldRowPanel(
            [
                FieldPanel("knowledge_point", widget=knowledge_point_chooser_viewset.widget_class),
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
        HelpPanel(content=BLUEPRINT_HELP, template="quizzes/admin/blueprint_help.html"),
        InlinePanel("fixed_questions", heading="固定题目", label="固定题目", panels=fixed_panels),
        FormInlinePanel(
            "draw_rules", heading="抽题规则", label="抽题规则", panels=rule_panels,
            form_class=DrawRuleForm,
        ),
    ]  # fmt: skip


def personal_setting_panels() -> list:
    return [
        HelpPanel(
            content="<p>个人设置优先于上面的统一设置：延长时间不受统一关闭时间限制（未设个人关闭时间时，"
            "本人的关闭时间顺延相同分钟数）；个人关闭时间可晚于统一关闭时间；增加作答次数在“可作答次数”"
            "之外另计。保存后，正在作答的人员的截止时间立即按新设置重新计算。</p>"
        ),
        InlinePanel(
            "personal_settings",
            heading="个人设置",
            label="个人设置",
            panels=[
                FieldPanel("user", widget=person_chooser_viewset.widget_class),
                FieldRowPanel(
                    [FieldPanel("minutes"), FieldPanel("closes_at"), FieldPanel("extra_attempts")]
                ),
                FieldPanel("reason"),
            ],
        ),
    ]


class QuizIndexView(generic.IndexView):
    """Quizzes with mode, window, published, the number of attempts and a warning when a fixed
    question is withdrawn (nobody can start then), in one query."""

    def get_base_queryset(self):
        withdrawn = QuizQuestion.objects.filter(quiz=OuterRef("pk")).exclude(
            question__status=Question.Status.PUBLISHED
        )
        return (
            super()
            .get_base_queryset()
            .annotate(attempt_count=Count("attempts"), has_withdrawn=Exists(withdrawn))
        )

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
            Column("has_withdrawn", label="提醒", accessor=quiz_warning),
        ]

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if can_see_statistics(self.request.user):
            url = reverse("quiz_statistics:quiz", args=(instance.pk,))
            buttons.append(Button("成绩统计", url=url, icon_name="table", priority=30))
        if can_edit_quizzes(self.request.user):
            url = reverse("admin_quizzes:candidate_preview", args=(instance.pk,))
            buttons.append(Button("学员视角预览", url=url, icon_name="view", priority=35))
        return buttons


def quiz_warning(quiz: Quiz) -> str:
    return "固定题目未发布，暂不能开始作答" if quiz.has_withdrawn else ""


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
    protected_message = "该测试已有作答记录，不能删除；可取消“已发布”停止使用。"


# The live blueprint check ----------------------------------------------------------------------


def posted_rows(data, prefix: str) -> list[dict[str, str]]:
    """The rows of an inline formset as posted, without the deleted ones."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 200)
    except ValueError:
        return []
    rows = []
    for index in range(total):
        row = {key[len(f"{prefix}-{index}-") :]: value for key, value in data.items()
               if key.startswith(f"{prefix}-{index}-")}  # fmt: skip
        if row and not row.get("DELETE"):
            rows.append(row)
    return rows


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _decimal(value, default=Decimal(0)) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return default
    return number if number.is_finite() else default


def preview_rules(data) -> list[DrawRule]:
    """Unsaved draw rules from the posted formset (what is unreadable reads as "any")."""
    rules = []
    categories = {c.pk: c for c in Category.objects.all()}
    for row in posted_rows(data, "draw_rules"):
        rule = DrawRule(
            category=categories.get(_int(row.get("category"))),
            knowledge_point_id=_int(row.get("knowledge_point")),
            question_type_id=_int(row.get("question_type")),
            min_difficulty=_int(row.get("min_difficulty"), 1),
            max_difficulty=_int(row.get("max_difficulty"), 5),
            count=max(_int(row.get("count"), 0), 0),
            points=_decimal(row.get("points"), Decimal(1)),
        )
        rules.append(rule)
    return rules


class BlueprintPreviewView(PolicyCheckedMixin, View):
    """What the blueprint being edited guarantees, as JSON for the quiz form's live panel."""

    model = Quiz
    any_permission_required = ["add", "change"]

    def post(self, request):
        fixed = [
            (pk, _decimal(row.get("points"), Decimal(1)))
            for row in posted_rows(request.POST, "fixed_questions")
            if (pk := _int(row.get("question")))
        ]
        percent = _decimal(request.POST.get("min_regulation_percent"))
        rules = preview_rules(request.POST)
        blueprint = build_blueprint(fixed=fixed, rules=rules, min_share=percent / 100)
        result = drawing.guarantee(blueprint)
        views = rule_views(rules, blueprint, result)
        paper = outline.outline(
            blueprint,
            pass_percent=_decimal(request.POST.get("pass_percent")),
            minutes=timed_minutes(request.POST),
        )
        return JsonResponse(
            {
                "rules": [rule_json(index, view) for index, view in enumerate(views)],
                "counts": [rule.count for rule in rules],
                "total_points": outline.number(blueprint.total_points),
                "guaranteed": f"{result.guaranteed_share * 100:.1f}",
                "best": f"{result.best_share * 100:.1f}",
                "required": f"{percent:.1f}",
                "problems": list(result.problems),
                "outline": outline_json(paper),
                "warnings": outline.paper_warnings(paper),
            }
        )


def timed_minutes(data) -> int | None:
    """The time limit as the paper will have it (practice is never timed)."""
    if data.get("mode") == Quiz.Mode.PRACTICE:
        return None
    minutes = _int(data.get("time_limit_minutes"))
    return minutes if minutes and minutes > 0 else None


def rule_views(rules: list[DrawRule], blueprint, result) -> list[outline.RuleView]:
    drafts = pending_draft_counts(rules)
    return [
        outline.RuleView(
            label=drawn.label,
            count=rule.count,
            points=rule.points,
            available=available,
            regulation=regulation,
            drafts=waiting,
            min_difficulty=rule.min_difficulty,
            max_difficulty=rule.max_difficulty,
        )  # fmt: skip
        for rule, drawn, (available, regulation), waiting in zip(
            rules, blueprint.rules, result.available, drafts, strict=True
        )
    ]


def rule_json(index: int, view: outline.RuleView) -> dict:
    return {
        "available": view.available,
        "regulation": view.regulation,
        "drafts": view.drafts,
        "label": view.label,
        "count": view.count,
        "points": outline.number(view.points),
        "subtotal": outline.number(view.subtotal),
        "short": view.short,
        "warnings": outline.rule_warnings(index, view),
    }


def outline_json(paper: outline.Outline) -> dict:
    return {
        "questions": paper.questions,
        "fixed_questions": paper.fixed_questions,
        "fixed_points": outline.number(paper.fixed_points),
        "total_points": outline.number(paper.total_points),
        "pass_points": outline.number(paper.pass_points),
        "seconds_per_question": paper.seconds_per_question,
    }


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
                ObjectList(personal_setting_panels(), heading="个人设置"),
            ],
            base_form_class=QuizForm,
        )

    def get_urlpatterns(self):
        preview = path("blueprint-preview/", BlueprintPreviewView.as_view(), name="preview")
        candidate = path(
            "candidate-preview/<id:pk>/",
            QuizCandidatePreviewView.as_view(),
            name="candidate_preview",
        )
        return [*super().get_urlpatterns(), preview, candidate]
