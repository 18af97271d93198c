"""Drawing papers from a quiz blueprint: pure functions over plain data. No database.

A blueprint is fixed questions plus rules ("draw ``count`` questions from this pool, each worth
``points``") and a minimum share of points that must be regulation-and-discipline content.
Questions may belong to a same-fact group (同题组): a paper never holds two questions of one
group. ``check`` says whether a blueprint can always be met and, if not, exactly why; ``draw``
makes one random paper that meets it; ``guarantee`` says what every paper holds.

How a paper is drawn: at random within each rule, skipping questions already on the paper and
questions of a group already on it; kept when it meets the share. Otherwise decide how many
regulation questions each rule takes (a random start, raised until the share is met), then
pick at random within each rule's regulation and other questions. Groups can make one random order
fail where another succeeds, so a draw tries ``TRIES`` random orders; ``check`` proves a
blueprint with seeded tries, so a blueprint it accepts is one ``draw`` can meet.
"""

import bisect
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

TRIES = 30


@dataclass(frozen=True)
class Candidate:
    id: int
    is_regulation: bool
    group: str = ""  # same-fact group; "" for none
    # What a paper may hold once: the group, or the question itself (set from the above).
    slot: str = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "slot", self.group or f"#{self.id}")


@dataclass(frozen=True)
class Rule:
    label: str
    count: int
    points: Decimal
    pool: tuple[Candidate, ...]

    @cached_property
    def split(self) -> tuple[tuple[Candidate, ...], tuple[Candidate, ...]]:
        """The pool's regulation questions and the others (computed once per blueprint)."""
        regulation = tuple(c for c in self.pool if c.is_regulation)
        return regulation, tuple(c for c in self.pool if not c.is_regulation)

    @cached_property
    def drawn(self) -> dict[int, "DrawnQuestion"]:
        """Each pool question as a paper holds it, made once per blueprint."""
        return {c.id: DrawnQuestion(c.id, self.points, c.is_regulation) for c in self.pool}


@dataclass(frozen=True)
class Blueprint:
    fixed: tuple[tuple[Candidate, Decimal], ...]
    rules: tuple[Rule, ...]
    min_share: Decimal

    @property
    def total_points(self) -> Decimal:
        return sum((p for _, p in self.fixed), Decimal(0)) + sum(
            (r.points * r.count for r in self.rules), Decimal(0)
        )

    @property
    def required_regulation_points(self) -> Decimal:
        return self.total_points * self.min_share

    @cached_property
    def rule_bounds(self) -> tuple[tuple[int, int], ...]:
        """Per rule, ``_bounds`` (computed once: a kept blueprint serves many draws)."""
        return tuple(_bounds(rule, self) for rule in self.rules)

    @cached_property
    def natural_counts(self) -> tuple[list[float], ...]:
        """Per rule, the chances that a plain random draw of its count from its pool (beyond
        the fixed questions) holds at most 0, 1, 2 … regulation questions (hypergeometric)."""
        pools = (_usable(rule, self) for rule in self.rules)
        return tuple(
            _cumulative_hypergeometric(len(pool), sum(c.is_regulation for c in pool), rule.count)
            for rule, pool in zip(self.rules, pools, strict=True)
        )


class DrawnQuestion(NamedTuple):
    id: int
    points: Decimal
    is_regulation: bool


class BlueprintError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(";".join(problems))
        self.problems = problems


def check(blueprint: Blueprint) -> list[str]:
    """Every reason the blueprint cannot be met, in Chinese; empty when it always can."""
    problems = _fixed_problems(blueprint)
    problems += [
        p for p in (_pool_problem(i, r, blueprint) for i, r in enumerate(blueprint.rules)) if p
    ]
    if blueprint.total_points <= 0:
        problems.append("试卷没有任何题目：请添加固定题目或抽题规则。")
    if problems:
        return problems
    shortfall = _regulation_shortfall(blueprint, _max_quotas(blueprint))
    if shortfall > 0:
        problems.append(_share_message(blueprint, shortfall))
    elif _witness(blueprint) is None:
        problems.append(
            "各抽题规则的题目范围相互重叠（或同题组的题目太多），去重后不足以组成完整试卷，请调整规则。"
        )
    return problems


def _fixed_problems(blueprint: Blueprint) -> list[str]:
    slots = [c.slot for c, _ in blueprint.fixed]
    repeated = sorted({s for s in slots if slots.count(s) > 1})
    return [
        f"固定题目中有多道题属于同一同题组“{s}”，同一份试卷只能出现其中一道。" for s in repeated
    ]


def _pool_problem(index: int, rule: Rule, blueprint: Blueprint) -> str:
    usable = _usable(rule, blueprint)
    available = len(_slots(usable))
    if available >= rule.count:
        return ""
    grouped = "（同一同题组只算一题）" if available < len(usable) else ""
    return (
        f"第{index + 1}条抽题规则（{rule.label}）需要 {rule.count} 题，"
        f"题库中符合条件的已发布题目只有 {available} 题{grouped}，"
        f"还差 {rule.count - available} 题。"
    )


