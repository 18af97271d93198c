"""Grading of every question type, as pure functions."""

from decimal import Decimal

import pytest

from quizzes.grading import (
    chinese_to_int,
    grade_fill,
    grade_multiple,
    grade_single,
    grade_truefalse,
    normalize_text,
    passed,
    ungraded,
)

TWO = Decimal(2)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("八", 8),
        ("十", 10),
        ("十二", 12),
        ("三十", 30),
        ("一百零五", 105),
        ("两万", 20000),
        ("学时", None),
    ],
)
def test_chinese_numerals(text, number):
    """Chinese numerals read as integers."""
    assert chinese_to_int(text) == number


@pytest.mark.parametrize(
    ("given", "accepted"),
    [
        ("８", "8"),
        ("八", "8"),
        (" 8 个学时", "8个学时"),
        ("百分之五十", "50%"),
        ("三分之二", "2/3"),
        ("ＡＢＣ", "abc"),
        ("“署名”", "署名"),
    ],
)
def test_normalize_folds_width_space_and_numerals(given, accepted):
    """Full-/half-width, spaces, quotes and 8/八 compare equal."""
    assert normalize_text(given) == normalize_text(accepted)


def test_single_choice():
    """Single choice scores full points for the right index, zero otherwise."""
    assert grade_single(2, 2, TWO).score == TWO and grade_single(2, 2, TWO).is_correct
    assert grade_single(2, 1, TWO).score == 0 and grade_single(2, None, TWO).is_correct is False


def test_true_false():
    """True/false compares booleans only (a string "true" is not an answer)."""
    assert grade_truefalse(False, False, TWO).is_correct
    assert not grade_truefalse(False, True, TWO).is_correct
    assert not grade_truefalse(False, "false", TWO).is_correct
    assert not grade_truefalse(False, None, TWO).is_correct


@pytest.mark.parametrize(
    ("rule", "response", "score"),
    [
        ("all", [0, 2], Decimal(2)),
        ("all", [0], Decimal(0)),
        ("partial", [0], Decimal("1.00")),
        ("partial", [0, 1], Decimal(0)),
        ("penalty", [0, 2, 1], Decimal("1.00")),
        ("penalty", [1, 3], Decimal(0)),
    ],
)
def test_multiple_choice_partial_credit_rules(rule, response, score):
    """Multiple choice follows the quiz's partial-credit rule."""
    result = grade_multiple([0, 2], response, TWO, rule)
    assert result.score == score
    assert result.is_correct == (sorted(response) == [0, 2])


def test_fill_blank_accepts_any_listed_answer_per_blank():
    """Each blank accepts any of its answers, normalised; partial blanks earn part of the points."""
    blanks = [["8", "八"], ["15%", "百分之十五"]]
    assert grade_fill(blanks, ["八", "百分之十五"], TWO).is_correct
    half = grade_fill(blanks, ["8", "20%"], TWO)
    assert half.score == Decimal("1.00") and not half.is_correct


def test_essay_waits_for_marking():
    """An essay is not graded automatically."""
    assert ungraded().is_correct is None


def test_pass_mark():
    """Passing needs at least the pass percentage of the maximum score."""
    assert passed(Decimal(60), Decimal(100), Decimal(60))
    assert not passed(Decimal("59.99"), Decimal(100), Decimal(60))
