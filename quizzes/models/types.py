"""The five question types. Each validates and stores a browser response, grades it, shows it
for review and reads and writes its answer in the Excel import's text format, as Moodle's
question types do; nothing outside this module tells the types apart.

A stored response is in the question's own option order; ``option_order`` (the shuffled order
one learner saw, shown position → own index) maps it to and from what the browser sends.
"""

from django.core.exceptions import ValidationError
from django.db import models

from quizzes import grading
from quizzes.formats import (
    BLANK_MARK,
    OPTION_LETTERS,
    format_blanks,
    letters_of,
    parse_blanks,
    parse_letters,
    parse_truefalse,
)
from quizzes.models.bank import AnswerError, Question

MAX_BLANK_LENGTH = 200
MAX_BLANKS = 50
MAX_ESSAY_LENGTH = 20000


def _required(answer: str, message: str = "答案不能为空") -> None:
    if not answer:
        raise AnswerError(message)


class ChoiceQuestion(Question):
    """Shared fields and behaviour of single- and multiple-choice questions."""

    options = models.JSONField("选项", default=list)

    has_options = True
    answer_fields = ("options", "correct")
    response_template = "quizzes/responses/choice.html"
    example_answer = "B"

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if not 2 <= len(self.options) <= len(OPTION_LETTERS):
            raise ValidationError({"options": f"选项应为 2 到 {len(OPTION_LETTERS)} 个。"})
        if any(not str(o).strip() for o in self.options):
            raise ValidationError({"options": "选项内容不能为空。"})
        if len(set(self.options)) != len(self.options):
            raise ValidationError({"options": "选项内容不能重复。"})

    def option_count(self) -> int:
        return len(self.options)

    def same_shape(self, other: Question) -> bool:
        return type(other) is type(self) and len(other.options) == len(self.options)

    def review_options(self, response, order: list[int]) -> list[tuple[str, str, bool, bool]]:
        order = order or list(range(len(self.options)))
        chosen = response if isinstance(response, list) else [response]
        right = self.correct_response()
        right = right if isinstance(right, list) else [right]
        return [
            (OPTION_LETTERS[shown], self.options[own], own in chosen, own in right)
            for shown, own in enumerate(order)
        ]

    def key_text(self) -> str:
        right = self.correct_response()
        right = right if isinstance(right, list) else [right]
        return f"{self.answer_display()}({';'.join(self.options[i] for i in right)})"

    def shown_options(self, order: list[int]) -> list[str]:
        return [self.options[original] for original in order]

    def letters(self, indexes, order: list[int] | None = None) -> str:
        order = order or list(range(len(self.options)))
        return "".join(OPTION_LETTERS[order.index(i)] for i in sorted(indexes, key=order.index))

    @staticmethod
    def own_index(shown, order: list[int]) -> int:
        """The question's own index of the option shown at position ``shown``."""
        shown = int(shown)
        if not 0 <= shown < len(order):
            raise IndexError(shown)
        return order[shown]

    def shown_response(self, response, order: list[int]):
        if response is None or not order:
            return response
        to_shown = {original: shown for shown, original in enumerate(order)}
        if isinstance(response, list):
            return sorted(to_shown[i] for i in response if i in to_shown)
        return to_shown.get(response)

    def response_text(self, response, order: list[int]) -> str:
        if not self.is_answered(response):
            return "未作答"
        shown = self.shown_response(response, order or list(range(len(self.options))))
        shown = shown if isinstance(shown, list) else [shown]
        return "".join(OPTION_LETTERS[i] for i in shown if i is not None)

    @classmethod
    def answer_letters(cls, answer: str, options: list[str]) -> list[int]:
        _required(answer)
        indexes = parse_letters(answer)
        if indexes is None:
            raise AnswerError(f"答案“{answer}”无效，应为选项字母，如 {cls.example_answer}")
        outside = [i for i in indexes if i >= len(options)]
        if outside:
            raise AnswerError(
                f"答案“{letters_of(outside)}”不在已填写的选项中（共 {len(options)} 个选项）"
            )
        return indexes


