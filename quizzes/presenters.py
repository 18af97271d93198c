"""What the attempt and result pages show of each question.

The attempt page gets only what a learner may see before finishing (stem, options in their
shuffled order, their own saved answer); nothing here reads a key or an explanation for it.
The paper is shown in sections by question type, as a printed exam is; the review marks every
option against the learner's choice.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

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
    seq: int = 0  # the stored answer's sequence number: the page's saves continue from it
    segments: list[tuple[str, str | None]] = field(default_factory=list)  # fill: text, blank
    question_id: int = 0
    widget_key: str = ""  # where its blank widget is kept: question version and option order
    widget: str = ""  # the answer widget's HTML, when rendered ahead of the page


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
        seq=row.seq,
        segments=_fill_segments(parts, shown if isinstance(shown, list) else []),
        question_id=row.question_id,
        widget_key=_widget_key(row),
    )


def _widget_key(row: AttemptQuestion) -> str:
    """A question nobody has answered yet looks the same on every paper that orders its
    options alike: its widget is kept per question version (``shown_key``) and option order."""
    version = getattr(row, "shown_key", "")
    if not version or row.response is not None:
        return ""
    return f"{version}:widget:{','.join(map(str, row.option_order or []))}"


WIDGET_CACHE_SECONDS = 24 * 3600


def render_widgets(items: list[PaperItem]) -> None:
    """Sets each item's answer widget as HTML: blank ones from the cache (rendered and kept
    when missing), answered ones rendered for their answer. Rendering fifty widgets was about
    a third of the attempt page's cost; one cache read of fifty is a fraction of that."""
    keys = {item.widget_key for item in items if item.widget_key}
    kept = cache.get_many(list(keys)) if keys else {}
    fresh = {}
    for item in items:
        widget = kept.get(item.widget_key) or render_to_string(item.template, {"item": item})
        item.widget = mark_safe(widget)  # the project's own template rendered it
        if item.widget_key and item.widget_key not in kept:
            fresh[item.widget_key] = item.widget
    if fresh:
        cache.set_many(fresh, WIDGET_CACHE_SECONDS)


def _fill_segments(parts: list[str], values: list) -> list[tuple[str, str | None]]:
    """Stem text pieces, each followed by the learner's value for the blank after it."""
    blanks = len(parts) - 1
    values = [str(v) for v in values] + [""] * blanks
    return [(part, values[i] if i < blanks else None) for i, part in enumerate(parts)]


def response_display(row: AttemptQuestion) -> str:
    """The learner's answer as text for the review (letters in their own order)."""
    return row.question.response_text(row.response, row.option_order)


# Sections ---------------------------------------------------------------------------------------

SECTION_NUMBERS = "一二三四五六七八九十"


@dataclass
class Section:
    number: str
    label: str
    items: list

    @property
    def points_text(self) -> str:
        points = {item.points for item in self.items}
        if len(points) == 1:
            return f"每题 {_number(points.pop())} 分"
        return f"共 {_number(sum((item.points for item in self.items), Decimal(0)))} 分"

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.label}（共 {len(self.items)} 题，{self.points_text}）"


def sections(items: list) -> list[Section]:
    """Consecutive items of one type as one section: 一、单选题(共 10 题,每题 2 分)."""
    result: list[Section] = []
    for item in items:
        if not result or result[-1].label != item.kind_label:
            number = SECTION_NUMBERS[len(result) % len(SECTION_NUMBERS)]
            result.append(Section(number, item.kind_label, []))
        result[-1].items.append(item)
    return result


def _number(value) -> str:
    return format(Decimal(value).normalize(), "f")


# The review -------------------------------------------------------------------------------------


@dataclass
class ReviewOption:
    letter: str
    text: str
    chosen: bool
    right: bool

    @property
    def mark(self) -> str:
        """✓ on the right option, ✗ on a chosen wrong one."""
        return "✓" if self.right else ("✗" if self.chosen else "")


@dataclass
class ReviewItem:
    row: AttemptQuestion
    kind_label: str
    given: str
    options: list[ReviewOption]
    state: str  # right, wrong, unanswered, pending


def review_item(row: AttemptQuestion) -> ReviewItem:
    question = row.question
    answered = question.is_answered(row.response)
    if row.is_correct:
        state = "right"
    elif not answered:
        state = "unanswered"
    else:
        state = "wrong" if row.is_correct is False else "pending"
    options = [ReviewOption(*o) for o in question.review_options(row.response, row.option_order)]
    return ReviewItem(row, question.type_label, response_display(row), options, state)


def review_counts(items: list[ReviewItem]) -> Counter:
    return Counter(item.state for item in items)
