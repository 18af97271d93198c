"""Admin of the question bank: one viewset per question type, categories, knowledge points, and
the list of all questions (with 待复核) and its Excel export. The import is in ``bank_import``;
who may do what is in ``quizzes.permissions``.
"""

from functools import cached_property

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, ButtonWithDropdown
from wagtail.permissions import policy_registry
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError

from common.admin import ProtectedDeleteView
from common.excel import xlsx_response
from content.admin.choosers import article_chooser_viewset
from quizzes.admin.bank_forms import FORMS
from quizzes.admin.bank_import import URL_PREFIX, QuestionImportViewSet
from quizzes.admin.candidate_preview import QuestionCandidatePreviewView
from quizzes.admin.drafts import DraftViewSet
from quizzes.admin.versions import QuestionEditView, VersionPanel
from quizzes.excel import export_questions
from quizzes.models import QUESTION_TYPES, Category, KnowledgePoint, Question
from quizzes.models.bank import regulation_category_paths


def type_url_name(model: type[Question], view: str) -> str:
    return f"questions_{model.kind}:{view}"


# Filters and search ---------------------------------------------------------------------------


class QuestionFilterSet(WagtailFilterSet):
    category = django_filters.ModelChoiceFilter(
        label="分类（含下级）", queryset=Category.objects.all(), method="filter_category"
    )
    difficulty = django_filters.ChoiceFilter(
        label="难度",
        choices=[(str(level), str(level)) for level in range(1, 6)],
        empty_label="全部",
        widget=forms.RadioSelect,
    )
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[(s, Question.Status(s).label) for s in Question.EDITABLE_STATUSES],
        empty_label="全部",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Question
        fields: list[str] = []

    def filter_category(self, queryset, name, category):
        # A list of ids (not a join) keeps the filter usable by every search backend.
        ids = Category.objects.filter(category.subtree_q(prefix="")).values_list("pk", flat=True)
        return queryset.filter(category_id__in=list(ids))


