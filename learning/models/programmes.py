"""Training programmes (培训项目/班次), their items, enrolment, attendance and certificates."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel

from learning.models.people import Rank, Unit


class Programme(ClusterableModel):
    title = models.CharField("名称", max_length=120)
    slug = models.SlugField("网址标识", max_length=80, unique=True, allow_unicode=True)
    description = models.TextField("说明", blank=True)
    audience_ranks = models.JSONField(
        "面向职级",
        default=list,
        blank=True,
        help_text="留空表示不限职级。可选：" + "、".join(Rank.labels),
    )
    audience_units = ParentalManyToManyField(
        Unit, verbose_name="面向单位（含下级）", blank=True, related_name="programmes"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    required_hours = models.DecimalField(
        "应修学时", max_digits=5, decimal_places=1, default=Decimal("8")
    )
    required_regulation_hours = models.DecimalField(
        "其中法规纪律学时",
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        help_text="应修学时中至少有多少学时须来自标为“法规纪律类”的培训内容"
        "（干部选拔任用政策法规和干部人事纪律），如岗前培训不少于 8 学时。",
    )
    auto_enrol = models.BooleanField("按对象自动报名", default=True)
    is_published = models.BooleanField("已发布", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "培训项目"
        verbose_name_plural = "培训项目"
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})
        if (self.required_regulation_hours or 0) > (self.required_hours or 0):
            raise ValidationError({"required_regulation_hours": "法规纪律学时不能超过应修学时。"})
        unknown = set(self.audience_ranks or []) - set(Rank.values)
        if unknown:
            raise ValidationError({"audience_ranks": f"未知职级：{'、'.join(sorted(unknown))}"})


class ProgrammeItem(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", "在线课程"
        QUIZ = "quiz", "测试/考试"
        OFFLINE = "offline", "线下学习"

    programme = ParentalKey(Programme, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    title = models.CharField(
        "名称", max_length=120, blank=True, help_text="留空则用课程页面或测试的名称。"
    )
    required = models.BooleanField("必修", default=True)
    is_regulation = models.BooleanField(
        "法规纪律类",
        default=False,
        help_text="本内容属于干部选拔任用政策法规和干部人事纪律，其学时计入法规纪律学时。",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="课程页面",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="在线课程：法规、案例或学习资料页面。",
    )
    nominal_minutes = models.PositiveIntegerField(
        "课程时长（分钟）", null=True, blank=True, help_text="在线课程最多计入的学习时间。"
    )
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        verbose_name="测试",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pass_percent = models.DecimalField(
        "合格线（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="留空则用测试本身的及格线。",
    )
    offline_hours = models.DecimalField(
        "线下学时",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="出席后计入的学时。",
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "培训内容"
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.kind == self.Kind.LESSON and self.page_id:
            return self.page.title
        if self.kind == self.Kind.QUIZ and self.quiz_id:
            return self.quiz.title
        return self.get_kind_display()

    def clean(self):
        errors = {
            self.Kind.LESSON: {"page": self.page_id, "nominal_minutes": self.nominal_minutes},
            self.Kind.QUIZ: {"quiz": self.quiz_id},
            self.Kind.OFFLINE: {"offline_hours": self.offline_hours},
        }.get(self.kind, {})
        missing = {
            field: "该类型的培训内容必须填写此项。" for field, value in errors.items() if not value
        }
        if missing:
            raise ValidationError(missing)


class Enrollment(models.Model):
    class Source(models.TextChoices):
        AUTO = "auto", "按对象自动"
        MANUAL = "manual", "管理员指定"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    source = models.CharField(
        "报名方式", max_length=10, choices=Source.choices, default=Source.AUTO
    )
    enrolled_at = models.DateTimeField("报名时间")
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        "退出时间",
        null=True,
        blank=True,
        help_text="不再属于培训对象（调离单位或职级变化）的时间；学习记录保留，重新符合时恢复。",
    )

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="enrollment_unique")
        ]
        indexes = [models.Index(fields=["programme", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.programme}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class AttendanceRecord(models.Model):
    """Attendance at an offline session, recorded or imported by an administrator."""

    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance"
    )
    attended_on = models.DateField("出席日期")
    hours = models.DecimalField("计入学时", max_digits=4, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "线下出席记录"
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.item}"


class Certificate(models.Model):
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField("证书编号", max_length=40, unique=True)
    verification_code = models.CharField("校验码", max_length=16)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    regulation_hours = models.DecimalField(
        "其中法规纪律学时", max_digits=5, decimal_places=1, default=Decimal("0")
    )
    issued_at = models.DateTimeField("发证时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "结业证书"
        verbose_name_plural = "结业证书"

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
