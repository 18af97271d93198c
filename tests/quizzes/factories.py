"""Test data of the quizzes app: the question bank (factory_boy factories, and small builders
of categories and single-choice banks), quizzes with fixed questions and draw rules, finished
attempts and learners in bulk."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from quizzes import models
from quizzes.models import (
    Attempt,
    AttemptQuestion,
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


class CategoryFactory(factory.django.DjangoModelFactory):
    """A category; pass ``parent`` for a subcategory."""

    class Meta:
        model = models.Category
        django_get_or_create = ("parent", "name")

    name = factory.Sequence(lambda n: f"分类{n}")
    parent = None


class KnowledgePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.KnowledgePoint
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"知识点{n}")


# One counter for every type: each concrete factory would otherwise restart its own sequence,
# and two questions of different types would share a stem.
_numbers = itertools.count(1)


class QuestionFactory(factory.django.DjangoModelFactory):
    """Shared fields; ``knowledge_points=[...]`` sets the tags after saving."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    stem = factory.LazyFunction(lambda: f"关于干部选拔任用监督的第{next(_numbers)}道题目")
    category = factory.SubFactory(CategoryFactory)
    difficulty = 2
    status = models.Question.Status.PUBLISHED

    @factory.post_generation
    def knowledge_points(self, create, extracted, **kwargs):
        if create and extracted:
            self.knowledge_points.set(extracted)


class SingleChoiceQuestionFactory(QuestionFactory):
    class Meta:
        model = models.SingleChoiceQuestion

    options = factory.LazyFunction(lambda: ["中共中央办公厅", "国务院办公厅", "中央组织部"])
    correct = 0


class MultipleChoiceQuestionFactory(QuestionFactory):
    class Meta:
        model = models.MultipleChoiceQuestion

    options = factory.LazyFunction(lambda: ["选拔任用", "责任追究", "离任检查", "举报查核"])
    correct = factory.LazyFunction(lambda: [0, 2])


class TrueFalseQuestionFactory(QuestionFactory):
    class Meta:
        model = models.TrueFalseQuestion

    correct = True


class FillBlankQuestionFactory(QuestionFactory):
    class Meta:
        model = models.FillBlankQuestion

    stem = factory.LazyFunction(lambda: f"第{next(_numbers)}题：查处情况报告要由主要负责人____。")
    blanks = factory.LazyFunction(lambda: [["署名", "签名"]])


class EssayQuestionFactory(QuestionFactory):
    class Meta:
        model = models.EssayQuestion

    rubric = "说明四项监督制度的主要内容。"
    reference_answer = "选拔任用责任追究、离任检查、举报查核、一报告两评议。"


QUESTION_FACTORIES = {
    "single": SingleChoiceQuestionFactory,
    "multiple": MultipleChoiceQuestionFactory,
    "truefalse": TrueFalseQuestionFactory,
    "fill": FillBlankQuestionFactory,
    "essay": EssayQuestionFactory,
}


# Builders of banks and quizzes ----------------------------------------------------------------


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
        stem=f"单选题{n}:岗前培训至少多少学时？",
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
            stem="多选题：下列哪些属于四项监督制度？", options=["责任追究", "事项报告", "票决制", "离任检查"],
            correct=[0, 1, 3], explanation="多选解析", category=cat, status=PUBLISHED,
        ),
        TrueFalseQuestion.objects.create(
            stem="判断题：常委到会不足三分之二不得研究干部任免。", correct=True,
            explanation="判断解析", category=cat, status=PUBLISHED,
        ),
        FillBlankQuestion.objects.create(
            stem="填空题：岗前培训至少保证____个学时。", blanks=[["8", "八"]],
            explanation="填空解析", category=cat, status=PUBLISHED,
        ),
        EssayQuestion.objects.create(
            stem="简答题：谈谈离任检查的意义。", rubric="要点一（5分）", explanation="简答解析",
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
        min_regulation_percent=Decimal("0"),
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


# Attempts and the people taking them ----------------------------------------------------------


def learners(count: int) -> list:
    """Learners without a password, created in one query."""
    User = get_user_model()
    start = User.objects.count()
    return User.objects.bulk_create(
        User(username=f"learner{start + n}", first_name=f"学员{start + n}") for n in range(count)
    )


def finished_attempt(quiz, user, items, *, minutes=0) -> Attempt:
    """An attempt finished with the given (question, score, points) rows; score None = unmarked."""
    total = sum((Decimal(s) for _, s, _ in items if s is not None), Decimal(0))
    top = sum((Decimal(p) for _, _, p in items), Decimal(0))
    pending = any(s is None for _, s, _ in items)
    attempt = Attempt.objects.create(
        quiz=quiz, user=user, status=Attempt.Status.FINISHED,
        started_at=NOW, finished_at=NOW + datetime.timedelta(minutes=minutes), score=total,
        max_score=top, pending_marking=pending,
        passed=None if pending else total * 100 >= top * quiz.pass_percent,
    )  # fmt: skip
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            question=q,
            position=i,
            points=Decimal(p),
            score=None if s is None else Decimal(s),
            is_correct=None if s is None else s == p,
        )
        for i, (q, s, p) in enumerate(items, start=1)
    )
    return attempt