def _usable(rule: Rule, blueprint: Blueprint) -> list[Candidate]:
    """The rule's pool without the fixed questions and their groups."""
    fixed = {c.slot for c, _ in blueprint.fixed}
    return [c for c in rule.pool if c.slot not in fixed]


def _slots(candidates: list[Candidate]) -> set[str]:
    return {c.slot for c in candidates}


def _bounds(rule: Rule, blueprint: Blueprint) -> tuple[int, int]:
    """The fewest and most regulation questions this rule can contribute."""
    usable = _usable(rule, blueprint)
    regulation = len(_slots([c for c in usable if c.is_regulation]))
    other = len(_slots([c for c in usable if not c.is_regulation]))
    return max(0, rule.count - other), min(rule.count, regulation)


def _max_quotas(blueprint: Blueprint) -> list[int]:
    return [_bounds(r, blueprint)[1] for r in blueprint.rules]


def _regulation_points(blueprint: Blueprint, quotas: list[int]) -> Decimal:
    fixed = sum((p for c, p in blueprint.fixed if c.is_regulation), Decimal(0))
    drawn = sum((r.points * q for r, q in zip(blueprint.rules, quotas, strict=True)), Decimal(0))
    return fixed + drawn


def _regulation_shortfall(blueprint: Blueprint, quotas: list[int]) -> Decimal:
    return blueprint.required_regulation_points - _regulation_points(blueprint, quotas)


def _share_message(blueprint: Blueprint, shortfall: Decimal) -> str:
    best = max((r.points for r in blueprint.rules), default=Decimal(1))
    return (
        f"法规纪律内容达不到要求的 {_number(blueprint.min_share * 100)}%："
        f"按现有题库最多还差 {_number(shortfall)} 分，"
        f"约需再增加 {math.ceil(shortfall / best)} 道法规纪律类题目"
        "（可在抽题范围内补充法规纪律类题目，或增加法规纪律分类的抽题规则）。"
    )


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _witness(blueprint: Blueprint) -> list[DrawnQuestion] | None:
    """A paper meeting the blueprint, found with seeded tries (so ``check`` is repeatable)."""
    for seed in range(TRIES):
        paper = _greedy_draw(blueprint, _max_quotas(blueprint), random.Random(seed))
        if paper is not None:
            return paper
    return None


def draw(blueprint: Blueprint, rng: random.Random) -> list[DrawnQuestion]:
    """One random paper meeting every rule, the groups and the share, in blueprint order.

    First a plain draw (each rule's questions at random from its whole pool), kept when it
    meets the share, as it mostly does; else with quotas of regulation questions raised."""
    paper = _greedy_draw(blueprint, None, rng)
    if paper is not None and _meets_share(blueprint, paper):
        return paper
    for _ in range(TRIES):
        paper = _greedy_draw(blueprint, _random_quotas(blueprint, rng), rng)
        if paper is not None and _meets_share(blueprint, paper):
            return paper
    paper = _witness(blueprint)
    if paper is None or not _meets_share(blueprint, paper):
        raise BlueprintError(check(blueprint) or ["题库不足以组成满足要求的试卷。"])
    return paper


def _meets_share(blueprint: Blueprint, paper: list[DrawnQuestion]) -> bool:
    return _paper_regulation_points(paper) >= blueprint.required_regulation_points


def _random_quotas(blueprint: Blueprint, rng: random.Random) -> list[int]:
    """Start from what a plain random draw would give, then add regulation questions as needed.

    A plain draw's count of regulation questions is drawn as a count (one random number
    against its distribution), not by drawing the questions, which ``_pick`` draws once."""
    quotas = []
    for (low, high), chances in zip(blueprint.rule_bounds, blueprint.natural_counts, strict=True):
        natural = bisect.bisect_right(chances, rng.random())
        quotas.append(min(max(natural, low), high))
    shortfall = _regulation_shortfall(blueprint, quotas)
    while shortfall > 0:
        open_rules = [i for i, (_, high) in enumerate(blueprint.rule_bounds) if quotas[i] < high]
        if not open_rules:
            break
        chosen = rng.choice(open_rules)
        quotas[chosen] += 1
        shortfall -= blueprint.rules[chosen].points
    return quotas


def _cumulative_hypergeometric(population: int, marked: int, draws: int) -> list[float]:
    """P(at most k of the ``marked`` in a uniform sample of ``draws`` from ``population``),
    for k = 0 … draws - 1 (at most ``draws`` is certain)."""
    draws = min(draws, population)
    total = math.comb(population, draws)
    chances, running = [], 0
    for k in range(draws):
        running += math.comb(marked, k) * math.comb(population - marked, draws - k)
        chances.append(running / total)
    return chances


