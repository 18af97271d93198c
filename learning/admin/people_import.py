"""The Excel import of units and people and its template (``add`` on ``LearnerProfile``, which
platform administrators hold). The initial passwords are shown once on the result page and
offered as an .xlsx built into the page itself (a data: link), so they are never stored anywhere.
"""

import base64

from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from wagtail.admin.viewsets.base import ViewSet

from common.admin import ExcelImportView, ExcelTemplateView, policy_menu_item
from common.excel import XLSX_CONTENT_TYPE
from learning.models import LearnerProfile
from learning.services.people_import import build_template, import_people, password_workbook


class PeopleImportView(ExcelImportView):
    model = LearnerProfile
    permission_required = "add"
    template_name = "learning/admin_people/import.html"
    result_template_name = "learning/admin_people/import_result.html"
    page_title = "从 Excel 导入单位和人员"
    parent_crumb = ("units:index", "单位")
    show_sheet = True  # the file has a 单位 and a 人员 sheet

    def get_template_url(self) -> str:
        return reverse("people_import:template")

    def run_import(self, file):
        return import_people(file, now=timezone.now(), by=self.request.user)

    def imported(self, result):
        workbook = password_workbook(result.people) if result.people else b""
        context = self.get_context_data(
            result=result,
            passwords_href=f"data:{XLSX_CONTENT_TYPE};base64,{base64.b64encode(workbook).decode()}",
            passwords_filename=f"初始密码-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        )
        response = TemplateResponse(self.request, self.result_template_name, context)
        response["Cache-Control"] = "no-store"  # the passwords must not stay in any cache
        return response


class PeopleTemplateView(ExcelTemplateView):
    model = LearnerProfile
    permission_required = "add"
    filename = "人员导入模板.xlsx"

    def build(self) -> bytes:
        return build_template()


class PeopleImportViewSet(ViewSet):
    name = "people_import"
    url_prefix = "people-import"
    icon = "upload"
    menu_label = "人员导入"
    menu_item_class = policy_menu_item(LearnerProfile, {"add"})

    def get_urlpatterns(self):
        return [
            path("", PeopleImportView.as_view(), name="import"),
            path("template/", PeopleTemplateView.as_view(), name="template"),
        ]
