"""Question drafts in the admin: ask for drafts from a regulation (``add`` on ``Question``), then
review them with the clause highlighted and accept them (``change``). Accepted drafts are
published; a draft edited in its type's form is accepted too (``bank_forms.QuestionForm``)."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from common.admin import PolicyCheckedMixin, UnderParentMixin, has_any_permission, policy_menu_item
from content.models import RegulationPage
from quizzes.admin.bank_import import URL_PREFIX
from quizzes.formats import OPTION_LETTERS
from quizzes.models import (
    Category,
    FillBlankQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from quizzes.services.drafts import accept_drafts, draft_questions

PER_PAGE = 30


class DraftRequestForm(forms.Form):
    regulation = forms.ModelChoiceField(
        label="法规文件", queryset=RegulationPage.objects.order_by("title"), empty_label="请选择"
    )
    article_number = forms.IntegerField(
        label="条目序号",
        required=False,
        min_value=1,
        help_text="只为其中一条草拟时填写（即条目的“序号”）；留空则草拟整个文件。",
    )
    category = forms.ModelChoiceField(
        label="放入分类", queryset=Category.objects.all(), empty_label="请选择"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first = Category.objects.filter(is_regulation=True).first()
        if first is not None:
            self.fields["category"].initial = first.pk

    def clean(self):
        cleaned = super().clean()
        page, number = cleaned.get("regulation"), cleaned.get("article_number")
        cleaned["article"] = None
        if page is not None and number is not None:
            cleaned["article"] = page.articles.filter(number=number).first()
            if cleaned["article"] is None:
                self.add_error("article_number", f"《{page.title}》中没有序号为 {number} 的条目。")
        return cleaned


class DraftRequestView(PolicyCheckedMixin, UnderParentMixin, WagtailAdminTemplateMixin, FormView):
    model = Question
    permission_required = "add"
    form_class = DraftRequestForm
    template_name = "quizzes/admin/draft_request.html"
    page_title = "从法规草拟题目"
    parent_crumb = ("question_drafts:index", "自动草拟")
    header_icon = "edit"

    def form_valid(self, form):
        data = form.cleaned_data
        report = draft_questions(
            page=data["regulation"],
            article=data["article"],
            category=data["category"],
            user=self.request.user,
            now=timezone.now(),
        )
        messages.success(self.request, report_message(report))
        return redirect("question_drafts:index")


def report_message(report) -> str:
    text = f"找到含数字或限度的条款 {report.clauses} 处，新增草稿 {report.created} 道"
    if report.skipped:
        text += f"，已有草稿 {report.skipped} 道未重复生成"
    if report.known:
        text += f"，其中 {report.known} 道考查的事实题库中已有，已归入同题组并标注"
    return text + "。"


# The review list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftRow:
    question: Question
    type_label: str
    answer: str
    quote: SafeString  # the sentence with the clause in <mark>
    citation: str
    edit_url: str


def highlighted(explanation: str, quote: str) -> SafeString:
    """The explanation (which quotes the sentence) with the clause marked; escaped."""
    text, clause = escape(explanation), escape(quote)
    if clause and clause in text:
        text = text.replace(clause, f"<mark>{clause}</mark>", 1)
    return mark_safe(text)  # noqa: S308 - built from escaped parts


def answers_by_type(ids: list[int]) -> dict[int, tuple[str, str]]:
    """(type label, answer as text) of each draft: one query per type, whatever the page size."""
    answers: dict[int, tuple[str, str]] = {}
    for pk, blanks in FillBlankQuestion.objects.filter(pk__in=ids).values_list("pk", "blanks"):
        answers[pk] = ("填空题", "；".join(blank_text(answer) for answer in blanks))
    rows = TrueFalseQuestion.objects.filter(pk__in=ids).values_list("pk", "correct")
    for pk, correct in rows:
        answers[pk] = ("判断题", "正确" if correct else "错误")
    rows = SingleChoiceQuestion.objects.filter(pk__in=ids).values_list("pk", "options", "correct")
    for pk, options, correct in rows:
        shown = "　".join(f"{OPTION_LETTERS[i]}. {o}" for i, o in enumerate(options))
        answers[pk] = ("单选题", f"{shown}（答案 {OPTION_LETTERS[correct]}）")
    return answers


def blank_text(answers: list[str]) -> str:
    """80（也接受：八十） for a blank that accepts several answers."""
    first, *others = answers or [""]
    return f"{first}（也接受：{'、'.join(others)}）" if others else first


def draft_rows(questions: list[Question]) -> list[DraftRow]:
    answers = answers_by_type([q.pk for q in questions])
    rows = []
    for question in questions:
        kind, answer = answers.get(question.pk, ("", ""))
        article = question.source_article
        citation = f"《{article.page.title}》{article.display_label}" if article else ""
        edit = reverse(f"questions_{question.polymorphic_ctype.model_class().kind}:edit",
                       args=(question.pk,))  # fmt: skip
        quote = highlighted(question.explanation, question.source_quote)
        rows.append(DraftRow(question, kind, answer, quote, citation, edit))
    return rows


class DraftReviewView(
    PolicyCheckedMixin, UnderParentMixin, WagtailAdminTemplateMixin, TemplateView
):
    """The pending drafts, 30 a page, in article order; POST accepts the chosen ones."""

    model = Question
    any_permission_required = ["add", "change"]
    template_name = "quizzes/admin/draft_review.html"
    page_title = "自动草拟的题目"
    parent_crumb = ("question_bank:index", "全部题目")
    header_icon = "edit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        drafts = (
            Question.objects.non_polymorphic()
            .pending_drafts()
            .select_related("source_article__page", "polymorphic_ctype")
            .order_by("source_article__page__title", "source_article__sort_order", "pk")
        )
        page = Paginator(drafts, PER_PAGE).get_page(self.request.GET.get("p"))
        user = self.request.user
        context.update(
            page_obj=page,
            rows=draft_rows(list(page.object_list)),
            can_accept=has_any_permission(user, Question, {"change"}),
            can_request=has_any_permission(user, Question, {"add"}),
            request_url=reverse("question_drafts:new"),
        )
        return context

    def post(self, request):
        if not has_any_permission(request.user, Question, {"change"}):
            raise PermissionDenied
        raw = request.POST.getlist("accept") or request.POST.getlist("selected")
        ids = [int(value) for value in raw if value.isdigit()]
        count = accept_drafts(ids=ids, now=timezone.now())
        if count:
            messages.success(request, f"已采纳 {count} 道草稿：已发布，可被组卷和练习抽到。")
        else:
            messages.warning(request, "没有采纳任何草稿：请先勾选要采纳的草稿。")
        page = request.POST.get("p", "")
        suffix = f"?p={page}" if page.isdigit() else ""
        return redirect(reverse("question_drafts:index") + suffix)


class DraftViewSet(ViewSet):
    name = "question_drafts"
    url_prefix = f"{URL_PREFIX}/drafts"
    icon = "edit"
    menu_label = "自动草拟"
    menu_item_class = policy_menu_item(Question, {"add", "change"})

    def get_urlpatterns(self):
        return [
            path("", DraftReviewView.as_view(), name="index"),
            path("new/", DraftRequestView.as_view(), name="new"),
        ]
