"""Practice: the wrong-answer book and favourites."""

from django.conf import settings
from django.db import models

from quizzes.models.bank import Question

# A question leaves the wrong-answer book after this many right answers in a row.
STREAK_TO_CLEAR = 2


class WrongAnswer(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wrong_answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    wrong_count = models.PositiveIntegerField("答错次数", default=0)
    right_streak = models.PositiveSmallIntegerField("连续答对", default=0)
    last_wrong_at = models.DateTimeField("最近答错")
    cleared_at = models.DateTimeField("移出时间", null=True, blank=True)

    class Meta:
        verbose_name = "错题"
        verbose_name_plural = "错题本"
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="wrong_answer_unique")
        ]
        indexes = [models.Index(fields=["user", "cleared_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.question}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class Favourite(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "收藏"
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="favourite_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.question}"


class PracticeProgress(models.Model):
    """Where a learner stands in sequential practice (whole bank or one category)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(
        "quizzes.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField("已练到", default=0)
    answered = models.PositiveIntegerField("已作答", default=0)
    correct = models.PositiveIntegerField("答对", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "练习进度"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=models.Q(category__isnull=False),
                name="practice_progress_unique",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(category__isnull=True),
                name="practice_progress_whole_bank_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.category or '全部'} · {self.position}"
