"""Importing a regulation's text in the admin: paste or upload, preview the split, correct it
(merge, split, rename), then save a draft page or a new revision for review.

The preview is a plain form round-trip: the articles travel in a formset, so nothing is kept on
the server between steps and nothing is written before 保存.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateInput

from content.models import RegulationIndexPage, RegulationPage
from content.regulations.edits import apply_edits, has_edits, paragraphs, split_problems
from content.regulations.files import (
    MAX_ARTICLES,
    MAX_FILE_BYTES,
    RegulationTextError,
    read_text,
    split_text,
)
from content.regulations.matching import article_text, match_articles
from content.selectors import latest_articles
from content.services import (
    RegulationDraft,
    ReviewUnavailable,
    create_regulation,
    revise_regulation,
)

META_FIELDS = ("title", "issuer", "document_number", "issued_on", "preamble", "signature")


class SourceForm(forms.Form):
    text = forms.CharField(
        label="粘贴法规全文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="从标题起整篇粘贴，每条另起一行；也可在下方上传文件。",
    )
    file = forms.FileField(
        label="或上传文件",
        required=False,
        help_text=f"Word（.docx）或纯文本（.txt），不超过 {MAX_FILE_BYTES // (1024 * 1024)} MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.txt"}),
        error_messages={
            "empty": "上传的文件是空的，没有可导入的内容。",
            "invalid": "没有收到文件，请重新选择后上传。",
        },
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text", "")
        if upload is None and not text.strip():
            raise forms.ValidationError("请粘贴法规文本，或选择要上传的文件。")
        if upload is not None and text.strip():
            raise forms.ValidationError("请只用一种方式：粘贴文本或上传文件，不要同时使用。")
        try:
            source = read_text(text=text, upload=upload, name=getattr(upload, "name", ""))
            self.parsed = split_text(source)
        except RegulationTextError as error:
            raise forms.ValidationError(str(error)) from None
        return data


class MetadataForm(forms.Form):
    title = forms.CharField(
        label="标题", max_length=255, error_messages={"required": "请填写法规标题。"}
    )
    issuer = forms.CharField(label="发文机关", max_length=120, required=False)
    document_number = forms.CharField(label="文号", max_length=80, required=False)
    issued_on = forms.DateField(label="发布日期", required=False, widget=AdminDateInput)
    preamble = forms.CharField(
        label="序言/导语", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    signature = forms.CharField(label="落款", max_length=200, required=False)


class ArticleForm(forms.Form):
    label = forms.CharField(label="编号", max_length=40, required=False)
    section = forms.CharField(label="所属部分", max_length=200, required=False)
    heading = forms.CharField(label="条目标题", max_length=200, required=False)
    body = forms.CharField(
        label="条文",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "条文不能为空；不要的条目请与上一条合并。"},
    )
    merge = forms.BooleanField(label="与下一条合并", required=False)
    split_at = forms.IntegerField(label="从第几段拆出新条", required=False, min_value=2)

    def clean_body(self):
        """One paragraph a line, as the splitter writes them (browsers send CRLF)."""
        return "\n".join(paragraphs(self.cleaned_data["body"]))


ArticleFormSet = forms.formset_factory(
    ArticleForm, extra=0, max_num=MAX_ARTICLES, absolute_max=MAX_ARTICLES, validate_max=True
)


class RegulationImportView(WagtailAdminTemplateMixin, TemplateView):
    """Step 1 (source), step 2 (preview, corrected as often as needed), then save."""

    header_icon = "upload"
    source_template = "content/admin/regulation_import.html"
    preview_template = "content/admin/regulation_import_preview.html"

    def dispatch(self, request, *args, **kwargs):
        if "page_id" in kwargs:
            self.page = get_object_or_404(RegulationPage, pk=kwargs["page_id"])
            self.parent = None
            allowed = self.page.permissions_for_user(request.user).can_edit()
        else:
            self.page = None
            self.parent = get_object_or_404(RegulationIndexPage, pk=kwargs["parent_id"])
            allowed = self.parent.permissions_for_user(request.user).can_add_subpage()
        if not allowed:
            return permission_denied(request)
        if self.page and (lock := self.page.get_lock()) and lock.for_user(request.user):
            messages.error(request, "该法规页面已被锁定，暂时不能导入新文本，请在解锁后再试。")
            return redirect("wagtailadmin_pages:edit", self.page.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        if self.page:
            return f"导入新文本：{self.page.get_admin_display_title()}"
        return "导入法规文本"

    def get_breadcrumbs_items(self):
        home = self.page or self.parent
        return [
            {"url": reverse("wagtailadmin_explore", args=[home.get_parent().pk]), "label": "页面"},
            {"url": reverse("wagtailadmin_explore", args=[home.pk]), "label": str(home.title)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        return self._source(SourceForm())

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "parse")
        if action == "parse":
            return self._parse(SourceForm(request.POST, request.FILES))
        meta = MetadataForm(request.POST, prefix="meta")
        articles = ArticleFormSet(request.POST, prefix="articles")
        if not (meta.is_valid() and articles.is_valid()):
            return self._preview(meta, articles)
        rows = [form.cleaned_data for form in articles.forms]
        if problems := split_problems(rows):
            for index, problem in problems.items():
                articles.forms[index].add_error("split_at", problem)
            messages.error(request, "有条目无法按要求拆分，请查看标红的条目。")
            return self._preview(meta, articles)
        if action == "apply" or has_edits(rows):
            messages.info(request, "已按要求合并、拆分条目，请核对后再保存。")
            return self._preview(meta, _unbound(apply_edits(rows)))
        try:
            return self._save(meta.cleaned_data, rows, submit=action == "submit")
        except ReviewUnavailable as error:
            messages.error(request, str(error))
            return self._preview(meta, articles)

    def _source(self, form):
        self.template_name = self.source_template
        return self.render_to_response(self.get_context_data(form=form))

    def _parse(self, form):
        if not form.is_valid():
            return self._source(form)
        doc = form.parsed
        initial = {name: getattr(doc, name) for name in META_FIELDS}
        if self.page and not initial["title"]:
            initial["title"] = self.page.title
        rows = [
            {"label": a.label, "section": a.section, "heading": a.heading, "body": a.body}
            for a in doc.articles
        ]
        return self._preview(MetadataForm(initial=initial, prefix="meta"), _unbound(rows))

    def _preview(self, meta, articles):
        self.template_name = self.preview_template
        for form in articles.forms:
            form.fields["body"].widget.attrs["rows"] = _rows(form["body"].value() or "")
        context = self.get_context_data(meta=meta, articles=articles, revising=bool(self.page))
        if self.page:
            context["rows"], context["removed"] = self._plan(articles)
        else:
            context["rows"] = [(form, None) for form in articles.forms]
        return self.render_to_response(context)

    def _plan(self, articles):
        """Each article form with what it continues (None: new), and the old articles dropped."""
        old = latest_articles(self.page)
        texts = [
            (form["label"].value() or "", article_text(*_values(form, "heading", "body")))
            for form in articles.forms
        ]
        matches = match_articles(old, texts)
        rows = [
            (form, {"old": match, "same": match is not None and match.text == text})
            for form, match, (_, text) in zip(articles.forms, matches, texts, strict=True)
        ]
        kept = {match.id for match in matches if match}
        return rows, [article for article in old if article.id not in kept]

    def _save(self, meta: dict, rows: list[dict], *, submit: bool):
        draft = RegulationDraft(
            **{name: meta[name] for name in META_FIELDS},
            articles=[{k: r[k] for k in ("label", "section", "heading", "body")} for r in rows],
        )
        user = self.request.user
        if self.page:
            page = revise_regulation(page=self.page, draft=draft, user=user, submit=submit)
            done = f"已为《{page.title}》保存新版本（{len(rows)} 条），尚未发布。"
        else:
            page = create_regulation(parent=self.parent, draft=draft, user=user, submit=submit)
            done = f"已创建草稿《{page.title}》（{len(rows)} 条），尚未发布。"
        messages.success(self.request, done + ("已提交审核。" if submit else "请核对后提交审核。"))
        return redirect("wagtailadmin_pages:edit", page.pk)


def _values(form, *names: str) -> list[str]:
    """The fields' values as shown (posted or initial), one paragraph a line."""
    return ["\n".join(paragraphs(form[name].value() or "")) for name in names]


