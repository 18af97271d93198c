"""Admin forms of quizzes: the quiz form that proves its blueprint, draw rules, marking.

Saving a quiz builds the blueprint from the submitted (unsaved) fixed questions and draw rules
and refuses to save while ``drawing.check`` finds a problem: every problem is a form error at
the top of the page, and a rule that falls short is also marked on the rule itself.
"""

from decimal import Decimal

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, Value, When
from wagtail.admin.forms import WagtailAdminModelForm

from quizzes import drawing
from quizzes.models import QUESTION_TYPES, Question
from quizzes.selectors import build_blueprint


def question_type_queryset():
    """The content types of the question types, in the bank's usual order (lazy)."""
    names = [model._meta.model_name for model in QUESTION_TYPES.values()]
    order = Case(
        *(When(model=name, then=Value(i)) for i, name in enumerate(names)),
        output_field=IntegerField(),
    )
    return ContentType.objects.filter(app_label="quizzes", model__in=names).order_by(order)


class QuestionTypeField(forms.ModelChoiceField):
    """A question type chosen by its Chinese name (单选题, 多选题 …)."""

    def label_from_instance(self, obj) -> str:
        model = obj.model_class()
        return getattr(model, "type_label", str(obj))


class DrawRuleForm(WagtailAdminModelForm):
    question_type = QuestionTypeField(
        queryset=question_type_queryset(), required=False, label="题型", empty_label="全部题型"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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


class QuizForm(WagtailAdminModelForm):
    """A quiz with its fixed questions, draw rules and extra times; saving proves the blueprint."""

    def clean(self):
        cleaned_data = super().clean()
        fixed = kept_forms(self.formsets["fixed_questions"])
        rules = kept_forms(self.formsets["draw_rules"])
        share = cleaned_data.get("min_regulation_share")
        if fixed is None or rules is None or share is None:
            return cleaned_data  # the field errors come first
        for forms_ in (fixed, rules):
            for position, form in enumerate(forms_):
                form.instance.sort_order = position
        pairs = [(f.cleaned_data["question"], f.cleaned_data["points"]) for f in fixed]
        self._check_published(fixed, [question for question, _ in pairs])
        self._check_blueprint([(q.pk, points) for q, points in pairs], rules, share)
        return cleaned_data

    def _check_published(self, fixed: list, questions: list[Question]) -> None:
        for form, question in zip(fixed, questions, strict=True):
            if question.status != Question.Status.PUBLISHED:
                form.add_error(
                    "question",
                    f"该题目状态为“{question.get_status_display()}”,只能使用已发布的题目。",
                )
                self.add_error(None, f"固定题目“{question}”未发布,请换用已发布的题目。")

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