def _greedy_draw(blueprint: Blueprint, quotas: list[int] | None, rng: random.Random):
    """The paper with ``quotas`` of regulation questions per rule (None: a plain draw)."""
    taken = {c.slot for c, _ in blueprint.fixed}
    paper = [DrawnQuestion(c.id, p, c.is_regulation) for c, p in blueprint.fixed]
    quotas = quotas or [None] * len(blueprint.rules)
    for rule, quota in zip(blueprint.rules, quotas, strict=True):
        picked = _pick(rule, quota, taken, rng)
        if picked is None:
            return None
        paper += [rule.drawn[c.id] for c in picked]
    return paper


def _pick(rule: Rule, quota, taken: set[str], rng: random.Random) -> list[Candidate] | None:
    """``rule.count`` questions, ``quota`` of them regulation content where the pool allows
    (None: as they come), none whose question or group is already on the paper (``taken``,
    which they join)."""
    if quota is None:
        picked = _take(rule.pool, rule.count, taken, rng)
    else:
        regulation, other = rule.split
        picked = _take(regulation, quota, taken, rng)
        picked += _take(other, rule.count - len(picked), taken, rng)
        picked += _take(regulation, rule.count - len(picked), taken, rng)  # not enough others
    return picked if len(picked) == rule.count else None


def _take(pool: tuple, wanted: int, taken: set[str], rng: random.Random) -> list[Candidate]:
    """Up to ``wanted`` candidates whose slot is not ``taken`` (which they join): the first
    such in a uniformly random order of ``pool``, drawn only as far as needed. The order
    starts as a sample (``random.sample`` keeps its order) longer than ``wanted`` by a margin
    for the questions the paper may already hold; ``_take_more`` goes on when skips use the
    margin up."""
    if wanted <= 0 or not pool:
        return []
    margin = wanted * len(taken) // len(pool) + wanted // 8 + 1
    ahead = rng.sample(pool, min(len(pool), wanted + margin))
    chosen = _free(ahead, wanted, taken)
    if len(chosen) < wanted and len(ahead) < len(pool):
        chosen += _take_more(pool, wanted - len(chosen), taken, {c.id for c in ahead}, rng)
    return chosen


def _take_more(pool: tuple, wanted: int, taken: set[str], drawn: set[int], rng) -> list:
    """The random order of ``pool`` continued past the ``drawn`` ids: a fresh sample less
    what was drawn (the rest's order within a random order is itself random) or, once half
    the pool is drawn, the rest shuffled."""
    chosen: list[Candidate] = []
    while len(chosen) < wanted and len(drawn) < len(pool):
        if len(drawn) * 2 > len(pool):
            ahead = [c for c in pool if c.id not in drawn]
            rng.shuffle(ahead)
        else:
            size = min(len(pool), len(drawn) + 2 * (wanted - len(chosen)) + 1)
            ahead = [c for c in rng.sample(pool, size) if c.id not in drawn]
        drawn.update(c.id for c in ahead)
        chosen += _free(ahead, wanted - len(chosen), taken)
    return chosen


def _free(ordered: list[Candidate], wanted: int, taken: set[str]) -> list[Candidate]:
    chosen: list[Candidate] = []
    for candidate in ordered:
        if candidate.slot not in taken:
            taken.add(candidate.slot)
            chosen.append(candidate)
            if len(chosen) == wanted:
                break
    return chosen


def _paper_regulation_points(paper: list[DrawnQuestion]) -> Decimal:
    return sum((q.points for q in paper if q.is_regulation), Decimal(0))


def regulation_share(paper: list[DrawnQuestion]) -> Decimal:
    total = sum((q.points for q in paper), Decimal(0))
    return _paper_regulation_points(paper) / total if total else Decimal(0)


@dataclass(frozen=True)
class Guarantee:
    """What the blueprint editor shows: per rule how many questions it can draw from, and the
    regulation share every paper holds (and the most any paper could hold)."""

    available: tuple[tuple[int, int], ...]  # per rule: (questions, of which regulation)
    guaranteed_share: Decimal
    best_share: Decimal
    problems: tuple[str, ...]  # what ``check`` finds


def guarantee(blueprint: Blueprint) -> Guarantee:
    """The share every drawn paper holds: the quiz's minimum when the blueprint can meet it,
    else what the pools force on their own."""
    total = blueprint.total_points
    low = [_bounds(r, blueprint)[0] for r in blueprint.rules]
    forced = _regulation_points(blueprint, low) / total if total else Decimal(0)
    best = _regulation_points(blueprint, _max_quotas(blueprint)) / total if total else Decimal(0)
    problems = check(blueprint)
    enforced = blueprint.min_share if not problems else Decimal(0)
    available = tuple(_available(r, blueprint) for r in blueprint.rules)
    return Guarantee(available, max(forced, enforced), best, tuple(problems))


def _available(rule: Rule, blueprint: Blueprint) -> tuple[int, int]:
    usable = _usable(rule, blueprint)
    return len(_slots(usable)), len(_slots([c for c in usable if c.is_regulation]))
