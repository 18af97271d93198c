"""Quiz statistics: summary figures, score bands and Moodle's item analysis. No database.

The input is plain data. A quiz's results are ``AttemptResult`` rows (one per finished attempt);
the item analysis takes one mapping per attempt, question id → (score, max score), for the
questions that attempt's paper held. Moodle's definitions are used:

* facility index: the mean score on the item as a percentage of the item's maximum;
* discrimination index: the Pearson correlation (as a percentage) between the score on the item
  and the score on the rest of the paper (the attempt's total minus this item), over the
  attempts that got the item; undefined (``None``) for fewer than two attempts or zero variance.

Arithmetic is done in ``Decimal`` so that "zero variance" is exact; results are floats.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

BANDS = 10
ItemScores = Mapping[int, tuple[Decimal | None, Decimal]]


@dataclass(frozen=True)
class AttemptResult:
    """A finished attempt; ``score`` and ``passed`` are None while essays await marking."""

    user_id: int
    score: Decimal | None
    max_score: Decimal
    passed: bool | None

    @property
    def is_graded(self) -> bool:
        return self.score is not None and self.passed is not None

    @property
    def percent(self) -> Decimal | None:
        if self.score is None or not self.max_score:
            return None
        return self.score * 100 / self.max_score


@dataclass(frozen=True)
class Summary:
    attempts: int
    participants: int
    graded: int
    pending: int
    average_score: Decimal | None
    average_percent: Decimal | None
    pass_rate: Decimal | None
    bands: list[int]


@dataclass(frozen=True)
class ItemStats:
    question_id: int
    responses: int
    facility: float | None
    discrimination: float | None


def summarize(results: Iterable[AttemptResult]) -> Summary:
    """Counts over every finished attempt; scores, pass rate and bands over graded ones only."""
    results = list(results)
    graded = [r for r in results if r.is_graded]
    percents = [p for p in (r.percent for r in graded) if p is not None]
    return Summary(
        attempts=len(results),
        participants=len({r.user_id for r in results}),
        graded=len(graded),
        pending=len(results) - len(graded),
        average_score=_mean([r.score for r in graded]),
        average_percent=_mean(percents),
        pass_rate=_mean([Decimal(100 if r.passed else 0) for r in graded]),
        bands=score_bands(percents),
    )


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def score_bands(percents: Iterable[Decimal]) -> list[int]:
    """How many percentages fall in 0–10 %, 10–20 %, … 90–100 % (100 % counts in the last)."""
    bands = [0] * BANDS
    for percent in percents:
        index = int(percent // (Decimal(100) / BANDS))
        bands[min(max(index, 0), BANDS - 1)] += 1
    return bands


def band_labels() -> list[str]:
    width = 100 // BANDS
    return [f"{low}–{low + width}%" for low in range(0, 100, width)]


def item_analysis(attempts: Iterable[ItemScores]) -> dict[int, ItemStats]:
    """Facility and discrimination of every question any attempt got, keyed by question id."""
    attempts = [_scored(a) for a in attempts]
    question_ids = sorted({qid for attempt in attempts for qid in attempt})
    return {qid: _item(qid, attempts) for qid in question_ids}


def _scored(attempt: ItemScores) -> dict[int, tuple[Decimal, Decimal]]:
    """An attempt's items that have a score (an unmarked essay has not been "got" yet)."""
    return {qid: (s, m) for qid, (s, m) in attempt.items() if s is not None}


def _item(question_id: int, attempts: list[dict[int, tuple[Decimal, Decimal]]]) -> ItemStats:
    got = [a for a in attempts if question_id in a]
    item = [a[question_id][0] for a in got]
    rest = [sum((s for s, _ in a.values()), Decimal(0)) - a[question_id][0] for a in got]
    return ItemStats(
        question_id=question_id,
        responses=len(got),
        facility=facility([a[question_id] for a in got]),
        discrimination=_percent(pearson(item, rest)),
    )


def facility(scores: list[tuple[Decimal, Decimal]]) -> float | None:
    """Mean of score / max over the (score, max) pairs, as a percentage."""
    fractions = [score / maximum for score, maximum in scores if maximum]
    mean = _mean(fractions)
    return None if mean is None else float(mean * 100)


def pearson(xs: list[Decimal], ys: list[Decimal]) -> Decimal | None:
    """Pearson's r; None for fewer than two pairs or when either side does not vary."""
    if len(xs) < 2:
        return None
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if not sxx or not syy:
        return None
    return sxy / (sxx * syy).sqrt()


def _percent(value: Decimal | None) -> float | None:
    return None if value is None else float(value * 100)