def _rows(body: str) -> int:
    """A textarea tall enough for the article (about 50 characters a line), 2 to 14 rows."""
    lines = sum(-(-len(line) // 50) or 1 for line in body.splitlines())
    return min(max(lines + 1, 2), 14)


def _unbound(rows: list[dict]):
    return ArticleFormSet(initial=rows, prefix="articles")


def urlpatterns():
    view = RegulationImportView.as_view()
    return [
        path("regulation-import/<id:parent_id>/", view, name="regulation_import"),
        path("regulation-import/revise/<id:page_id>/", view, name="regulation_reimport"),
    ]


class ImportRegulationButton(PageMenuItem):
    """导入法规文本 on the regulation library, for those who may add pages to it."""

    label = "导入法规文本"
    icon_name = "upload"

    @property
    def url(self):
        return reverse("regulation_import", args=[self.page.pk])

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_add_subpage()


class ReimportRegulationButton(PageMenuItem):
    """导入新文本 on a regulation, for those who may edit it."""

    label = "导入新文本"
    icon_name = "upload"

    @property
    def url(self):
        return reverse("regulation_reimport", args=[self.page.pk])

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


def page_buttons(page, user, next_url=None):
    """The import buttons that fit ``page`` (none for other page types)."""
    specific = page.specific_class
    if specific is RegulationIndexPage:
        yield ImportRegulationButton(page=page, priority=12)
    elif specific is RegulationPage:
        yield ReimportRegulationButton(page=page, priority=12)
