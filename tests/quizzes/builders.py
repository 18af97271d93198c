"""Small builders for question banks and quizzes used by the attempt tests."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from quizzes.models import (
    Category,
    DrawRule,
    EssayQuestion,
    FillBlankQuestion,
    MultipleChoiceQuestion,
    Quiz,
    QuizQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 0))
PUBLISHED = "published"


def category(path: str, *, regulation: bool = False) -> Category:
    parent = None
    for name in path.split("/"):
        parent, _ = Category.objects.get_or_create(name=name, parent=parent)
    if regulation:
        parent.is_regulation = True
        parent.save()
    return parent


def single(cat: Category, n: int = 0, **kwargs) -> SingleChoiceQuestion:
    defaults = dict(
        stem=f"单选题{n}:岗前培训至少多少学时?",
        options=["6个学时", "8个学时", "10个学时", "12个学时"],
        correct=1,
        explanation=f"解析{n}:至少8个学时。",
        category=cat,
        status=PUBLISHED,
    )
    return SingleChoiceQuestion.objects.create(**{**defaults, **kwargs})


def bank(cat: Category, *, count: int) -> list[SingleChoiceQuestion]:
    return [single(cat, n) for n in range(count)]


def one_of_each(cat: Category) -> list:
    """One published question of every type."""
    return [
        single(cat, 1),
        MultipleChoiceQuestion.objects.create(
            stem="多选题:下列哪些属于四项监督制度?", options=["责任追究", "事项报告", "票决制", "离任检查"],
            correct=[0, 1, 3], explanation="多选解析", category=cat, status=PUBLISHED,
        ),
        TrueFalseQuestion.objects.create(
            stem="判断题:常委到会不足三分之二不得研究干部任免。", correct=True,
            explanation="判断解析", category=cat, status=PUBLISHED,
        ),
        FillBlankQuestion.objects.create(
            stem="填空题:岗前培训至少保证____个学时。", blanks=[["8", "八"]],
            explanation="填空解析", category=cat, status=PUBLISHED,
        ),
        EssayQuestion.objects.create(
            stem="简答题:谈谈离任检查的意义。", rubric="要点一(5分)", explanation="简答解析",
            category=cat, status=PUBLISHED,
        ),
    ]  # fmt: skip


def quiz(**kwargs) -> Quiz:
    defaults = dict(
        title="四项监督制度自我测试",
        slug=f"quiz-{Quiz.objects.count() + 1}",
        mode=Quiz.Mode.SELF_TEST,
        time_limit_minutes=30,
        is_published=True,
        min_regulation_share=Decimal("0"),
    )
    return Quiz.objects.create(**{**defaults, **kwargs})


def fixed(q: Quiz, questions, points: str = "2") -> Quiz:
    for order, question in enumerate(questions):
        QuizQuestion.objects.create(
            quiz=q, question=question, points=Decimal(points), sort_order=order
        )
    return q


def rule(
    q: Quiz, *, count: int, points: str = "1", cat: Category | None = None, model=None
) -> DrawRule:
    question_type = ContentType.objects.get_for_model(model) if model else None
    return DrawRule.objects.create(
        quiz=q, count=count, points=Decimal(points), category=cat, question_type=question_type
    )
