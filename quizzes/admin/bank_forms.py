"""Admin forms of the question types: options, answers and blanks edited as plain text.

Options are typed one per line, the right answer as letters (B, ACD) and the blanks of a
fill-in question one per line with alternatives separated by "|" — the formats of the Excel
import (``quizzes.formats``). Range rules stay in the models' ``clean()``; each type's form is
``FORMS[model]``.
"""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from quizzes.formats import (
    OPTION_LETTERS,
    format_blanks,
    letters_of,
    parse_alternatives,
    parse_letters,
    split_names,
)
from quizzes.models import (
    EssayQuestion,
    FillBlankQuestion,
    KnowledgePoint,
    MultipleChoiceQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)


class OptionLinesField(forms.CharField):
    """A list of options, one per (non-empty) line."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(option) for option in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


class BlankLinesField(forms.CharField):
    """The accepted answers of each blank: one blank per line, alternatives separated by "|"."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return format_blanks(value, separator="\n")
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value)
        return [parse_alternatives(line) for line in text.splitlines() if line.strip()]


class AnswerLettersField(forms.CharField):
    """The right option(s) as letters: "B" ↔ 1 for single choice, "ACD" ↔ [0, 2, 3] for multiple."""

    def __init__(self, *, multiple: bool, **kwargs) -> None:
        self.multiple = multiple
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return letters_of([value])
        if isinstance(value, list):
            return letters_of(value)
        return value

    def to_python(self, value):
        if isinstance(value, int | list):
            return value
        text = super().to_python(value)
        if not text:
            return None
        indexes = parse_letters(text)
        if indexes is None:
            raise ValidationError("请填写选项字母，如 " + ("ACD。" if self.multiple else "B。"))
        if not self.multiple and len(indexes) != 1:
            raise ValidationError("单选题只能有一个正确答案。")
        return indexes if self.multiple else indexes[0]


class KnowledgePointNamesField(forms.CharField):
    """Knowledge points typed as names separated by "、"; unknown names are created on save."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "、".join(str(point) for point in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(point) for point in value]
        return split_names(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        for name in value:
            if len(name) > KnowledgePoint.MAX_LENGTH:
                raise ValidationError(
                    f"知识点“{name}”过长，不能超过 {KnowledgePoint.MAX_LENGTH} 个字。"
                )


class QuestionForm(WagtailAdminModelForm):
    """The fields every question type shares (their widgets are set by the panels)."""

    knowledge_points = KnowledgePointNamesField(
        label="知识点",
        required=False,
        help_text="多个知识点用“、”分隔；新的知识点保存时自动创建。",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "status" in self.fields:  # 历史版本 is set by saving, never chosen
            self.fields["status"].choices = [
                (value, label)
                for value, label in self.fields["status"].choices
                if value != Question.Status.ARCHIVED
            ]

    def save(self, commit=True):
        # A person who saves an automatic draft has reviewed it: it may be drawn once published.
        if self.instance.origin == Question.Origin.AUTO_DRAFT:
            self.instance.origin = Question.Origin.AUTO_ACCEPTED
        return super().save(commit=commit)

    def _save_m2m(self):
        # The names are turned into knowledge points only once the question is saved.
        names = self.cleaned_data.pop("knowledge_points", None)
        super()._save_m2m()
        if names is not None:
            self.instance.knowledge_points.set(KnowledgePoint.named(names))


class ChoiceQuestionForm(QuestionForm):
    options = OptionLinesField(
        label="选项",
        help_text=f"每行一个选项，依次为 A、B、C……，2 到 {len(OPTION_LETTERS)} 个。",
    )

    def clean_options(self):
        options = self.cleaned_data["options"]
        if len(options) > len(OPTION_LETTERS):
            raise ValidationError(
                f"最多 {len(OPTION_LETTERS)} 个选项（与 Excel 模板的选项A…选项{OPTION_LETTERS[-1]}一致）。"
            )
        return options


class SingleChoiceQuestionForm(ChoiceQuestionForm):
    correct = AnswerLettersField(
        multiple=False, label="正确答案", help_text="填写一个选项字母，如 B。"
    )


class MultipleChoiceQuestionForm(ChoiceQuestionForm):
    correct = AnswerLettersField(
        multiple=True, label="正确答案", help_text="填写两个或以上选项字母，如 ACD。"
    )


class TrueFalseQuestionForm(QuestionForm):
    correct = forms.TypedChoiceField(
        label="正确答案",
        choices=[(True, "正确"), (False, "错误")],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )


class FillBlankQuestionForm(QuestionForm):
    blanks = BlankLinesField(
        label="各空答案",
        help_text="每行对应题干中的一个“____”（按顺序）；同一空的多个可接受答案用“|”分隔，如 署名|签名。",
    )


class EssayQuestionForm(QuestionForm):
    pass


FORMS = {
    SingleChoiceQuestion: SingleChoiceQuestionForm,
    MultipleChoiceQuestion: MultipleChoiceQuestionForm,
    TrueFalseQuestion: TrueFalseQuestionForm,
    FillBlankQuestion: FillBlankQuestionForm,
    EssayQuestion: EssayQuestionForm,
}
