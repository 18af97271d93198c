"""What the attempt and result pages show of each question.

The attempt page gets only what a learner may see before finishing (stem, options in their
shuffled order, their own saved answer); nothing here reads a key or an explanation for it.
"""

from dataclasses import dataclass, field

from quizzes.models import AttemptQuestion
from quizzes.models.bank import OPTION_LETTERS

TYPE_NAMES = {
    "singlechoicequestion": ("single", "单选题"),
    "multiplechoicequestion": ("multiple", "多选题"),
    "truefalsequestion": ("truefalse", "判断题"),
    "fillblankquestion": ("fill", "填空题"),
    "essayquestion": ("essay", "简答题"),
}


@dataclass
class Option:
    index: int  # position as shown to this learner
    letter: str
    text: str
    chosen: bool


@dataclass
class PaperItem:
    position: int
    kind: str
    kind_label: str
    points: object
    stem_parts: list[str]
    options: list[Option] = field(default_factory=list)
    answer: object = None  # the learner's own answer, in shown positions / text
    flagged: bool = False
    answered: bool = False
    segments: list[tuple[str, str | None]] = field(default_factory=list)  # fill: text, blank


def paper_item(row: AttemptQuestion) -> PaperItem:
    question = row.question
    kind, label = TYPE_NAMES[question._meta.model_name]
    item = PaperItem(
        position=row.position,
        kind=kind,
        kind_label=label,
        points=row.points,
        stem_parts=question.stem.split("____") if kind == "fill" else [question.stem],
        flagged=row.flagged,
        answered=answered(row.response),
    )
    shown = shown_response(row)
    if kind in ("single", "multiple"):
        chosen = set(shown if isinstance(shown, list) else [shown])
        item.options = [
            Option(i, OPTION_LETTERS[i], question.options[original], i in chosen)
            for i, original in enumerate(row.option_order)
        ]
    item.answer = shown
    if kind == "fill":
        item.segments = _fill_segments(item.stem_parts, shown or [])
    return item


def _fill_segments(parts: list[str], values: list) -> list[tuple[str, str | None]]:
    """Stem text pieces, each followed by the learner's value for the blank after it."""
    blanks = len(parts) - 1
    values = [str(v) for v in values] + [""] * blanks
    return [(part, values[i] if i < blanks else None) for i, part in enumerate(parts)]


def answered(response) -> bool:
    if response is None or response == "":
        return False
    if isinstance(response, list):
        return any(str(v).strip() for v in response)
    return True


def shown_response(row: AttemptQuestion):
    """The saved response with option indexes mapped back to the order this learner saw."""
    response = row.response
    if response is None or not row.option_order:
        return response
    to_shown = {original: shown for shown, original in enumerate(row.option_order)}
    if isinstance(response, list):
        return sorted(to_shown[i] for i in response if i in to_shown)
    return to_shown.get(response)


def response_display(row: AttemptQuestion) -> str:
    """The learner's answer as text for the review (letters in their own order)."""
    shown = shown_response(row)
    if not answered(row.response):
        return "未作答"
    if row.option_order:
        shown = shown if isinstance(shown, list) else [shown]
        return "".join(OPTION_LETTERS[i] for i in shown)
    if isinstance(shown, bool):
        return "正确" if shown else "错误"
    if isinstance(shown, list):
        return ";".join(str(v) or "(空)" for v in shown)
    return str(shown)
