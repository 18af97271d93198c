from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from content.selectors import visible_children


class RegulationIndexPage(Page):
    """The regulation library: lists every regulation below it."""

    intro = RichTextField("简介", blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["content.RegulationPage"]
    parent_page_types = ["content.HomePage"]

    class Meta:
        verbose_name = "法规库"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        regulations = visible_children(self, RegulationPage, request.user)
        status = request.GET.get("status", "")
        if status in RegulationPage.Status.values:
            regulations = regulations.filter(status=status)
        context["regulations"] = regulations.order_by("-issued_on", "title")
        context["status_choices"] = RegulationPage.Status.choices
        context["current_status"] = status
        return context


class RegulationPageForm(WagtailAdminPageForm):
    """Refuses two articles with the same number: the number is the article's anchor."""

    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("articles")
        if formset is None or not formset.is_valid():
            return cleaned_data
        seen: set[int] = set()
        for form in formset.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            number = form.cleaned_data.get("number")
            if number is None:
                continue
            if number in seen:
                form.add_error("number", f"条目序号 {number} 重复，每条的序号必须唯一。")
            seen.add(number)
        return cleaned_data


class RegulationPage(Page):
    """One regulation or normative document, made of numbered articles (条/项)."""

    class Status(models.TextChoices):
        CURRENT = "current", "现行"
        TRIAL = "trial", "试行"
        REPEALED = "repealed", "已废止"

    issuer = models.CharField("发文机关", max_length=120, blank=True)
    document_number = models.CharField("文号", max_length=80, blank=True)
    issued_on = models.DateField("发布日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.CURRENT)
    summary = models.TextField("内容提要", blank=True)
    preamble = models.TextField("序言/导语", blank=True, help_text="正文条目之前的文字，可留空。")
    signature = models.CharField("落款", max_length=200, blank=True)
    is_regulation = models.BooleanField(
        "法规纪律类",
        default=False,
        help_text="本文件属于干部选拔任用政策法规和干部人事纪律：引用其条目的题目计入试卷的"
        "法规纪律内容，以其为课程的学时可计入法规纪律学时。通知、工作部署等请勿勾选。",
    )
    history_note = models.CharField(
        "历史文本说明",
        max_length=200,
        blank=True,
        help_text="文件已被修订或替代时填写，页面顶部会提示读者，如“本办法已被……替代”。",
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("preamble"),
        index.SearchField("issuer"),
        index.SearchField("document_number"),
        index.FilterField("status"),
        index.RelatedFields(
            "articles",
            [index.SearchField("section"), index.SearchField("heading"), index.SearchField("body")],
        ),
    ]
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("issuer"), FieldPanel("document_number")]),
                FieldRowPanel([FieldPanel("issued_on"), FieldPanel("status")]),
                FieldPanel("is_regulation"),
                FieldPanel("history_note"),
            ],
            heading="文件信息",
        ),
        FieldPanel("summary"),
        FieldPanel("preamble"),
        InlinePanel("articles", heading="条目", label="条目"),
        FieldPanel("signature"),
    ]
    base_form_class = RegulationPageForm
    parent_page_types = ["content.RegulationIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "法规文件"
        verbose_name_plural = "法规文件"

    @cached_property
    def article_list(self) -> list["RegulationArticle"]:
        return list(self.articles.all())

    def sections(self) -> list[tuple[str, list["RegulationArticle"]]]:
        """Articles grouped by their section heading, in order, for the table of contents."""
        groups: list[tuple[str, list[RegulationArticle]]] = []
        for article in self.article_list:
            if not groups or groups[-1][0] != article.section:
                groups.append((article.section, []))
            groups[-1][1].append(article)
        return groups

    def get_context(self, request, *args, **kwargs):
        from content.search.segment import highlight_terms

        context = super().get_context(request, *args, **kwargs)
        context["highlight_terms"] = highlight_terms(request.GET.get("hl", ""))
        return context


class RegulationArticle(Orderable):
    """One numbered article (条/项) of a regulation.

    Its primary key stays the same across revisions, so questions and case studies can cite it;
    ``number`` gives the anchor on the page (``#art-12``).
    """

    page = ParentalKey(RegulationPage, on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveIntegerField(
        "序号", help_text="在本文件内唯一，用作页面锚点 #art-序号。"
    )
    label = models.CharField("编号", max_length=40, blank=True, help_text="如“第十二条”“3、”。")
    section = models.CharField("所属部分", max_length=200, blank=True)
    heading = models.CharField("条目标题", max_length=200, blank=True)
    body = models.TextField("条文")

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("label")]),
        FieldPanel("section"),
        FieldPanel("heading"),
        FieldPanel("body"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "法规条目"
        verbose_name_plural = "法规条目"

    def __str__(self) -> str:
        return f"《{self.page.title}》{self.display_label} {self.toc_title[:24]}"

    def clean(self):
        if not self.body.strip():
            raise ValidationError({"body": "条文不能为空。"})

    @property
    def anchor(self) -> str:
        return f"art-{self.number}"

    @property
    def display_label(self) -> str:
        return self.label or f"第{self.number}条"

    @property
    def toc_title(self) -> str:
        return self.heading or self.body

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]

    def get_url(self, request=None) -> str:
        return f"{self.page.get_url(request)}#{self.anchor}"
