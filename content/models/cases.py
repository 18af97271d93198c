from django import forms
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import ItemBase, TagBase
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from content.selectors import visible_children


class CaseStudyIndexPage(Page):
    """Lists case studies, filterable by kind and by type of misconduct."""

    intro = RichTextField("简介", blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["content.CaseStudyPage"]
    parent_page_types = ["content.HomePage"]

    class Meta:
        verbose_name = "典型案例库"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        cases = visible_children(self, CaseStudyPage, request.user).prefetch_related("misconduct")
        kind, tag = request.GET.get("kind", ""), request.GET.get("type", "")
        if kind in CaseStudyPage.Kind.values:
            cases = cases.filter(kind=kind)
        if tag:
            cases = cases.filter(misconduct__slug=tag)
        context.update(
            cases=cases.order_by("-first_published_at").distinct(),
            kinds=CaseStudyPage.Kind.choices,
            misconduct_types=MisconductType.objects.filter(
                casestudytag_items__isnull=False
            ).distinct(),
            current_kind=kind,
            current_type=tag,
        )
        return context


class MisconductType(TagBase):
    """A managed vocabulary of misconduct types (跑官要官, 带病提拔 …); editors pick, not invent."""

    free_tagging = False

    class Meta:
        verbose_name = "问题类型"
        verbose_name_plural = "问题类型"
        ordering = ["name"]


class CaseStudyTag(ItemBase):
    tag = models.ForeignKey(
        MisconductType, related_name="casestudytag_items", on_delete=models.CASCADE
    )
    content_object = ParentalKey(
        "content.CaseStudyPage", on_delete=models.CASCADE, related_name="misconduct_items"
    )


class CaseStudyPage(Page):
    """A teaching case (典型案例): what happened, how it was handled, what to learn from it."""

    class Kind(models.TextChoices):
        WARNING = "warning", "反面警示"
        POSITIVE = "positive", "正面典型"

    kind = models.CharField("案例性质", max_length=10, choices=Kind.choices, default=Kind.WARNING)
    summary = models.TextField("案情摘要")
    body = RichTextField("案例正文", features=["h3", "bold", "italic", "ol", "ul", "link"])
    lessons = models.TextField("启示", blank=True, help_text="每行一条。")
    is_teaching_case = models.BooleanField(
        "编写的教学案例",
        default=False,
        help_text="根据公开材料编写、用于教学的案例（不是对真实事件的通报）；页面会注明。",
    )
    misconduct = ClusterTaggableManager(
        "问题类型", through=CaseStudyTag, blank=True, related_name="case_studies"
    )
    related_materials = ParentalManyToManyField(
        "content.StudyMaterialPage",
        verbose_name="相关学习资料",
        blank=True,
        related_name="case_studies",
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("lessons"),
        index.FilterField("kind"),
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("is_teaching_case"),
        FieldPanel("misconduct"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("lessons"),
        InlinePanel("article_links", heading="相关法规条目", label="相关条目"),
        FieldPanel("related_materials", widget=forms.CheckboxSelectMultiple),
    ]
    parent_page_types = ["content.CaseStudyIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "典型案例"
        verbose_name_plural = "典型案例"

    @property
    def lesson_list(self) -> list[str]:
        return [line.strip() for line in self.lessons.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = [link.article for link in self.article_links.select_related("article__page")]
        context["related_articles"] = [a for a in dict.fromkeys(articles) if a.page.live]
        # .all(), not .live(): in a preview the relation is modelcluster's in-memory list.
        context["related_materials"] = [m for m in self.related_materials.all() if m.live]
        return context


class CaseStudyArticleLink(Orderable):
    page = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="article_links")
    article = models.ForeignKey(
        "content.RegulationArticle",
        verbose_name="法规条目",
        on_delete=models.CASCADE,
        related_name="case_links",
    )

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        verbose_name = "相关法规条目"