class SingleChoiceQuestion(ChoiceQuestion):
    kind = "single"
    type_label = "单选题"
    input_type = "radio"
    correct = models.PositiveSmallIntegerField("正确选项序号", help_text="从 0 开始。")

    class Meta:
        verbose_name = "单选题"
        verbose_name_plural = "单选题"

    def clean(self):
        super().clean()
        if self.correct is not None and self.correct >= len(self.options):
            raise ValidationError({"correct": "正确答案不在选项范围内。"})

    @classmethod
    def clean_response(cls, raw, order: list[int]):
        return cls.own_index(raw, order)

    def grade(self, response, points, *, multiple_rule="partial"):
        return grading.grade_single(self.correct, response, points)

    def answer_display(self, order=None) -> str:
        return self.letters([self.correct], order)

    def correct_response(self):
        return self.correct

    def wrong_response(self):
        return (self.correct + 1) % len(self.options)

    def excel_answer(self) -> str:
        return letters_of([self.correct])

    @classmethod
    def excel_fields(cls, *, stem: str, options: list[str], answer: str) -> dict:
        indexes = cls.answer_letters(answer, options)
        if len(indexes) != 1:
            raise AnswerError("单选题只能有一个正确答案")
        return {"options": options, "correct": indexes[0]}


class MultipleChoiceQuestion(ChoiceQuestion):
    kind = "multiple"
    type_label = "多选题"
    input_type = "checkbox"
    example_answer = "ACD"
    correct = models.JSONField("正确选项序号", default=list, help_text="从 0 开始的序号列表。")

    class Meta:
        verbose_name = "多选题"
        verbose_name_plural = "多选题"

    def clean(self):
        super().clean()
        if len(set(self.correct)) < 2:
            raise ValidationError({"correct": "多选题至少要有两个正确选项。"})
        if any(not 0 <= i < len(self.options) for i in self.correct):
            raise ValidationError({"correct": "正确答案不在选项范围内。"})

    @classmethod
    def clean_response(cls, raw, order: list[int]):
        return sorted({cls.own_index(shown, order) for shown in raw})

    def grade(self, response, points, *, multiple_rule="partial"):
        return grading.grade_multiple(self.correct, response, points, multiple_rule)

    def answer_display(self, order=None) -> str:
        return self.letters(self.correct, order)

    def correct_response(self):
        return sorted(self.correct)

    def wrong_response(self):
        return sorted(self.correct)[:1]

    def excel_answer(self) -> str:
        return letters_of(self.correct)

    @classmethod
    def excel_fields(cls, *, stem: str, options: list[str], answer: str) -> dict:
        indexes = cls.answer_letters(answer, options)
        if len(indexes) < 2:
            raise AnswerError("多选题至少需要两个正确答案")
        return {"options": options, "correct": indexes}


class TrueFalseQuestion(Question):
    kind = "truefalse"
    type_label = "判断题"
    answer_fields = ("correct",)
    response_template = "quizzes/responses/truefalse.html"
    correct = models.BooleanField("正确答案", help_text="勾选表示该说法正确。")

    class Meta:
        verbose_name = "判断题"
        verbose_name_plural = "判断题"

    def same_shape(self, other: Question) -> bool:
        return type(other) is type(self)

    @classmethod
    def clean_response(cls, raw, order: list[int]):
        if isinstance(raw, bool):
            return raw
        raise ValueError(raw)

    def grade(self, response, points, *, multiple_rule="partial"):
        return grading.grade_truefalse(self.correct, response, points)

    def response_text(self, response, order: list[int]) -> str:
        if not self.is_answered(response):
            return "未作答"
        return "正确" if response is True else "错误"

    def review_options(self, response, order: list[int]) -> list[tuple[str, str, bool, bool]]:
        return [
            ("", "正确", response is True, self.correct is True),
            ("", "错误", response is False, self.correct is False),
        ]

    def answer_display(self, order=None) -> str:
        return "正确" if self.correct else "错误"

    def correct_response(self):
        return self.correct

    def wrong_response(self):
        return not self.correct

    def excel_answer(self) -> str:
        return self.answer_display()

    @classmethod
    def excel_fields(cls, *, stem: str, options: list[str], answer: str) -> dict:
        _required(answer)
        value = parse_truefalse(answer)
        if value is None:
            raise AnswerError(f"判断题答案“{answer}”无效，应为正确或错误")
        return {"correct": value}


