"""The question chooser of quiz blueprints: published questions searched and filtered in a
modal, so the bank is never sent to the browser whole."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils.text import Truncator
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.widgets import BaseChooser

from common.choosers import (
    IdLookupMixin,
    NoCreateView,
    SafeChosenMultipleView,
    ScopedChooserViewSet,
)
from quizzes.models import QUESTION_TYPES, Category, KnowledgePoint, Question
from quizzes.models.bank import drawable_q
from quizzes.selectors import question_type_labels


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
        label="分类（含下级）", queryset=Category.objects.all(), required=False
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
        labels = question_type_labels()
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


class QuestionChosenView(IdLookupMixin, ChosenView):
    def get_display_title(self, instance) -> str:
        return question_title(instance)


class QuestionChooserViewSet(ScopedChooserViewSet):
    """Published questions, searched and filtered in a modal: the bank is never sent whole.
    Only for those who may add or change quizzes (``quizzes.permissions.can_edit_quizzes``)."""

    model = Question
    icon = "help"
    choose_one_text = "选择题目"
    choose_another_text = "改选其他题目"
    edit_item_text = "编辑题目"
    base_widget_class = QuestionChooserWidget
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    chosen_view_class = QuestionChosenView
    chosen_multiple_view_class = SafeChosenMultipleView
    create_view_class = NoCreateView

    def get_object_list(self):
        return (
            Question.objects.non_polymorphic()
            .filter(drawable_q())
            .select_related("category")
            .order_by("category__path", "pk")
        )


question_chooser_viewset = QuestionChooserViewSet(
    "quiz_question_chooser", url_prefix="quiz-question-chooser"
)


# Knowledge points -----------------------------------------------------------------------------


class KnowledgePointFilterForm(BaseFilterForm):
    """Substring search of the name: works for Chinese on every database."""

    q = forms.CharField(label="搜索知识点", required=False)

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip()
        if query:
            objects = objects.filter(name__icontains=query)
            self.is_searching, self.search_query = True, query
        return objects


class KnowledgePointChooseMixin:
    filter_form_class = KnowledgePointFilterForm
    per_page = 30

    @property
    def columns(self):
        title = self.title_column
        title.label = "知识点"
        return [title, Column("question_count", label="题目数")]


class KnowledgePointChooseView(KnowledgePointChooseMixin, ChooseView):
    pass


class KnowledgePointChooseResultsView(KnowledgePointChooseMixin, ChooseResultsView):
    pass


class KnowledgePointChosenView(IdLookupMixin, ChosenView):
    pass


class KnowledgePointChooserViewSet(ScopedChooserViewSet):
    """The knowledge point of a draw rule, searched in a modal instead of a list of every tag."""

    model = KnowledgePoint
    icon = "tag"
    choose_one_text = "选择知识点"
    choose_another_text = "改选其他知识点"
    edit_item_text = "编辑知识点"
    choose_view_class = KnowledgePointChooseView
    choose_results_view_class = KnowledgePointChooseResultsView
    chosen_view_class = KnowledgePointChosenView
    chosen_multiple_view_class = SafeChosenMultipleView
    create_view_class = NoCreateView

    def get_object_list(self):
        return KnowledgePoint.objects.annotate(question_count=Count("questions")).order_by("name")


knowledge_point_chooser_viewset = KnowledgePointChooserViewSet(
    "knowledge_point_chooser", url_prefix="knowledge-point-chooser"
)
