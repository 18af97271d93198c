"""Attempts: a frozen paper per person, saved answers, grades and manual marking."""

from django.conf import settings
from django.db import models

from quizzes.models.bank import Question
from quizzes.models.quizzes import Quiz


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "作答中"
        FINISHED = "finished", "已交卷"

    class FinishedBy(models.TextChoices):
        LEARNER = "learner", "本人交卷"
        TIMEOUT = "timeout", "超时自动交卷"
        CLOSED = "closed", "测试关闭时自动交卷"

    quiz = models.ForeignKey(
        Quiz, verbose_name="测试", on_delete=models.PROTECT, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作答人",
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    number = models.PositiveIntegerField("第几次作答", default=1)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField("开始时间")
    deadline = models.DateTimeField("截止时间", null=True, blank=True)
    resumed_until = models.DateTimeField(
        "恢复作答截止时间",
        null=True,
        blank=True,
        help_text="管理员恢复作答时给出的新截止时间；设置后截止时间以此为准。",
    )
    finished_at = models.DateTimeField("交卷时间", null=True, blank=True)
    finished_by = models.CharField(
        "交卷方式", max_length=10, choices=FinishedBy.choices, blank=True
    )
    score = models.DecimalField("得分", max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField("满分", max_digits=7, decimal_places=2, default=0)
    passed = models.BooleanField("是否及格", null=True, blank=True)
    pending_marking = models.BooleanField("待人工阅卷", default=False)
    wrong_book_recorded = models.BooleanField(
        "已计入错题本", default=False, help_text="考试关闭、公布答案之后才计入，以免提前泄露答案。"
    )

    class Meta:
        verbose_name = "作答记录"
        verbose_name_plural = "作答记录"
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="attempt_number_unique")
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["user", "quiz"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} · 第{self.number}次"

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.FINISHED

    @property
    def percent(self):
        if self.score is None or not self.max_score:
            return None
        return self.score * 100 / self.max_score


class AttemptQuestion(models.Model):
    """One question of a frozen paper: its position, option order, points and the answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="paper")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField("题号")
    points = models.DecimalField("分值", max_digits=5, decimal_places=1)
    option_order = models.JSONField("选项顺序", default=list, blank=True)
    is_regulation = models.BooleanField("法规纪律内容", default=False)
    response = models.JSONField("作答", null=True, blank=True)
    saved_at = models.DateTimeField("保存时间", null=True, blank=True)
    seq = models.PositiveIntegerField(
        "保存序号", default=0, help_text="页面每次修改本题答案递增；较旧的保存不会覆盖较新的答案。"
    )
    flagged = models.BooleanField("标记", default=False)
    score = models.DecimalField("得分", max_digits=5, decimal_places=2, null=True, blank=True)
    is_correct = models.BooleanField("是否正确", null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="阅卷人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField("阅卷时间", null=True, blank=True)
    marker_comment = models.CharField("阅卷意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "试卷题目"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="paper_position_unique"),
            models.UniqueConstraint(fields=["attempt", "question"], name="paper_question_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} 第{self.position}题"
