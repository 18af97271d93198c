"""The question bank: a category tree, knowledge-point tags and the base of the polymorphic
question types (``quizzes.models.types``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from polymorphic.managers import PolymorphicManager
from polymorphic.models import PolymorphicModel
from polymorphic.query import PolymorphicQuerySet
from wagtail.search import index


class AnswerError(ValueError):
    """An answer typed in the Excel import's format that its question type refuses."""

    def __init__(self, message: str, *, column: str = "答案") -> None:
        super().__init__(message)
        self.column = column


class Category(models.Model):
    """A node of the category tree, e.g. 法规纪律 › 四项监督制度 › 责任追究办法."""

    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_regulation = models.BooleanField(
        "法规纪律类",
        default=False,
        help_text="本分类及其下级分类的题目计入“法规纪律内容”比例。",
    )
    path = models.CharField("完整路径", max_length=400, unique=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "题目分类"
        verbose_name_plural = "题目分类"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name")
        ]

    def __str__(self) -> str:
        return self.path.replace("/", " › ")

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = f"{self.parent.path}/{self.name}" if self.parent else self.name
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    def clean(self):
        if "/" in self.name:
            raise ValidationError({"name": "分类名称不能包含“/”。"})
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "上级分类不能是自己或自己的下级。"})
            ancestor = ancestor.parent

    def subtree_q(self, prefix: str = "category__") -> Q:
        """Questions in this category or any category below it."""
        return Q(**{f"{prefix}path": self.path}) | Q(
            **{f"{prefix}path__startswith": f"{self.path}/"}
        )

    @property
    def depth(self) -> int:
        return self.path.count("/")


class KnowledgePoint(models.Model):
    MAX_LENGTH = 40

    name = models.CharField("知识点", max_length=MAX_LENGTH, unique=True)

    class Meta:
        verbose_name = "知识点"
        verbose_name_plural = "知识点"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def named(cls, names: list[str]) -> list["KnowledgePoint"]:
        """The knowledge points of ``names``, creating the missing ones (in the order given)."""
        cls.objects.bulk_create([cls(name=name) for name in names], ignore_conflicts=True)
        found = {point.name: point for point in cls.objects.filter(name__in=names)}
        return [found[name] for name in names]


