"""Units (a tree of any depth), learner profiles and unit administrators."""

from django.conf import settings
from django.db import models
from treebeard.mp_tree import MP_Node


class Unit(MP_Node):
    """A unit (单位) in the tree 市 › 辖市(区) › 部门/单位; ``path`` prefixes give subtrees."""

    name = models.CharField("单位名称", max_length=100)
    code = models.CharField(
        "单位编码", max_length=40, unique=True, help_text="导入人员时用来指定单位。"
    )

    node_order_by = ["name"]

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name

    def subtree(self):
        """This unit and every unit below it (one indexed query on ``path``)."""
        return Unit.objects.filter(path__startswith=self.path)


class Rank(models.TextChoices):
    COUNTY = "county", "县处级"
    TOWNSHIP = "township", "乡科级"
    ORG_STAFF = "org_staff", "组工干部"
    OTHER = "other", "其他"


class LearnerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="learners"
    )
    rank = models.CharField("职级类别", max_length=10, choices=Rank.choices, default=Rank.OTHER)
    position = models.CharField("职务", max_length=100, blank=True)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    must_change_password = models.BooleanField(
        "须修改初始密码",
        default=False,
        help_text="导入或重置密码后为真，本人修改密码前不能使用其他功能。",
    )

    class Meta:
        verbose_name = "学员档案"
        verbose_name_plural = "学员档案"
        indexes = [models.Index(fields=["unit", "rank"])]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username}({self.unit})"


class UnitAdministrator(models.Model):
    """A person who administers a unit and everything below it, and nothing else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="administered_units"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="管理单位", on_delete=models.CASCADE, related_name="administrators"
    )

    class Meta:
        verbose_name = "单位管理员"
        verbose_name_plural = "单位管理员"
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="unit_admin_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit}"
