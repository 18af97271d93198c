"""Paper drawing from blueprints, as pure functions."""

import random
from decimal import Decimal

import pytest

from quizzes.drawing import (
    Blueprint,
    BlueprintError,
    Candidate,
    Rule,
    check,
    draw,
    regulation_share,
)


def pool(start: int, regulation: int, other: int) -> tuple[Candidate, ...]:
    regs = [Candidate(start + i, True) for i in range(regulation)]
    rest = [Candidate(start + regulation + i, False) for i in range(other)]
    return tuple(regs + rest)


def blueprint(rules, share="0.15", fixed=()) -> Blueprint:
    return Blueprint(fixed=tuple(fixed), rules=tuple(rules), min_share=Decimal(share))


def test_share_holds_on_a_thousand_random_draws():
    """Every one of 1,000 random papers meets the 15% regulation share and every rule's count."""
    bp = blueprint(
        [
            Rule("综合", 20, Decimal(4), pool(1, 6, 60)),
            Rule("判断", 5, Decimal(4), pool(100, 3, 20)),
        ]
    )
    rng = random.Random(7)
    for _ in range(1000):
        paper = draw(bp, rng)
        assert len(paper) == 25 and len({q.id for q in paper}) == 25
        assert regulation_share(paper) >= Decimal("0.15")


def test_draws_differ_between_people():
    """Two draws from a large pool are not the same paper."""
    bp = blueprint([Rule("综合", 10, Decimal(1), pool(1, 20, 80))])
    rng = random.Random(1)
    assert {q.id for q in draw(bp, rng)} != {q.id for q in draw(bp, rng)}


def test_rule_short_of_questions_is_named_with_the_gap():
    """A rule whose pool is too small is reported with its position and how many are missing."""
    problems = check(blueprint([Rule("单选题", 5, Decimal(1), pool(1, 2, 1))], share="0"))
    assert problems == [
        "第1条抽题规则（单选题）需要 5 题，题库中符合条件的已发布题目只有 3 题，还差 2 题。"
    ]


def test_share_that_cannot_be_met_is_explained():
    """A pool without enough regulation questions is refused with the shortfall."""
    problems = check(blueprint([Rule("综合", 10, Decimal(2), pool(1, 1, 20))], share="0.3"))
    assert len(problems) == 1 and "法规纪律内容达不到要求的 30%" in problems[0]
    assert "约需再增加 2 道" in problems[0]
    with pytest.raises(BlueprintError):
        draw(
            blueprint([Rule("综合", 10, Decimal(2), pool(1, 1, 20))], share="0.3"), random.Random(1)
        )


def test_fixed_questions_count_and_are_not_drawn_again():
    """Fixed questions are on every paper, count toward the share, and are never drawn twice."""
    fixed = [(Candidate(1, True), Decimal(5))]
    bp = blueprint([Rule("综合", 3, Decimal(1), pool(1, 2, 3))], share="0.5", fixed=fixed)
    assert check(bp) == []
    paper = draw(bp, random.Random(3))
    ids = [q.id for q in paper]
    assert ids[0] == 1 and len(set(ids)) == 4


def test_overlapping_rules_are_detected():
    """Two rules drawing from the same three questions cannot make six distinct ones."""
    shared = pool(1, 1, 2)
    problems = check(
        blueprint([Rule("甲", 3, Decimal(1), shared), Rule("乙", 3, Decimal(1), shared)], share="0")
    )
    assert problems and "重叠" in problems[0]


def test_empty_blueprint_is_refused():
    """A blueprint without questions is refused."""
    assert check(blueprint([], share="0")) == ["试卷没有任何题目：请添加固定题目或抽题规则。"]