class QuestionBankFilterSet(QuestionFilterSet):
    type = django_filters.ChoiceFilter(
        label="题型",
        choices=[(kind, model.type_label) for kind, model in QUESTION_TYPES.items()],
        empty_label="全部",
        method="filter_type",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters = {"type": self.filters.pop("type"), **self.filters}  # 题型 first

    def filter_type(self, queryset, name, kind):
        content_type = ContentType.objects.get_for_model(QUESTION_TYPES[kind], False)
        return queryset.filter(polymorphic_ctype_id=content_type.pk)


class BackendSearchMixin:
    """Searches through the search backend, whose jieba segmentation handles Chinese.

    django-polymorphic's manager has no working ``.search()``, so the (non-polymorphic)
    queryset is handed to the backend directly.
    """

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        backend = get_search_backend()
        try:
            return backend.search(
                self.search_query, queryset, order_by_relevance=not self.is_explicitly_ordered
            )
        except FilterFieldError:  # a backend that cannot sort by that column: rank instead
            return backend.search(self.search_query, queryset.order_by())


# Question type viewsets -----------------------------------------------------------------------


def question_panels(answer_panels: list) -> list:
    return [
        VersionPanel(heading="版本"),
        FieldPanel("stem", widget=forms.Textarea(attrs={"rows": 3})),
        *answer_panels,
        FieldPanel("explanation"),
        FieldRowPanel([FieldPanel("difficulty"), FieldPanel("points"), FieldPanel("status")]),
        FieldPanel("category"),
        FieldRowPanel([FieldPanel("knowledge_points"), FieldPanel("fact_group")]),
        MultiFieldPanel(
            [
                FieldPanel("source_article", widget=article_chooser_viewset.widget_class),
                FieldPanel("source_page"),
                FieldPanel("source_reference"),
                FieldPanel("source_quote"),
            ],
            heading="依据",
        ),
        FieldPanel("review_note"),
    ]


class QuestionDeleteView(ProtectedDeleteView):
    protected_message = "该题目已被测试或答卷使用，不能删除；可将其状态改为“草稿”停止使用。"


class QuestionCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class QuestionIndexView(BackendSearchMixin, generic.IndexView):
    """A question list that never runs a query per row."""

    def get_base_queryset(self):
        return self.model.objects.non_polymorphic().current().select_related("category")

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        policy = policy_registry.get_by_type(instance.get_real_instance_class())
        if policy.user_has_any_permission(self.request.user, ["add", "change"]):
            url = reverse("question_bank:candidate_preview", args=(instance.pk,))
            buttons.append(Button("学员视角预览", url=url, icon_name="view", priority=35))
        return buttons

    def stem_column(self) -> TitleColumn:
        column_class = self._get_title_column_class(TitleColumn)
        return column_class(
            "stem",
            label="题干",
            accessor=lambda question: Truncator(question.stem).chars(60),
            get_url=self.get_edit_url,
            sort_key="stem",
        )

    def detail_columns(self) -> list:
        return [
            Column("category", label="分类", sort_key="category__path", width="13%"),
            Column("difficulty", label="难度", sort_key="difficulty", width="6%"),
            Column(
                "status",
                label="状态",
                accessor="get_status_display",
                sort_key="status",
                width="7%",
            ),
            DateColumn("updated_at", label="更新时间", sort_key="updated_at", width="10%"),
        ]

    @cached_property
    def columns(self):
        return [self.stem_column(), *self.detail_columns()]


class QuestionTypeViewSet(ModelViewSet):
    """One question type's list, add, edit and delete views."""

    icon = "help"
    index_view_class = QuestionIndexView
    add_view_class = QuestionCreateView
    edit_view_class = QuestionEditView
    delete_view_class = QuestionDeleteView
    filterset_class = QuestionFilterSet
    ordering = "-updated_at"
    list_per_page = 50
    add_to_reference_index = False  # imported questions are written in bulk, unindexed
    # The pk is a parent link, which Wagtail would route as any text (a 500 on "abc").
    pk_path_converter = "id"

    def __init__(self, model: type[Question], **kwargs) -> None:
        super().__init__(name=f"questions_{model.kind}", model=model, **kwargs)

    @cached_property
    def url_prefix(self) -> str:
        return f"{URL_PREFIX}/{self.model.kind}"

    @cached_property
    def edit_handler(self):
        answer = [FieldPanel(name) for name in self.model.answer_fields]
        return ObjectList(question_panels(answer), base_form_class=FORMS[self.model])


# All questions, 待复核, export ------------------------------------------------------------------


class QuestionBankIndexView(QuestionIndexView):
    """Every type in one list; links, buttons and labels come from each row's content type."""

    FORMATS = ("xlsx",)
    page_title = "全部题目"

    def get_base_queryset(self):
        return Question.objects.non_polymorphic().current().select_related("category")

    def can(self, action: str, model: type[Question]) -> bool:
        return policy_registry.get_by_type(model).user_has_permission(self.request.user, action)

    def type_url(self, question: Question, view: str, action: str) -> str | None:
        model = question.get_real_instance_class()
        if model not in QUESTION_TYPES.values() or not self.can(action, model):
            return None
        return reverse(type_url_name(model, view), args=(question.pk,))

    def get_add_url(self):
        return None  # one add button per type, in header_buttons

    def get_edit_url(self, instance):
        return self.type_url(instance, "edit", "change")

    def get_delete_url(self, instance):
        return self.type_url(instance, "delete", "delete")

    def get_copy_url(self, instance):
        return self.type_url(instance, "copy", "add")

    def type_label(self, question: Question) -> str:
        return getattr(question.get_real_instance_class(), "type_label", "")

    def type_column(self) -> Column:
        return Column("type", label="题型", accessor=self.type_label, width="7%")

    @cached_property
    def columns(self):
        return [self.stem_column(), self.type_column(), *self.detail_columns()]

    @cached_property
    def header_buttons(self):
        addable = [
            Button(
                model.type_label,
                url=reverse(type_url_name(model, "add")),
                icon_name="plus",
                priority=order,
            )
            for order, model in enumerate(QUESTION_TYPES.values())
            if self.can("add", model)
        ]
        if not addable:
            return []
        return [
            ButtonWithDropdown(
                label="新建题目", buttons=addable, icon_name="plus", classname="w-h-slim-header"
            )
        ]

    @cached_property
    def header_more_buttons(self):
        export_url = self.get_export_url("xlsx")
        buttons = [Button("导出 Excel", url=export_url, icon_name="download", priority=30)]
        if self.user_has_permission("add"):
            import_url, template_url = (
                reverse("question_import:import"),
                reverse("question_import:template"),
            )
            buttons += [
                Button(
                    "从法规草拟题目",
                    url=reverse("question_drafts:new"),
                    icon_name="edit",
                    priority=40,
                ),
                Button("从 Excel 导入", url=import_url, icon_name="upload", priority=10),
                Button("下载导入模板", url=template_url, icon_name="doc-empty", priority=20),
            ]
        return buttons

    def as_spreadsheet(self, queryset, spreadsheet_format):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(export_questions(queryset), f"题目导出-{stamp}.xlsx")


class ReviewIndexView(QuestionBankIndexView):
    """Questions flagged 待复核, with the reason."""

    page_title = "待复核题目"

    def get_base_queryset(self):
        return super().get_base_queryset().filter(status=Question.Status.NEEDS_REVIEW)

    @cached_property
    def columns(self):
        review = Column("review_note", label="复核原因", width="22%")
        category, *_ = self.detail_columns()
        return [self.stem_column(), self.type_column(), review, category]


class QuestionBankViewSet(ModelViewSet):
    """The list of all questions (and its export); adding and editing go to the type viewsets."""

    model = Question
    name = "question_bank"
    url_prefix = f"{URL_PREFIX}/all"
    icon = "list-ul"
    menu_label = "全部题目"
    index_view_class = QuestionBankIndexView
    filterset_class = QuestionBankFilterSet
    ordering = "-updated_at"
    list_per_page = 50
    add_to_reference_index = False

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(
                "candidate-preview/<id:pk>/",
                QuestionCandidatePreviewView.as_view(),
                name="candidate_preview",
            ),
        ]

    def register_admin_url_finder(self):
        register_admin_url_finder(Question, QuestionURLFinder)


