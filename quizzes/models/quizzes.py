"""Quizzes as blueprints: fixed questions plus draw rules, timing, attempts and pass mark."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from quizzes.models.bank import Category, KnowledgePoint, Question

# Every 任职资格考试 / 统一考试 paper holds at least this share of regulation-and-discipline points.
EXAM_MIN_REGULATION_PERCENT = Decimal("15")


class Quiz(ClusterableModel):
    class Mode(models.TextChoices):
        PRACTICE = "practice", "练习"
        SELF_TEST = "selftest", "自我测试"
        EXAM = "exam", "考试"

    class MultipleRule(models.TextChoices):
        ALL_OR_NOTHING = "all", "全部选对才得分"
        PARTIAL = "partial", "少选得部分分，错选不得分"
        PENALTY = "penalty", "按对错个数加减，最低 0 分"

    title = models.CharField("名称", max_length=120)
    slug = models.SlugField("网址标识", max_length=80, unique=True, allow_unicode=True)
    mode = models.CharField("类型", max_length=10, choices=Mode.choices, default=Mode.SELF_TEST)
    description = models.TextField("说明", blank=True)
    time_limit_minutes = models.PositiveIntegerField(
        "限时（分钟）", null=True, blank=True, help_text="留空表示不限时（练习）。"
    )
    opens_at = models.DateTimeField("开放时间", null=True, blank=True)
    closes_at = models.DateTimeField("关闭时间", null=True, blank=True)
    attempt_limit = models.PositiveIntegerField(
        "可作答次数", null=True, blank=True, help_text="留空表示不限。"
    )
    pass_percent = models.DecimalField(
        "及格线（%）",
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    shuffle_questions = models.BooleanField("打乱题目顺序", default=True)
    shuffle_options = models.BooleanField("打乱选项顺序", default=True)
    min_regulation_percent = models.DecimalField(
        "法规纪律内容最低占比（%）",
        max_digits=5,
        decimal_places=2,
        default=EXAM_MIN_REGULATION_PERCENT,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="按分值计算，填 15 表示每份试卷的法规纪律内容不少于 15%；考试不得低于 15%。",
    )
    multiple_rule = models.CharField(
        "多选题计分", max_length=10, choices=MultipleRule.choices, default=MultipleRule.PARTIAL
    )
    is_published = models.BooleanField("已发布", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "测试/考试"
        verbose_name_plural = "测试/考试"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": "关闭时间必须晚于开放时间。"})
        if self.mode != self.Mode.PRACTICE and not self.time_limit_minutes:
            raise ValidationError({"time_limit_minutes": "自我测试和考试必须设置限时。"})
        if self.mode == self.Mode.EXAM and not self.closes_at:
            raise ValidationError({"closes_at": "考试必须设置关闭时间（考试结束后才公布答案）。"})
        if (
            self.mode == self.Mode.EXAM
            and self.min_regulation_percent < EXAM_MIN_REGULATION_PERCENT
        ):
            raise ValidationError({"min_regulation_percent": "考试的法规纪律内容不得低于 15%。"})

    @property
    def min_regulation_share(self) -> Decimal:
        """The minimum regulation share as a fraction (0.15), as paper drawing uses it."""
        return Decimal(self.min_regulation_percent) / 100

    @property
    def is_timed(self) -> bool:
        return bool(self.time_limit_minutes) and self.mode != self.Mode.PRACTICE

    def is_open(self, now) -> bool:
        return (self.opens_at is None or self.opens_at <= now) and (
            self.closes_at is None or now < self.closes_at
        )

    def review_available(self, now) -> bool:
        """Exams reveal answers only after they close; other modes right after finishing."""
        if self.mode == self.Mode.EXAM:
            return self.closes_at is not None and now >= self.closes_at
        return True


class QuizQuestion(models.Model):
    """A question every paper of the quiz contains."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(
        Question, verbose_name="题目", on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField("分值", max_digits=5, decimal_places=1, default=Decimal("1"))
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "固定题目"
        ordering = ["sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quiz_fixed_question_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question}({self.points}分)"


class DrawRule(models.Model):
    """Draw ``count`` random questions matching the filters, each worth ``points``."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draw_rules")
    category = models.ForeignKey(
        Category, verbose_name="分类（含下级）", null=True, blank=True, on_delete=models.PROTECT
    )
    knowledge_point = models.ForeignKey(
        KnowledgePoint, verbose_name="知识点", null=True, blank=True, on_delete=models.PROTECT
    )
    question_type = models.ForeignKey(
        ContentType,
        verbose_name="题型",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"app_label": "quizzes", "model__endswith": "question"},
    )
    min_difficulty = models.PositiveSmallIntegerField(
        "最低难度", default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    max_difficulty = models.PositiveSmallIntegerField(
        "最高难度", default=5, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    count = models.PositiveIntegerField("抽题数量", validators=[MinValueValidator(1)])
    points = models.DecimalField("每题分值", max_digits=5, decimal_places=1, default=Decimal("1"))
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "抽题规则"
        ordering = ["sort_order"]

    def __str__(self) -> str:
        parts = [
            str(self.category) if self.category_id else "全部分类",
            self.question_type.model_class()._meta.verbose_name if self.question_type_id else "",
            self.knowledge_point.name if self.knowledge_point_id else "",
        ]
        if (self.min_difficulty, self.max_difficulty) != (1, 5):
            parts.append(f"难度{self.min_difficulty}-{self.max_difficulty}")
        return f"{' · '.join(p for p in parts if p)}:{self.count}题 × {self.points}分"

    def clean(self):
        if self.min_difficulty > self.max_difficulty:
            raise ValidationError({"max_difficulty": "最高难度不能低于最低难度。"})


class PersonalSetting(models.Model):
    """One person's own terms for one quiz, which override the quiz's: extra time (an approved
    accommodation, never cut off by the common close), a personal close time (which may be
    after the common one) and extra attempts. The reason is recorded."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="personal_settings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="人员", on_delete=models.CASCADE
    )
    minutes = models.PositiveIntegerField(
        "延长时间（分钟）", default=0, help_text="在限时之外增加的作答时间，不受统一关闭时间限制。"
    )
    closes_at = models.DateTimeField(
        "个人关闭时间", null=True, blank=True, help_text="留空则按统一关闭时间（另加延长时间）。"
    )
    extra_attempts = models.PositiveIntegerField("增加作答次数", default=0)
    reason = models.CharField("原因", max_length=200, default="")

    class Meta:
        verbose_name = "个人设置"
        verbose_name_plural = "个人设置"
        constraints = [models.UniqueConstraint(fields=["quiz", "user"], name="extra_time_unique")]

    def __str__(self) -> str:
        return f"{self.user} 的个人设置"

    def clean(self):
        if not (self.minutes or self.closes_at or self.extra_attempts):
            raise ValidationError("请至少设置延长时间、个人关闭时间或增加作答次数中的一项。")
        if not self.reason.strip():
            raise ValidationError({"reason": "请填写原因（如“经批准的延时”“网络故障补考”）。"})
