"""No paper tests one fact twice: questions of one 同题组 never share a paper, a blueprint is
saved only when it can still be met, and the demo's quizzes prove it on 1,000 papers each."""

import random
from decimal import Decimal

import pytest

from quizzes import selectors
from quizzes.drawing import Blueprint, Candidate, Rule, check, draw, guarantee, regulation_share
from quizzes.models import Question, Quiz

PAPERS = 1000


def paired_pool(start: int, pairs: int, *, regulation: bool) -> tuple[Candidate, ...]:
    """``pairs`` groups of two questions each (the same fact asked two ways)."""
    return tuple(
        Candidate(start + i, regulation, group=f"g{(start + i) // 2}") for i in range(2 * pairs)
    )


def blueprint(rules, share="0.15", fixed=()) -> Blueprint:
    return Blueprint(fixed=tuple(fixed), rules=tuple(rules), min_share=Decimal(share))


def groups_of(paper, pool: dict[int, Candidate]) -> list[str]:
    return [pool[q.id].group for q in paper]


def test_no_paper_holds_two_questions_of_one_group():
    """1,000 papers from pools of pairs: never both of a pair, always the share and the count."""
    regulation, other = paired_pool(0, 5, regulation=True), paired_pool(100, 20, regulation=False)
    bp = blueprint(
        [Rule("综合", 12, Decimal(2), regulation + other), Rule("判断", 4, Decimal(1), other)]
    )
    pool = {c.id: c for c in regulation + other}
    rng = random.Random(11)
    for _ in range(PAPERS):
        paper = draw(bp, rng)
        assert len(paper) == 16 and len(set(groups_of(paper, pool))) == 16
        assert regulation_share(paper) >= Decimal("0.15")


def test_a_group_counts_once_in_what_a_rule_can_draw():
    """Ten questions in five groups are five for a rule: asking six is refused, saying why."""
    problems = check(blueprint([Rule("单选题", 6, Decimal(1), paired_pool(0, 5, regulation=True))]))
    assert problems == [
        "第1条抽题规则（单选题）需要 6 题，题库中符合条件的已发布题目只有 5 题"
        "（同一同题组只算一题），还差 1 题。"
    ]


def test_two_fixed_questions_of_one_group_are_refused():
    """Fixing both questions of a group is refused with the group's name."""
    a, b = paired_pool(0, 1, regulation=False)
    problems = check(blueprint([], share="0", fixed=[(a, Decimal(1)), (b, Decimal(1))]))
    assert problems == ["固定题目中有多道题属于同一同题组“g0”，同一份试卷只能出现其中一道。"]


def test_a_fixed_question_keeps_its_group_out_of_the_draw():
    """With one of a pair fixed, the other is never drawn."""
    pool = paired_pool(0, 3, regulation=False)
    bp = blueprint([Rule("综合", 2, Decimal(1), pool)], share="0", fixed=[(pool[0], Decimal(1))])
    rng = random.Random(5)
    for _ in range(200):
        assert pool[1].id not in {q.id for q in draw(bp, rng)}


def test_rules_sharing_groups_that_cannot_both_be_met_are_refused():
    """Two rules over the same three groups cannot draw four distinct facts."""
    pool = paired_pool(0, 3, regulation=False)
    problems = check(
        blueprint([Rule("甲", 2, Decimal(1), pool), Rule("乙", 2, Decimal(1), pool)], share="0")
    )
    assert len(problems) == 1 and "同题组" in problems[0]


def test_the_guarantee_counts_groups():
    """What the editor shows: per rule, facts available (of which regulation)."""
    regulation, other = paired_pool(0, 2, regulation=True), paired_pool(10, 4, regulation=False)
    result = guarantee(blueprint([Rule("综合", 4, Decimal(1), regulation + other)], share="0.25"))
    assert result.available == ((6, 2),) and result.guaranteed_share == Decimal("0.25")
    assert result.best_share == Decimal("0.5") and result.problems == ()


# The demo bank ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_demo_quiz_holds_the_share_and_no_fact_twice_on_1000_papers(demo_site):
    """Each demo quiz, drawn 1,000 times: the share always met, no group twice on a paper."""
    groups = dict(Question.objects.non_polymorphic().values_list("pk", "fact_group"))
    quizzes = list(Quiz.objects.all())
    assert len(quizzes) >= 3
    for quiz in quizzes:
        bp = selectors.blueprint_for(quiz)
        rng = random.Random(quiz.pk)
        for _ in range(PAPERS):
            paper = draw(bp, rng)
            facts = [groups[q.id] or f"#{q.id}" for q in paper]
            assert len(set(facts)) == len(paper), quiz.title
            assert regulation_share(paper) >= quiz.min_regulation_share, quiz.title


@pytest.mark.django_db
def test_the_demo_bank_has_its_groups(demo_site):
    """The demo questions carry groups, and questions asking the same fact share one."""
    assert Question.objects.exclude(fact_group="").count() == Question.objects.count()
    assert Question.objects.values("fact_group").distinct().count() < Question.objects.count()
