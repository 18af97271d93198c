"""Practice: the wrong-answer book (scheduled by ``quizzes.spacing``), favourites, and each
learner's record of the questions they practised."""

from django.conf import settings
from django.db import models

from quizzes.models.bank import Question


class WrongAnswer(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wrong_answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    wrong_count = models.PositiveIntegerField("答错次数", default=0)
    right_occasions = models.PositiveSmallIntegerField(
        "答对天数", default=0, help_text="上次答错之后，在不同日子答对的次数。"
    )
    last_wrong_at = models.DateTimeField("最近答错")
    last_right_on = models.DateField("最近答对日期", null=True, blank=True)
    card = models.JSONField("复习记录", default=dict, blank=True)
    due_at = models.DateTimeField("下次复习", null=True, blank=True)
    cleared_at = models.DateTimeField("移出时间", null=True, blank=True)

    class Meta:
        verbose_name = "错题"
        verbose_name_plural = "错题本"
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="wrong_answer_unique")
        ]
        indexes = [models.Index(fields=["user", "cleared_at", "due_at"])]

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


class PracticeRecord(models.Model):
    """One learner's practice of one question. The first answer of each day counts (answering
    again after the key was shown counts nothing), so 正确率 means what it says."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    answered = models.PositiveIntegerField("作答天数", default=0)
    graded = models.PositiveIntegerField("自动评分的作答天数", default=0, help_text="简答题不计。")
    right = models.PositiveIntegerField("答对天数", default=0)
    last_answered_on = models.DateField("最近作答日期")
    last_correct = models.BooleanField("最近一次答对", null=True)

    class Meta:
        verbose_name = "练习记录"
        verbose_name_plural = "练习记录"
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="practice_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.question}"
