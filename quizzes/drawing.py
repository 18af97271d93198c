"""Drawing papers from a quiz blueprint: pure functions over plain data. No database.

A blueprint is fixed questions plus rules ("draw ``count`` questions from this pool, each worth
``points``") and a minimum share of points that must be regulation-and-discipline content.
``check`` says whether a blueprint can always be met and, if not, exactly why; ``draw`` makes
one random paper that meets it.
"""

import math
import random
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Candidate:
    id: int
    is_regulation: bool


@dataclass(frozen=True)
class Rule:
    label: str
    count: int
    points: Decimal
    pool: tuple[Candidate, ...]


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


@dataclass(frozen=True)
class DrawnQuestion:
    id: int
    points: Decimal
    is_regulation: bool


class BlueprintError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(";".join(problems))
        self.problems = problems


def check(blueprint: Blueprint) -> list[str]:
    """Every reason the blueprint cannot be met, in Chinese; empty when it always can."""
    problems = [
        p for p in (_pool_problem(i, r, blueprint) for i, r in enumerate(blueprint.rules)) if p
    ]
    if blueprint.total_points <= 0:
        problems.append("试卷没有任何题目:请添加固定题目或抽题规则。")
    if problems:
        return problems
    shortfall = _regulation_shortfall(blueprint, _max_quotas(blueprint))
    if shortfall > 0:
        problems.append(_share_message(blueprint, shortfall))
    elif _greedy_draw(blueprint, _max_quotas(blueprint)) is None:
        problems.append("各抽题规则的题目范围相互重叠,去重后不足以组成完整试卷,请调整规则。")
    return problems


def _pool_problem(index: int, rule: Rule, blueprint: Blueprint) -> str:
    available = len(_usable(rule, blueprint))
    if available >= rule.count:
        return ""
    return (
        f"第{index + 1}条抽题规则({rule.label})需要 {rule.count} 题,"
        f"题库中符合条件的已发布题目只有 {available} 题,还差 {rule.count - available} 题。"
    )


def _usable(rule: Rule, blueprint: Blueprint) -> list[Candidate]:
    fixed = {c.id for c, _ in blueprint.fixed}
    return [c for c in rule.pool if c.id not in fixed]


def _bounds(rule: Rule, blueprint: Blueprint) -> tuple[int, int]:
    usable = _usable(rule, blueprint)
    regulation = sum(c.is_regulation for c in usable)
    return max(0, rule.count - (len(usable) - regulation)), min(rule.count, regulation)


def _max_quotas(blueprint: Blueprint) -> list[int]:
    return [_bounds(r, blueprint)[1] for r in blueprint.rules]


def _regulation_shortfall(blueprint: Blueprint, quotas: list[int]) -> Decimal:
    fixed = sum((p for c, p in blueprint.fixed if c.is_regulation), Decimal(0))
    drawn = sum((r.points * q for r, q in zip(blueprint.rules, quotas, strict=True)), Decimal(0))
    return blueprint.required_regulation_points - fixed - drawn


def _share_message(blueprint: Blueprint, shortfall: Decimal) -> str:
    best = max((r.points for r in blueprint.rules), default=Decimal(1))
    return (
        f"法规纪律内容达不到要求的 {_number(blueprint.min_share * 100)}%:"
        f"按现有题库最多还差 {_number(shortfall)} 分,"
        f"约需再增加 {math.ceil(shortfall / best)} 道法规纪律类题目"
        "(可在抽题范围内补充法规纪律类题目,或增加法规纪律分类的抽题规则)。"
    )


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def draw(blueprint: Blueprint, rng: random.Random) -> list[DrawnQuestion]:
    """One random paper meeting every rule and the regulation share, in blueprint order."""
    quotas = _random_quotas(blueprint, rng)
    paper = _greedy_draw(blueprint, quotas, rng) or _greedy_draw(
        blueprint, _max_quotas(blueprint), rng
    )
    if paper is None or _regulation_points(paper) < blueprint.required_regulation_points:
        raise BlueprintError(check(blueprint) or ["题库不足以组成满足要求的试卷。"])
    return paper


def _random_quotas(blueprint: Blueprint, rng: random.Random) -> list[int]:
    """Start from what a plain random draw would give, then add regulation questions as needed."""
    quotas = []
    for rule in blueprint.rules:
        low, high = _bounds(rule, blueprint)
        usable = _usable(rule, blueprint)
        natural = sum(c.is_regulation for c in rng.sample(usable, min(rule.count, len(usable))))
        quotas.append(min(max(natural, low), high))
    while _regulation_shortfall(blueprint, quotas) > 0:
        open_rules = [
            i for i, r in enumerate(blueprint.rules) if quotas[i] < _bounds(r, blueprint)[1]
        ]
        if not open_rules:
            break
        quotas[rng.choice(open_rules)] += 1
    return quotas


def _greedy_draw(blueprint: Blueprint, quotas: list[int], rng: random.Random | None = None):
    taken = {c.id for c, _ in blueprint.fixed}
    paper = [DrawnQuestion(c.id, p, c.is_regulation) for c, p in blueprint.fixed]
    for rule, quota in zip(blueprint.rules, quotas, strict=True):
        picked = _pick(rule, quota, taken, rng)
        if picked is None:
            return None
        taken.update(c.id for c in picked)
        paper.extend(DrawnQuestion(c.id, rule.points, c.is_regulation) for c in picked)
    return paper


def _pick(rule: Rule, quota: int, taken: set[int], rng) -> list[Candidate] | None:
    regulation = [c for c in rule.pool if c.is_regulation and c.id not in taken]
    other = [c for c in rule.pool if not c.is_regulation and c.id not in taken]
    if rng:
        rng.shuffle(regulation)
        rng.shuffle(other)
    quota = min(quota, len(regulation))
    picked = regulation[:quota] + other[: rule.count - quota]
    if len(picked) < rule.count:  # not enough others: top up with regulation questions
        picked += regulation[quota : quota + rule.count - len(picked)]
    return picked if len(picked) == rule.count else None


def _regulation_points(paper: list[DrawnQuestion]) -> Decimal:
    return sum((q.points for q in paper if q.is_regulation), Decimal(0))


def regulation_share(paper: list[DrawnQuestion]) -> Decimal:
    total = sum((q.points for q in paper), Decimal(0))
    return _regulation_points(paper) / total if total else Decimal(0)
