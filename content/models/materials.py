from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page
from wagtail.search import index

from content.selectors import visible_children


class StudyMaterialIndexPage(Page):
    """Lists study materials and notices, newest first."""

    intro = RichTextField("简介", blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["content.StudyMaterialPage"]
    parent_page_types = ["content.HomePage"]

    class Meta:
        verbose_name = "学习资料库"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        materials = visible_children(self, StudyMaterialPage, request.user)
        kind = request.GET.get("kind", "")
        if kind in StudyMaterialPage.Kind.values:
            materials = materials.filter(kind=kind)
        context.update(
            materials=materials.order_by("-published_on", "-first_published_at"),
            kinds=StudyMaterialPage.Kind.choices,
            current_kind=kind,
        )
        return context


class StudyMaterialBody(blocks.StreamBlock):
    heading = blocks.CharBlock(label="小标题", form_classname="title")
    paragraph = blocks.RichTextBlock(
        label="段落", features=["bold", "italic", "ol", "ul", "link", "document-link"]
    )
    quote = blocks.BlockQuoteBlock(label="引文")
    image = ImageBlock(label="图片")
    document = DocumentChooserBlock(label="附件")


class StudyMaterialPage(Page):
    """A study material or notice: rich text with images and attached documents."""

    class Kind(models.TextChoices):
        MATERIAL = "material", "学习资料"
        NOTICE = "notice", "通知公告"
        REPORT = "report", "调研报告"
        NEWS = "news", "工作动态"

    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.MATERIAL)
    source = models.CharField("来源", max_length=120, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    summary = models.TextField("摘要", blank=True)
    body = StreamField(StudyMaterialBody(), verbose_name="正文", blank=True)

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("source"),
        index.SearchField("body"),
        index.FilterField("kind"),
    ]
    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("source"), FieldPanel("published_on")]),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    parent_page_types = ["content.StudyMaterialIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "学习资料"
        verbose_name_plural = "学习资料"
