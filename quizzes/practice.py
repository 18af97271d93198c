"""Practice: which question comes next in each practice mode (reads only)."""

import random
from dataclasses import dataclass

from django.db.models import QuerySet

from quizzes.models import Category, Favourite, PracticeProgress, Question, WrongAnswer

MODES = {
    "sequential": "顺序练习",
    "random": "随机练习",
    "chapter": "章节练习",
    "wrong": "错题重练",
    "favourites": "我的收藏",
}


@dataclass
class PracticeStep:
    question: Question | None
    index: int  # 0-based position in the sequence
    total: int


def bank(category: Category | None) -> QuerySet:
    questions = Question.objects.non_polymorphic().published()
    if category:
        questions = questions.filter(category.subtree_q(prefix="category__"))
    return questions.order_by("category__path", "pk")


def sequence_ids(mode: str, user, category: Category | None) -> list[int]:
    """The ordered question ids this mode walks through."""
    if mode == "wrong":
        entries = WrongAnswer.objects.filter(
            user=user, cleared_at=None, question__status="published"
        )
        return list(entries.order_by("last_wrong_at").values_list("question_id", flat=True))
    if mode == "favourites":
        return list(
            Favourite.objects.filter(user=user)
            .order_by("-created_at")
            .values_list("question_id", flat=True)
        )
    return list(bank(category).values_list("pk", flat=True))


def step(mode: str, user, category: Category | None, index: int | None, rng=random) -> PracticeStep:
    ids = sequence_ids(mode, user, category)
    if not ids:
        return PracticeStep(None, 0, 0)
    if mode == "random":
        index = rng.randrange(len(ids))
    elif index is None:
        index = resume_position(user, category) if mode in ("sequential", "chapter") else 0
    index = min(max(index, 0), len(ids) - 1)
    question = Question.objects.select_related("category", "source_article__page").get(
        pk=ids[index]
    )
    return PracticeStep(question, index, len(ids))


def resume_position(user, category: Category | None) -> int:
    progress = PracticeProgress.objects.filter(user=user, category=category).first()
    return progress.position if progress else 0


def overview(user) -> dict:
    return {
        "bank_size": Question.objects.published().count(),
        "wrong_open": WrongAnswer.objects.filter(user=user, cleared_at=None).count(),
        "favourites": Favourite.objects.filter(user=user).count(),
        "categories": list(Category.objects.filter(parent=None).order_by("sort_order", "name")),
    }
