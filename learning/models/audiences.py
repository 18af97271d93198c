"""Who may sit a quiz (测试参加范围): ranks and units, as for programmes, plus the people
enrolled in given programmes and named people. Quizzes asks through ``quizzes.audience``."""

from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel

from learning.models.people import Rank, Unit
from learning.models.programmes import Programme


class QuizAudience(ClusterableModel):
    """A quiz without one is open to everyone. With one, a person may sit it when they match
    its ranks and units (both, where set), or are enrolled in one of its programmes, or are
    named in it."""

    quiz = models.OneToOneField(
        "quizzes.Quiz", verbose_name="测试", on_delete=models.CASCADE, related_name="audience"
    )
    ranks = models.JSONField("职级", default=list, blank=True)
    units = ParentalManyToManyField(
        Unit, verbose_name="单位（含下级）", blank=True, related_name="quiz_audiences"
    )
    programmes = ParentalManyToManyField(
        Programme, verbose_name="培训项目的学员", blank=True, related_name="quiz_audiences"
    )
    people = ParentalManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="指定人员", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "测试参加范围"
        verbose_name_plural = "测试参加范围"

    def __str__(self) -> str:
        return f"{self.quiz} 的参加范围"

    @property
    def rank_labels(self) -> list[str]:
        labels = dict(Rank.choices)
        return [labels.get(rank, rank) for rank in self.ranks or []]
