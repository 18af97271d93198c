"""Spaced re-practice against "k right answers in a row", on simulated learners.

    .venv/bin/python bench/spaced_review.py [--learners 20000] [--seed 7]

Each simulated learner answers one question wrong on day 0 and sees the key. Their memory of
it follows an exponential forgetting curve, R(t) = exp(-t / S), with a stability S in days that
starts from a log-normal draw around one day. A review succeeds with probability R; a success
multiplies S by 1.2 + 3 × (1 − R) (reviewing when half forgotten strengthens memory more than
reviewing what is still fresh: the spacing effect), a failure shows the key again and sets
S to max(0.5, 0.6 × S). This model is the benchmark's own, not FSRS's (whose curve is a power
law), so FSRS is not graded by its own assumptions.

Strategies:
- "k in a row": the question comes back every day until it is answered right k days running,
  then leaves the book (the platform's old rule was k = 2, even within one sitting);
- "FSRS": the platform's schedule (``quizzes.spacing``): back on the day FSRS sets, leaves the
  book after right answers on two separate days.

Printed per strategy: reviews per learner and retention, the mean R on day 60.
"""

import argparse
import math
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizzes import spacing  # noqa: E402

DAY0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
HORIZON = 60


def first_stability(rng: random.Random) -> float:
    return math.exp(rng.gauss(math.log(2), 0.5))


def review(stability: float, elapsed: float, rng: random.Random) -> tuple[bool, float]:
    recall = math.exp(-elapsed / stability)
    if rng.random() < recall:
        return True, stability * (1.2 + 3 * (1 - recall))
    return False, max(1.0, 0.7 * stability)


def in_a_row(k: int, rng: random.Random) -> tuple[int, float]:
    stability, last, streak, reviews, day = first_stability(rng), 0, 0, 0, 0
    while streak < k and day < HORIZON:
        day += 1
        right, stability = review(stability, day - last, rng)
        reviews, last, streak = reviews + 1, day, streak + 1 if right else 0
    return reviews, math.exp(-(HORIZON - last) / stability)


def fsrs(rng: random.Random) -> tuple[int, float]:
    stability, last, reviews = first_stability(rng), 0, 0
    state = spacing.EntryState({}, None, 0, 0, None, None, False)
    state = spacing.after_answer(state, correct=False, now=DAY0, today=DAY0.date())
    while not state.cleared:
        day = (state.due_at - DAY0).days
        if day >= HORIZON:
            break
        right, stability = review(stability, day - last, rng)
        moment = DAY0 + timedelta(days=day)
        state = spacing.after_answer(state, correct=right, now=moment, today=moment.date())
        reviews, last = reviews + 1, day
    return reviews, math.exp(-(HORIZON - last) / stability)


def run(strategy, learners: int, seed: int) -> tuple[float, float]:
    rng = random.Random(seed)
    results = [strategy(rng) for _ in range(learners)]
    return (
        sum(r for r, _ in results) / learners,
        sum(p for _, p in results) / learners,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"{'strategy':<14}{'reviews':>10}{'retention day 60':>20}")
    for k in (2, 3, 5, 10, 20, 30, 40):
        reviews, kept = run(lambda rng, k=k: in_a_row(k, rng), args.learners, args.seed)
        print(f"{f'{k} in a row':<14}{reviews:>10.2f}{kept:>19.1%}")
    reviews, kept = run(fsrs, args.learners, args.seed)
    print(f"{'FSRS':<14}{reviews:>10.2f}{kept:>19.1%}")


if __name__ == "__main__":
    main()