class FillBlankQuestion(Question):
    kind = "fill"
    type_label = "填空题"
    answer_fields = ("blanks",)
    response_template = "quizzes/responses/fill.html"
    blanks = models.JSONField(
        "各空可接受答案", default=list, help_text="每个空一个列表，列出所有可接受的答案。"
    )

    class Meta:
        verbose_name = "填空题"
        verbose_name_plural = "填空题"

    def same_shape(self, other: Question) -> bool:
        return type(other) is type(self) and len(other.blanks) == len(self.blanks)

    def clean(self):
        super().clean()
        if not self.blanks or any(not answers for answers in self.blanks):
            raise ValidationError({"blanks": "每个空至少要有一个可接受的答案。"})
        if self.stem and self.stem.count(BLANK_MARK) != len(self.blanks):
            raise ValidationError({"stem": "题干中“____”的个数必须与空的个数一致。"})

    def stem_parts(self) -> list[str]:
        return self.stem.split(BLANK_MARK)

    @classmethod
    def clean_response(cls, raw, order: list[int]):
        if not isinstance(raw, list) or len(raw) > MAX_BLANKS:
            raise ValueError(raw)
        return [str(value)[:MAX_BLANK_LENGTH] for value in raw]

    def grade(self, response, points, *, multiple_rule="partial"):
        return grading.grade_fill(self.blanks, response, points)

    def response_text(self, response, order: list[int]) -> str:
        if not self.is_answered(response):
            return "未作答"
        values = response if isinstance(response, list) else [response]
        return ";".join(str(value) or "（空）" for value in values)

    def answer_display(self, order=None) -> str:
        return ";".join(answers[0] for answers in self.blanks)

    def correct_response(self):
        return [answers[0] for answers in self.blanks]

    def wrong_response(self):
        return ["不清楚"] * len(self.blanks)

    def excel_answer(self) -> str:
        return format_blanks(self.blanks)

    @classmethod
    def excel_fields(cls, *, stem: str, options: list[str], answer: str) -> dict:
        _required(answer)
        blanks = parse_blanks(answer)
        empty = [i for i, answers in enumerate(blanks, start=1) if not answers]
        if empty:
            raise AnswerError(f"第 {empty[0]} 个空没有填写答案")
        expected = stem.count(BLANK_MARK)
        if expected == 0:
            raise AnswerError("填空题题干中没有表示空的“____”（四个下划线）", column="题干")
        if expected != len(blanks):
            raise AnswerError(f"题干有 {expected} 个空（“____”），答案却有 {len(blanks)} 个空")
        return {"blanks": blanks}


class EssayQuestion(Question):
    kind = "essay"
    type_label = "简答题"
    answer_fields = ("rubric", "reference_answer")
    response_template = "quizzes/responses/essay.html"
    rubric = models.TextField("评分要点")
    reference_answer = models.TextField("参考答案", blank=True)

    class Meta:
        verbose_name = "简答题"
        verbose_name_plural = "简答题"

    @property
    def is_objective(self) -> bool:
        return False

    @classmethod
    def clean_response(cls, raw, order: list[int]):
        if isinstance(raw, list | dict):
            raise ValueError(raw)
        return str(raw)[:MAX_ESSAY_LENGTH]

    def grade(self, response, points, *, multiple_rule="partial"):
        return grading.ungraded()

    def answer_display(self, order=None) -> str:
        return self.reference_answer or self.rubric

    def correct_response(self):
        return self.reference_answer or self.rubric

    def wrong_response(self):
        return "不清楚。"

    def excel_answer(self) -> str:
        return self.rubric

    @classmethod
    def excel_fields(cls, *, stem: str, options: list[str], answer: str) -> dict:
        _required(answer, "简答题的答案（评分要点）不能为空")
        return {"rubric": answer}


QUESTION_TYPES: dict[str, type[Question]] = {
    model.kind: model
    for model in (
        SingleChoiceQuestion,
        MultipleChoiceQuestion,
        TrueFalseQuestion,
        FillBlankQuestion,
        EssayQuestion,
    )
}
