"""What the attempt and result pages show of each question.

The attempt page gets only what a learner may see before finishing (stem, options in their
shuffled order, their own saved answer); nothing here reads a key or an explanation for it.
"""

from dataclasses import dataclass, field

from quizzes.formats import OPTION_LETTERS
from quizzes.models import AttemptQuestion


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
    template: str  # the question type's answer widget
    input_type: str  # choice questions: radio or checkbox
    points: object
    stem_parts: list[str]
    options: list[Option] = field(default_factory=list)
    answer: object = None  # the learner's own answer, in shown positions / text
    flagged: bool = False
    answered: bool = False
    segments: list[tuple[str, str | None]] = field(default_factory=list)  # fill: text, blank


def paper_item(row: AttemptQuestion) -> PaperItem:
    """What the page shows of one paper row; the question's type decides every detail."""
    question = row.question
    shown = question.shown_response(row.response, row.option_order)
    chosen = set(shown if isinstance(shown, list) else [shown])
    parts = question.stem_parts()
    return PaperItem(
        position=row.position,
        kind=question.kind,
        kind_label=question.type_label,
        template=question.response_template,
        input_type=question.input_type,
        points=row.points,
        stem_parts=parts,
        options=[
            Option(i, OPTION_LETTERS[i], text, i in chosen)
            for i, text in enumerate(question.shown_options(row.option_order))
        ],
        answer=shown,
        flagged=row.flagged,
        answered=question.is_answered(row.response),
        segments=_fill_segments(parts, shown if isinstance(shown, list) else []),
    )


def _fill_segments(parts: list[str], values: list) -> list[tuple[str, str | None]]:
    """Stem text pieces, each followed by the learner's value for the blank after it."""
    blanks = len(parts) - 1
    values = [str(v) for v in values] + [""] * blanks
    return [(part, values[i] if i < blanks else None) for i, part in enumerate(parts)]


def response_display(row: AttemptQuestion) -> str:
    """The learner's answer as text for the review (letters in their own order)."""
    return row.question.response_text(row.response, row.option_order)
