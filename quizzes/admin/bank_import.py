"""The question bank's Excel import and its blank template (``add`` on ``Question``)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail.admin.viewsets.base import ViewSet

from common.admin import ExcelImportView, ExcelTemplateView, policy_menu_item
from quizzes.excel import build_template, import_questions
from quizzes.models import Question

URL_PREFIX = "question-bank"


class QuestionImportView(ExcelImportView):
    model = Question
    permission_required = "add"
    template_name = "quizzes/admin/import.html"
    page_title = "从 Excel 导入题目"
    parent_crumb = ("question_bank:index", "全部题目")

    def get_template_url(self) -> str:
        return reverse("question_import:template")

    def run_import(self, file):
        return import_questions(file, user=self.request.user)

    def imported(self, result):
        messages.success(self.request, f"成功导入 {result.created} 道题")
        return redirect("question_bank:index")


class QuestionTemplateView(ExcelTemplateView):
    model = Question
    permission_required = "add"
    filename = "题目导入模板.xlsx"

    def build(self) -> bytes:
        return build_template()


class QuestionImportViewSet(ViewSet):
    name = "question_import"
    url_prefix = f"{URL_PREFIX}/import"
    icon = "upload"
    menu_label = "Excel 导入"
    menu_item_class = policy_menu_item(Question, {"add"})

    def get_urlpatterns(self):
        return [
            path("", QuestionImportView.as_view(), name="import"),
            path("template/", QuestionTemplateView.as_view(), name="template"),
        ]
