"""Grading: pure functions from a question's key and a stored response to a score. No database.

Each question type grades with its own function here (``Question.grade`` picks it). Stored
responses: single → option index, multiple → list of option indexes, truefalse → bool, fill →
list of strings (one per blank), essay → text. Indexes always refer to the question's own option
order, never to the shuffled order the learner saw.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUMBER = re.compile(f"[{''.join(CN_DIGITS)}{''.join(CN_UNITS)}]+")
PUNCTUATION = re.compile(r"[\s,.;:!?'\"“”‘’、。,;:!?()()《》<>\[\]【】·\-—_]+")


@dataclass(frozen=True)
class Grade:
    score: Decimal
    is_correct: bool | None  # None: waits for manual marking


def chinese_to_int(text: str) -> int | None:
    """八 → 8, 十二 → 12, 三十 → 30, 一百零五 → 105; None when it is not a number."""
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
    return total + section + (digit or 0)


def normalize_text(text: str) -> str:
    """Fold full-width forms, case, spaces, punctuation and Chinese numerals.

    八 and 8, ８ and 8, 百分之五十 and 50%, “三分之二” and 2/3 compare equal.
    """
    text = unicodedata.normalize("NFKC", str(text)).lower().strip()
    text = re.sub(rf"百分之({CN_NUMBER.pattern}|\d+)", r"\1%", text)
    text = re.sub(rf"({CN_NUMBER.pattern}|\d+)分之({CN_NUMBER.pattern}|\d+)", r"\2/\1", text)
    text = CN_NUMBER.sub(
        lambda m: str(v) if (v := chinese_to_int(m.group())) is not None else m.group(), text
    )
    return PUNCTUATION.sub("", text)


def is_blank(response) -> bool:
    """No answer at all: nothing saved, an empty text or an empty choice."""
    return response is None or response == "" or response == []


def grade_single(correct: int, response, points: Decimal) -> Grade:
    right = not is_blank(response) and _as_int(response) == correct
    return Grade(points if right else Decimal(0), right)


def grade_truefalse(correct: bool, response, points: Decimal) -> Grade:
    """Booleans only: a string "false" is not an answer."""
    right = response is correct
    return Grade(points if right else Decimal(0), right)


def grade_multiple(correct: list[int], response, points: Decimal, rule: str = "partial") -> Grade:
    """All right: full points; otherwise by the quiz's rule (partial, penalty or all)."""
    if is_blank(response):
        return Grade(Decimal(0), False)
    return _grade_multiple(set(correct), response, points, rule)


def grade_fill(blanks: list[list[str]], response, points: Decimal) -> Grade:
    """Each blank accepts any of its answers, normalised; right blanks earn their share."""
    if is_blank(response):
        return Grade(Decimal(0), False)
    fraction = _fill_fraction(blanks, response)
    return Grade(_round(points * fraction), fraction == 1)


def ungraded() -> Grade:
    """An essay waits for a marker."""
    return Grade(Decimal(0), None)


def _grade_multiple(correct: set[int], response, points: Decimal, rule: str) -> Grade:
    chosen = {i for i in (_as_int(r) for r in response) if i is not None}
    if chosen == correct:
        return Grade(points, True)
    right, wrong = len(chosen & correct), len(chosen - correct)
    if rule == "partial" and not wrong:
        return Grade(_round(points * Decimal(right) / len(correct)), False)
    if rule == "penalty":
        net = max(right - wrong, 0)
        return Grade(_round(points * Decimal(net) / len(correct)), False)
    return Grade(Decimal(0), False)


def _fill_fraction(blanks: list[list[str]], response) -> Decimal:
    if not isinstance(response, list):
        response = [response]
    hits = sum(
        1
        for accepted, given in zip(blanks, response, strict=False)
        if given is not None and normalize_text(given) in {normalize_text(a) for a in accepted}
    )
    return Decimal(hits) / len(blanks)


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def passed(score: Decimal, max_score: Decimal, pass_percent: Decimal) -> bool:
    return max_score > 0 and score * 100 >= max_score * pass_percent
