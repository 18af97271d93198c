"""Messages to one learner, shown on their dashboard until they read them."""

from django.conf import settings
from django.db import models


class Notice(models.Model):
    """An exam marked or re-graded, a certificate issued: something the learner should know."""

    class Kind(models.TextChoices):
        MARKED = "marked", "阅卷完成"
        REGRADED = "regraded", "成绩更正"
        CERTIFICATE = "certificate", "颁发证书"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    text = models.CharField("内容", max_length=200)
    url = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "学员消息"
        verbose_name_plural = "学员消息"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.text}"
