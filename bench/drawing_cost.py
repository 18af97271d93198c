"""What drawing a paper costs next to drawing plain random samples of ids (pure Python).

    .venv/bin/python bench/drawing_cost.py [--repeat 2000]

Two blueprints: the demo exam's shape (6 rules, 50 questions, 30 % regulation, pools of the
demo bank's size) and the same rules over a 5,000-question bank. For each, the time of
``drawing.draw`` on a kept blueprint is divided by the time of ``random.sample`` of the same
counts from the same pools: the ratio is what the paper's rules (regulation share, same-fact
groups, no question twice) cost over a plain draw. Both are timed in alternating batches and
the fastest batch of each counts, so that other work on the machine does not decide the
ratio. It prints; it asserts nothing.
"""

import argparse
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizzes import drawing  # noqa: E402

RULES = [(10, "2", True), (15, "2", None), (10, "3", None), (10, "1", None), (5, "2", None)]


def blueprint(bank: int, rng: random.Random) -> drawing.Blueprint:
    """Rules like the demo exam's: one over regulation questions only, the others over all;
    a third of the bank is regulation content, one question in ten in a same-fact group."""
    candidates = [
        drawing.Candidate(i, rng.random() < 0.35, f"g{i // 3}" if i % 10 == 0 else "")
        for i in range(bank)
    ]
    rules = []
    for count, points, regulation_only in RULES:
        pool = [c for c in candidates if c.is_regulation] if regulation_only else candidates
        rules.append(drawing.Rule(f"rule {len(rules)}", count, Decimal(points), tuple(pool)))
    return drawing.Blueprint(fixed=(), rules=tuple(rules), min_share=Decimal("0.3"))


def seconds(fn, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) / repeat


def fastest(fns: list, repeat: int, batches: int = 20) -> list[float]:
    """Per function, its fastest batch's time per call: batches of each in turn, so that
    another job on the machine slows both alike and the minimum leaves it out."""
    best = [float("inf")] * len(fns)
    for _ in range(batches):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], seconds(fn, max(1, repeat // batches)))
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(7)
    for bank in (240, 5000):
        bp = blueprint(bank, rng)
        drawing.draw(bp, rng)  # the kept blueprint's per-rule facts, computed once
        pools = [[c.id for c in rule.pool] for rule in bp.rules]
        plain, full = fastest(
            [
                lambda pools=pools, bp=bp: [
                    rng.sample(p, r.count) for p, r in zip(pools, bp.rules, strict=True)
                ],
                lambda bp=bp: drawing.draw(bp, rng),
            ],
            args.repeat,
        )
        print(
            f"bank {bank:>5}: draw {full * 1e6:7.0f} µs, plain samples {plain * 1e6:6.0f} µs, "
            f"ratio {full / plain:.1f}"
        )


if __name__ == "__main__":
    main()