class ReviewViewSet(QuestionBankViewSet):
    name = "question_review"
    url_prefix = f"{URL_PREFIX}/review"
    icon = "warning"
    menu_label = "待复核"
    index_view_class = ReviewIndexView
    filterset_class = QuestionFilterSet

    def register_permissions(self):
        pass  # registered once, by QuestionBankViewSet

    def register_admin_url_finder(self):
        pass


class QuestionURLFinder:
    """Admin edit URL of any question, through its concrete type's viewset."""

    def __init__(self, user=None) -> None:
        self.user = user

    def get_edit_url(self, instance) -> str | None:
        model = instance.get_real_instance_class()
        if model is None or model is Question:
            return None
        policy = policy_registry.get_by_type(model)
        if self.user and not policy.user_has_permission(self.user, "change"):
            return None
        return reverse(type_url_name(model, "edit"), args=(instance.pk,))


# Categories and knowledge points --------------------------------------------------------------


class CategoryIndexView(generic.IndexView):
    """The category tree in path order, each name indented by its depth."""

    def get_base_queryset(self):
        return Category.objects.annotate(question_count=Count("questions"))

    @cached_property
    def columns(self):
        column_class = self._get_title_column_class(TitleColumn)
        name = column_class(
            "name",
            label="分类",
            accessor=lambda category: "\u3000" * category.depth + category.name,
            get_url=self.get_edit_url,
        )
        return [
            name,
            Column("path", label="完整路径", sort_key="path"),
            Column("regulation", label="法规纪律类", accessor=self.regulation_label),
            Column("question_count", label="本级题目数", sort_key="question_count"),
        ]

    @cached_property
    def regulation_paths(self) -> list[str]:
        return regulation_category_paths()

    def regulation_label(self, category: Category) -> str:
        """是 for a flagged category; its subcategories count as regulation content too."""
        if category.is_regulation:
            return "是"
        inherited = any(category.path.startswith(f"{p}/") for p in self.regulation_paths)
        return "是（随上级）" if inherited else ""


class CategoryDeleteView(ProtectedDeleteView):
    protected_message = "该分类下还有下级分类或题目，或被抽题规则使用，不能删除。"


class CategoryViewSet(ModelViewSet):
    model = Category
    name = "question_categories"
    url_prefix = f"{URL_PREFIX}/categories"
    icon = "folder-open-inverse"
    menu_label = "题目分类"
    index_view_class = CategoryIndexView
    delete_view_class = CategoryDeleteView
    form_fields = ["name", "parent", "is_regulation", "sort_order"]
    ordering = "path"
    search_fields = ["name", "path"]
    search_backend_name = None
    list_per_page = 100
    copy_view_enabled = False


class KnowledgePointIndexView(generic.IndexView):
    def get_base_queryset(self):
        return KnowledgePoint.objects.annotate(question_count=Count("questions"))


class KnowledgePointDeleteView(ProtectedDeleteView):
    protected_message = "该知识点被抽题规则使用，不能删除。"


class KnowledgePointViewSet(ModelViewSet):
    model = KnowledgePoint
    name = "knowledge_points"
    url_prefix = f"{URL_PREFIX}/knowledge-points"
    icon = "tag"
    menu_label = "知识点"
    index_view_class = KnowledgePointIndexView
    delete_view_class = KnowledgePointDeleteView
    form_fields = ["name"]
    list_display = ["name", Column("question_count", label="题目数", sort_key="question_count")]
    ordering = "name"
    search_fields = ["name"]
    search_backend_name = None
    list_per_page = 100
    copy_view_enabled = False


# The menu -------------------------------------------------------------------------------------


class QuestionBankGroup(ViewSetGroup):
    menu_label = "题库"
    menu_icon = "help"
    menu_name = "question-bank"
    menu_order = 250
    items = (
        QuestionBankViewSet(),
        ReviewViewSet(),
        *(QuestionTypeViewSet(model) for model in QUESTION_TYPES.values()),
        CategoryViewSet(),
        KnowledgePointViewSet(),
        QuestionImportViewSet(),
        DraftViewSet(),
    )
