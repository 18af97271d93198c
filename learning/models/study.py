"""Study time: one active study session per person, and credit kept per person, lesson and day."""

from django.conf import settings
from django.db import models

from learning.models.programmes import ProgrammeItem


class ActiveStudy(models.Model):
    """The one lesson a person is studying now; heartbeats update this row.

    Credit is added here (``pending_seconds``) and moved to ``StudyCredit`` when the lesson or the
    day changes, so an ordinary heartbeat touches only this row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="active_study"
    )
    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    last_beat_at = models.DateTimeField("上次心跳")
    last_activity_at = models.DateTimeField("上次操作")
    presence_due_at = models.DateTimeField("下次确认在学", null=True, blank=True)
    pending_seconds = models.PositiveIntegerField("待入账秒数", default=0)
    item_credited_seconds = models.PositiveIntegerField("该课程已计秒数", default=0)

    class Meta:
        verbose_name = "当前学习"

    def __str__(self) -> str:
        return f"{self.user} · {self.item}"


class StudyCredit(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_credits"
    )
    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="credits")
    day = models.DateField("日期")
    seconds = models.PositiveIntegerField("计入秒数", default=0)

    class Meta:
        verbose_name = "学习时长"
        verbose_name_plural = "学习时长"
        constraints = [
            models.UniqueConstraint(fields=["user", "item", "day"], name="study_credit_unique")
        ]
        indexes = [models.Index(fields=["item", "user"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.item} · {self.day}:{self.seconds}秒"
