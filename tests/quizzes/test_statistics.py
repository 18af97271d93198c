from decimal import Decimal

import pytest

from quizzes.statistics import (
    AttemptResult,
    band_labels,
    item_analysis,
    pearson,
    score_bands,
    summarize,
)


def d(value) -> Decimal:
    return Decimal(str(value))


def paper(**items) -> dict[int, tuple[Decimal, Decimal]]:
    """paper(q1=(2, 2), q3=(4, 5)) → {1: (2, 2), 3: (4, 5)}."""
    return {int(name[1:]): (d(score), d(top)) for name, (score, top) in items.items()}


FOUR_ATTEMPTS = [
    paper(q1=(2, 2), q2=(1, 1), q3=(4, 5)),  # total 7
    paper(q1=(2, 2), q2=(0, 1), q3=(3, 5)),  # total 5
    paper(q1=(0, 2), q2=(1, 1), q3=(1, 5)),  # total 2
    paper(q1=(1, 2), q2=(0, 1), q3=(2, 5)),  # total 3
]


def test_item_analysis_matches_hand_computed_values():
    """Facility and discrimination equal Moodle's formulas worked out by hand."""
    # Question 1 (max 2): scores x = 2, 2, 0, 1; rest of paper y = 7-2, 5-2, 2-0, 3-1 = 5, 3, 2, 2.
    #   facility = mean(x) / 2 = 1.25 / 2 = 62.5 %.
    #   mean x = 1.25, mean y = 3; dx = .75, .75, -1.25, -.25; dy = 2, 0, -1, -1.
    #   Sxy = 1.5 + 0 + 1.25 + .25 = 3; Sxx = .5625 + .5625 + 1.5625 + .0625 = 2.75;
    #   Syy = 4 + 0 + 1 + 1 = 6; r = 3 / sqrt(2.75 * 6) = 3 / sqrt(16.5) = 0.738549 → 73.85 %.
    # Question 2 (max 1): x = 1, 0, 1, 0; y = 6, 5, 1, 3; facility = 0.5 / 1 = 50 %.
    #   mean x = .5, mean y = 3.75; dx = ±.5; dy = 2.25, 1.25, -2.75, -.75.
    #   Sxy = 1.125 - .625 - 1.375 + .375 = -.5; Sxx = 1; Syy = 5.0625 + 1.5625 + 7.5625 + .5625
    #   = 14.75; r = -.5 / sqrt(14.75) = -0.130189 → -13.02 %.
    # Question 3 (max 5): x = 4, 3, 1, 2; y = 3, 2, 1, 1; facility = 2.5 / 5 = 50 %.
    #   dx = 1.5, .5, -1.5, -.5; dy = 1.25, .25, -.75, -.75; Sxy = 1.875 + .125 + 1.125 + .375
    #   = 3.5; Sxx = 5; Syy = 2.75; r = 3.5 / sqrt(13.75) = 0.943880 → 94.39 %.
    items = item_analysis(FOUR_ATTEMPTS)
    assert list(items) == [1, 2, 3]
    assert [items[q].responses for q in items] == [4, 4, 4]
    assert [items[q].facility for q in items] == pytest.approx([62.5, 50.0, 50.0])
    assert [items[q].discrimination for q in items] == pytest.approx(
        [73.8549, -13.0189, 94.3880], abs=1e-3
    )


def test_items_are_analysed_over_the_attempts_that_got_them():
    """A randomly drawn question counts only the papers it was on, against their own totals."""
    attempts = [
        paper(q1=(1, 1), q2=(1, 1), q4=(2, 2)),  # total 4
        paper(q1=(0, 1), q3=(2, 2), q4=(1, 2)),  # total 3
        paper(q1=(1, 1), q2=(0, 1), q3=(1, 2), q4=(0, 2)),  # total 2
    ]
    items = item_analysis(attempts)
    # Question 2 is on papers 1 and 3: x = 1, 0; rest = 4-1, 2-0 = 3, 2 → r = +1.
    assert items[2].responses == 2
    assert items[2].facility == pytest.approx(50.0)
    assert items[2].discrimination == pytest.approx(100.0)
    # Question 3 is on papers 2 and 3: x = 2, 1; rest = 1, 1 → the rest does not vary.
    assert items[3].responses == 2
    assert items[3].facility == pytest.approx(75.0)
    assert items[3].discrimination is None


def test_discrimination_is_undefined_for_one_attempt_or_no_variance():
    """Fewer than two attempts, or everyone scoring the same, gives no discrimination (—)."""
    single = item_analysis([paper(q1=(1, 1), q2=(0, 1))])
    assert single[1].discrimination is None and single[1].facility == 100.0
    same = item_analysis([paper(q1=(1, 1), q2=(0, 1)), paper(q1=(1, 1), q2=(1, 1))])
    assert same[1].discrimination is None  # question 1: everyone scored 1
    assert pearson([d("0.1")] * 3, [d(1), d(2), d(3)]) is None


def test_unmarked_answers_are_left_out():
    """An essay still waiting for a marker is not counted as answered."""
    attempts = [
        {1: (d(1), d(1)), 5: (None, d(10))},
        {1: (d(0), d(1)), 5: (d(6), d(10))},
    ]
    items = item_analysis(attempts)
    assert items[5].responses == 1
    assert items[5].facility == pytest.approx(60.0)
    assert items[1].responses == 2


def test_facility_uses_each_attempts_own_maximum():
    """When a question's points changed between papers, each score is scaled by its own max."""
    items = item_analysis([paper(q7=(1, 2)), paper(q7=(4, 4))])
    assert items[7].facility == pytest.approx(75.0)  # mean(1/2, 4/4) = 0.75


def test_summary_counts_everyone_and_scores_graded_attempts():
    """Counts include pending attempts; average, pass rate and bands use graded ones only."""
    results = [
        AttemptResult(user_id=1, score=d(80), max_score=d(100), passed=True),
        AttemptResult(user_id=1, score=d(50), max_score=d(100), passed=False),
        AttemptResult(user_id=2, score=d(20), max_score=d(20), passed=True),
        AttemptResult(user_id=3, score=None, max_score=d(100), passed=None),
    ]
    summary = summarize(results)
    assert (summary.attempts, summary.participants) == (4, 3)
    assert (summary.graded, summary.pending) == (3, 1)
    # average score (80 + 50 + 20) / 3 = 50; average percent (80 + 50 + 100) / 3 = 76.67
    assert summary.average_score == d(50)
    assert float(summary.average_percent) == pytest.approx(76.6667, abs=1e-3)
    assert float(summary.pass_rate) == pytest.approx(66.6667, abs=1e-3)
    assert summary.bands == [0, 0, 0, 0, 0, 1, 0, 0, 1, 1]


def test_empty_summary_has_no_figures():
    """With no finished attempts there is nothing to average."""
    summary = summarize([])
    assert summary.attempts == 0
    assert summary.average_score is None and summary.pass_rate is None
    assert summary.bands == [0] * 10


def test_score_bands_put_edges_in_the_upper_band_and_100_in_the_last():
    """10 % starts the second band; 100 % belongs to 90–100 %."""
    bands = score_bands([d(0), d("9.99"), d(10), d("89.9"), d("99.99"), d(100)])
    assert bands == [2, 1, 0, 0, 0, 0, 0, 0, 1, 2]
    assert band_labels()[0] == "0–10%" and band_labels()[-1] == "90–100%"