def article_fingerprint(article) -> str:
    """A digest of an article's wording, blind to whitespace."""
    import hashlib

    text = "".join(f"{article.heading}{article.body}".split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def regulation_category_paths() -> list[str]:
    return list(Category.objects.filter(is_regulation=True).values_list("path", flat=True))


def drawable_q() -> Q:
    """Questions a paper or a practice may show: published, and not an automatic draft that no
    person has edited or accepted yet."""
    return Q(status=Question.Status.PUBLISHED) & ~Q(origin=Question.Origin.AUTO_DRAFT)


class QuestionQuerySet(PolymorphicQuerySet):
    def published(self):
        return self.filter(drawable_q())

    def pending_drafts(self):
        """Automatic drafts waiting for a person to edit or accept them."""
        return self.filter(origin=Question.Origin.AUTO_DRAFT, status=Question.Status.DRAFT)

    def current(self):
        """The bank as the administrator keeps it: without the versions kept for old papers."""
        return self.filter(status__in=Question.EDITABLE_STATUSES)

    def regulation_q(self, paths: list[str] | None = None) -> Q:
        """Regulation-and-discipline content, as the administrator marked it: a question in a
        法规纪律类 category (or below one), or citing an article of a 法规纪律类 regulation.
        Citing any other page (a notice's study plan, say) does not count."""
        paths = regulation_category_paths() if paths is None else paths
        condition = Q(source_article__page__is_regulation=True)
        for path in paths:
            condition |= Q(category__path=path) | Q(category__path__startswith=f"{path}/")
        return condition


class Question(index.Indexed, PolymorphicModel):
    """The base of every question type; one table queried as its real types.

    Versions: a paper holds the question as it was drawn. When the content of a question that
    stands on a paper is edited (``CONTENT_FIELDS`` and the type's ``answer_fields``), the
    version the papers hold is first copied to a row of its own (status 历史版本, ``current``
    pointing at the question) and the papers are moved to it; the question keeps its id, its
    place in quizzes and practice, and counts one version more. See
    ``quizzes.services.versions``.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        NEEDS_REVIEW = "needs_review", "待复核"
        ARCHIVED = "archived", "历史版本"

    class Origin(models.TextChoices):
        MANUAL = "", "人工编写"
        AUTO_DRAFT = "auto_draft", "自动草拟（待审）"
        AUTO_ACCEPTED = "auto_accepted", "自动草拟（已审）"

    EDITABLE_STATUSES = (Status.DRAFT, Status.PUBLISHED, Status.NEEDS_REVIEW)
    CONTENT_FIELDS = (
        "stem", "explanation", "source_article", "source_page", "source_reference",
        "source_quote",
    )  # fmt: skip

    stem = models.TextField("题干")
    explanation = models.TextField("解析", blank=True)
    difficulty = models.PositiveSmallIntegerField(
        "难度", default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    points = models.DecimalField("默认分值", max_digits=5, decimal_places=1, default=1)
    category = models.ForeignKey(
        Category, verbose_name="分类", on_delete=models.PROTECT, related_name="questions"
    )
    knowledge_points = models.ManyToManyField(
        KnowledgePoint, verbose_name="知识点", blank=True, related_name="questions"
    )
    status = models.CharField("状态", max_length=15, choices=Status.choices, default=Status.DRAFT)
    source_article = models.ForeignKey(
        "content.RegulationArticle",
        verbose_name="依据条文",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    source_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="依据材料",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="依据为学习资料等非法规页面时填写。",
    )
    source_reference = models.CharField("出处说明", max_length=200, blank=True)
    source_quote = models.CharField(
        "依据原文", max_length=120, blank=True, help_text="所依据条文中的关键原句（简短摘录）。"
    )
    source_fingerprint = models.CharField(
        "依据条文指纹", max_length=64, blank=True, editable=False,
        help_text="引用时条文内容的摘要；条文修订后与之不符，题目即标为待复核。",
    )  # fmt: skip
    review_note = models.CharField("复核原因", max_length=200, blank=True)
    fact_group = models.CharField(
        "同题组",
        max_length=60,
        blank=True,
        db_index=True,
        help_text="考查同一知识点、或会泄露彼此答案的题目填写相同的组名；同一份试卷不会出现同组的两道题。",
    )
    origin = models.CharField(
        "来源", max_length=15, choices=Origin.choices, default=Origin.MANUAL, blank=True,
        db_index=True, help_text="自动草拟的题目在有人修改或采纳之前不会被抽到。",
    )  # fmt: skip
    draft_key = models.CharField(
        "草拟标识", max_length=40, blank=True, db_index=True, editable=False,
        help_text="由条文和数字算出；再次草拟时据此跳过已有的草稿。",
    )  # fmt: skip
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    current = models.ForeignKey(
        "self",
        verbose_name="当前版本",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="old_versions",
        help_text="历史版本所属的题目。",
    )
    archived_at = models.DateTimeField("成为历史版本的时间", null=True, blank=True, editable=False)

    objects = PolymorphicManager.from_queryset(QuestionQuerySet)()

    search_fields = [
        index.SearchField("stem", boost=2),
        index.SearchField("explanation"),
        index.SearchField("source_reference"),
        index.AutocompleteField("stem"),
        index.FilterField("status"),
        index.FilterField("difficulty"),
        index.FilterField("category_id"),
        index.FilterField("polymorphic_ctype_id"),
    ]

    class Meta:
        verbose_name = "题目"
        verbose_name_plural = "题目"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.stem[:40]

    def save(self, *args, **kwargs):
        # Saving a question (creating it, or an editor reviewing it) records the text of the
        # article it cites as it stands now.
        self.source_fingerprint = (
            article_fingerprint(self.source_article) if self.source_article_id else ""
        )
        super().save(*args, **kwargs)

    # What every type defines (quizzes.models.types) -------------------------------------------

    kind = ""  # the type's key in URLs, in the Excel import and on the attempt page
    type_label = "题目"
    has_options = False
    input_type = ""  # choice types: radio or checkbox
    answer_fields: tuple[str, ...] = ()  # what the admin edits as this type's answer
    response_template = ""  # how the attempt and practice pages ask for an answer

    @property
    def is_objective(self) -> bool:
        return True

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    @classmethod
    def content_fields(cls) -> tuple[str, ...]:
        """What a candidate reads or is graded by: a change makes a new version."""
        return cls.CONTENT_FIELDS + cls.answer_fields

    def review_options(self, response, order: list[int]) -> list[tuple[str, str, bool, bool]]:
        """For the review: each option as shown (letter, text, chosen, right); [] for types
        without options."""
        return []

    def key_text(self) -> str:
        """The right answer as an administrator checks it (option letters with their text)."""
        return self.answer_display()

    def same_shape(self, other: "Question") -> bool:
        """Whether a response stored for ``other`` means the same thing for this version (same
        options, same blanks), so it can be re-graded with this version's key."""
        return False

    def citation(self, request=None) -> tuple[str, str] | None:
        """(url, label) of the article or page this question rests on, if it cites one."""
        if self.source_article_id:
            article = self.source_article
            label = f"《{article.page.title}》{article.display_label} {article.heading}".strip()
            return article.get_url(request), label
        if self.source_page_id:
            return self.source_page.get_url(request), f"《{self.source_page.title}》"
        return None

    def option_count(self) -> int:
        return 0

    def stem_parts(self) -> list[str]:
        """The stem, cut where the learner types (one piece for most types)."""
        return [self.stem]

    def shown_options(self, order: list[int]) -> list[str]:
        """The option texts in the order one learner sees them."""
        return []

    @staticmethod
    def is_answered(response) -> bool:
        if response is None or response == "":
            return False
        if isinstance(response, list):
            return any(str(value).strip() for value in response)
        return True

    @classmethod
    def clean_response(cls, raw, order: list[int]):
        """What the browser sent (options in shown positions), as stored; raises ValueError,
        TypeError or IndexError when it is no answer of this type. A class method: the hot
        answer-save path never loads the question's own table."""
        raise NotImplementedError

    def shown_response(self, response, order: list[int]):
        """A stored response in the positions this learner saw."""
        return response

    def response_text(self, response, order: list[int]) -> str:
        """The learner's answer as text for the review (letters in their own order)."""
        return str(response) if self.is_answered(response) else "未作答"

    def grade(self, response, points, *, multiple_rule: str = "partial"):
        """A ``grading.Grade`` of a stored response, out of ``points``."""
        raise NotImplementedError

    def answer_display(self, order: list[int] | None = None) -> str:
        """The right answer as a learner reads it (with options in the learner's order)."""
        raise NotImplementedError

    def correct_response(self):
        """A stored response that earns full points (an essay: its reference answer)."""
        raise NotImplementedError

    def wrong_response(self):
        """A stored response that is wrong (for the demo's simulated learners)."""
        raise NotImplementedError

    def excel_answer(self) -> str:
        """The 答案 column of the Excel file."""
        raise NotImplementedError

    @classmethod
    def excel_fields(cls, *, stem: str, options: list[str], answer: str) -> dict:
        """The type's own fields from the Excel columns; raises ``AnswerError``."""
        raise NotImplementedError

    @classmethod
    def get_indexed_objects(cls):
        # Each model of a multi-table chain indexes only the rows of its own exact type, so a
        # question is indexed once (under its concrete type) and a search through the base
        # does not return it twice.
        from django.contrib.contenttypes.models import ContentType

        own_type = ContentType.objects.get_for_model(cls, for_concrete_model=False)
        return cls.objects.non_polymorphic().current().filter(polymorphic_ctype=own_type)
