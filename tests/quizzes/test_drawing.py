"""Paper drawing from blueprints, as pure functions."""

import random
from collections import Counter
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


def test_every_question_of_a_pool_is_equally_likely():
    """Each question of a pool is drawn as often as any other, also when a second rule over
    the same pool must skip what the first one took."""
    questions = pool(1, 0, 20)
    bp = blueprint(
        [Rule("甲", 5, Decimal(1), questions), Rule("乙", 10, Decimal(1), questions)], share="0"
    )
    rng = random.Random(3)
    seen = Counter(q.id for _ in range(8000) for q in draw(bp, rng))
    assert set(seen) == {c.id for c in questions}
    assert all(abs(count - 6000) < 300 for count in seen.values())  # 8,000 × 15 / 20


def test_a_plain_draw_keeps_its_natural_share_of_regulation_questions():
    """With no share to meet, the regulation questions on a paper average what a plain random
    draw holds: 10 of 30 regulation and 70 other questions hold 3 on average."""
    bp = blueprint([Rule("综合", 10, Decimal(1), pool(1, 30, 70))], share="0")
    rng = random.Random(5)
    counts = [sum(q.is_regulation for q in draw(bp, rng)) for _ in range(4000)]
    assert abs(sum(counts) / len(counts) - 3) < 0.1
    assert min(counts) == 0 and max(counts) >= 7


def test_a_paper_never_holds_two_questions_of_one_group():
    """Same-fact groups: among pairs of questions sharing a group, one at most per paper."""
    paired = tuple(Candidate(i, i % 3 == 0, f"组{i // 2}") for i in range(40))
    bp = blueprint([Rule("综合", 12, Decimal(1), paired), Rule("再抽", 6, Decimal(1), paired)])
    rng = random.Random(11)
    for _ in range(500):
        groups = [paired[q.id].group for q in draw(bp, rng)]
        assert len(groups) == 18 == len(set(groups))


def test_a_rule_with_an_empty_pool_is_refused_with_the_reason():
    """Every question of a rule withdrawn: the draw says which rule is short, never crashes."""
    bp = blueprint([Rule("业务", 4, Decimal(1), ())], share="0")
    with pytest.raises(BlueprintError, match="还差 4 题"):
        draw(bp, random.Random(1))
