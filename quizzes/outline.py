"""What a blueprint's paper will look like, and what an administrator should know before saving
it: pure functions over ``drawing`` data and the rules' settings. No database.

``check`` in ``drawing`` says what makes a blueprint impossible (saving refuses it); the
warnings here do not block saving: a rule that draws its whole pool (every paper the same), a
difficulty range that is upside down, drafts waiting for review that the counts leave out, a
time limit too short for the number of questions.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from quizzes import drawing

MIN_SECONDS_PER_QUESTION = 30


@dataclass(frozen=True)
class RuleView:
    label: str
    count: int
    points: Decimal
    available: int
    regulation: int
    drafts: int  # pending drafts its filters match (not counted in ``available``)
    min_difficulty: int = 1
    max_difficulty: int = 5

    @property
    def subtotal(self) -> Decimal:
        return self.points * self.count

    @property
    def short(self) -> int:
        return max(0, self.count - self.available)


@dataclass(frozen=True)
class Outline:
    questions: int
    fixed_questions: int
    fixed_points: Decimal
    total_points: Decimal
    pass_points: Decimal
    seconds_per_question: int | None


def outline(blueprint: drawing.Blueprint, *, pass_percent: Decimal, minutes: int | None) -> Outline:
    """Counts and points of every paper of the blueprint."""
    questions = len(blueprint.fixed) + sum(rule.count for rule in blueprint.rules)
    total = blueprint.total_points
    seconds = minutes * 60 // questions if minutes and questions else None
    return Outline(
        questions=questions,
        fixed_questions=len(blueprint.fixed),
        fixed_points=sum((p for _, p in blueprint.fixed), Decimal(0)),
        total_points=total,
        pass_points=(total * pass_percent / 100).quantize(Decimal("0.1"), ROUND_HALF_UP),
        seconds_per_question=seconds,
    )


def rule_warnings(index: int, rule: RuleView) -> list[str]:
    """What the administrator should know about one rule (none of it blocks saving)."""
    name = f"第{index + 1}条抽题规则"
    warnings = []
    if rule.min_difficulty > rule.max_difficulty:
        warnings.append(f"{name}的最低难度高于最高难度，抽不到任何题目。")
    elif rule.count and rule.available == rule.count:
        warnings.append(
            f"{name}可抽的题目恰好 {rule.count} 道，每份试卷的这部分题目都相同；"
            "如需每人不同，请放宽范围或补充题目。"
        )
    if rule.drafts:
        warnings.append(
            f"{name}的范围内另有 {rule.drafts} 道自动草拟的题目待审，不计入可抽题目；"
            "采纳后才会被抽到。"
        )
    return warnings


def paper_warnings(result: Outline) -> list[str]:
    seconds = result.seconds_per_question
    if seconds is not None and seconds < MIN_SECONDS_PER_QUESTION:
        return [f"限时内平均每题只有 {seconds} 秒，可能来不及作答；请延长限时或减少题目。"]
    return []


def number(value: Decimal) -> str:
    """10.0 → 10, 2.5 → 2.5."""
    return format(value.normalize(), "f")
