"""Wagtail admin registrations of the learning app (units, people, reports).

Programme administration registers its own hooks in ``admin_programmes``.

"单位与人员" (platform administrators — see ``learning.scoping`` — and anybody granted the
Django model permissions on units / unit administrators):

* 单位: the unit tree, indented by depth; add, edit (also moving under another parent), delete
  (refused while the unit has sub-units or people);
* 单位管理员: who administers which unit (and everything below it);
* 人员导入: the Excel import of units and people and its template — platform administrators
  only. The initial passwords are shown once on the result page and offered as an .xlsx that is
  built into the page itself (a data: link), so they are never stored anywhere.
"""

import base64
from functools import cached_property

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, ProtectedError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.generic import FormView, View
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

import learning.people  # noqa: F401 (connects the password-change signal)
from learning import admin_programmes  # noqa: F401
from learning.imports import XLSX, ImportResult, build_template, import_people, password_workbook
from learning.models import Unit, UnitAdministrator
from learning.scoping import is_platform_admin
from quizzes.views_quiz_admin import person, person_chooser_viewset


class PlatformAdminPolicy(ModelPermissionPolicy):
    """Platform administrators may do everything; anybody else needs the model permissions."""

    def user_has_permission(self, user, action):
        return is_platform_admin(user) or super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return is_platform_admin(user) or super().user_has_any_permission(user, actions)


register_permission_policy(Unit, PlatformAdminPolicy(Unit))
register_permission_policy(UnitAdministrator, PlatformAdminPolicy(UnitAdministrator))


def indented(unit: Unit) -> str:
    """The unit's name indented by its depth (ideographic spaces)."""
    return "\u3000" * (unit.depth - 1) + unit.name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return indented(obj)


# Units ----------------------------------------------------------------------------------------


class UnitForm(WagtailAdminModelForm):
    """Name, code and parent; saving adds the unit to the tree or moves it under a new parent."""

    parent = UnitChoiceField(
        label="上级单位",
        queryset=Unit.objects.order_by("path"),
        required=False,
        help_text="留空表示最上级单位。",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        unit = self.instance
        if unit.pk:
            # A unit cannot move under itself or one of its own sub-units.
            self.fields["parent"].queryset = Unit.objects.exclude(
                path__startswith=unit.path
            ).order_by("path")
            self.initial.setdefault("parent", unit.get_parent())

    def save(self, commit: bool = True) -> Unit:
        unit = super().save(commit=False)
        parent = self.cleaned_data.get("parent")
        if unit._state.adding:
            return parent.add_child(instance=unit) if parent else Unit.add_root(instance=unit)
        unit.save()
        if "parent" in self.changed_data:
            _move(unit, parent)
        return unit


def _move(unit: Unit, parent: Unit | None) -> None:
    unit = Unit.objects.get(pk=unit.pk)
    if parent is not None:
        unit.move(Unit.objects.get(pk=parent.pk), "sorted-child")
        return
    first_root = Unit.get_first_root_node()
    if first_root.pk != unit.pk:
        unit.move(first_root, "sorted-sibling")


class UnitIndexView(generic.IndexView):
    """The tree in path order, each name indented by its depth, with its number of people."""

    def get_base_queryset(self):
        return Unit.objects.annotate(
            people_count=Count("learners", distinct=True),
            admin_count=Count("administrators", distinct=True),
        )

    @cached_property
    def columns(self):
        column_class = self._get_title_column_class(TitleColumn)
        name = column_class(
            "name", label="单位", accessor=indented, get_url=self.get_edit_url, sort_key="path"
        )
        return [
            name,
            Column("code", label="单位编码", sort_key="code"),
            Column("people_count", label="人数", sort_key="people_count"),
            Column("admin_count", label="管理员", sort_key="admin_count"),
        ]


class UnitDeleteView(generic.DeleteView):
    def form_valid(self, form):
        if self.object.get_children_count():
            messages.error(self.request, "该单位还有下级单位,请先删除或移走下级单位。")
            return redirect(self.get_success_url())
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, "该单位还有人员,不能删除;请先把人员调到其他单位。")
            return redirect(self.get_success_url())


class UnitViewSet(ModelViewSet):
    model = Unit
    name = "units"
    url_prefix = "units"
    icon = "site"
    menu_label = "单位"
    index_view_class = UnitIndexView
    delete_view_class = UnitDeleteView
    ordering = "path"
    search_fields = ["name", "code"]
    search_backend_name = None
    list_per_page = 100
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("code"), FieldPanel("parent")], base_form_class=UnitForm
    )


# Unit administrators --------------------------------------------------------------------------


class UnitAdministratorForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        self.fields["unit"] = UnitChoiceField(
            label=field.label,
            queryset=Unit.objects.order_by("path"),
            help_text="管理员可以查看该单位及其全部下级单位的统计。",
        )


class UnitAdministratorIndexView(generic.IndexView):
    def get_base_queryset(self):
        return UnitAdministrator.objects.select_related("user", "unit")

    @cached_property
    def columns(self):
        column_class = self._get_title_column_class(TitleColumn)
        who = column_class(
            "user", label="人员", accessor=lambda a: person(a.user), get_url=self.get_edit_url
        )
        return [
            who,
            Column("unit", label="管理单位", accessor=lambda a: a.unit.name, sort_key="unit__path"),
            Column("code", label="单位编码", accessor=lambda a: a.unit.code),
        ]


class UnitAdministratorViewSet(ModelViewSet):
    model = UnitAdministrator
    name = "unit_administrators"
    url_prefix = "unit-administrators"
    icon = "user"
    menu_label = "单位管理员"
    index_view_class = UnitAdministratorIndexView
    ordering = ["unit__path", "user__username"]
    search_fields = ["user__username", "user__first_name", "unit__name", "unit__code"]
    search_backend_name = None
    list_per_page = 100
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("user", widget=person_chooser_viewset.widget_class), FieldPanel("unit")],
        base_form_class=UnitAdministratorForm,
    )


# Import ---------------------------------------------------------------------------------------


class PlatformAdminRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_platform_admin(request.user):
            raise PermissionDenied("只有平台管理员可以导入人员。")
        return super().dispatch(request, *args, **kwargs)


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text="请使用“下载导入模板”得到的 .xlsx 文件填写。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class PeopleImportView(PlatformAdminRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """Upload form; lists every error of a refused file, or imports it and shows the passwords."""

    template_name = "learning/admin_people/import.html"
    form_class = PeopleImportForm
    page_title = "从 Excel 导入单位和人员"
    header_icon = "upload"

    result_template_name = "learning/admin_people/import_result.html"

    def form_valid(self, form):
        result = import_people(form.cleaned_data["file"], now=timezone.now())
        if not result.ok:
            return self.render_to_response(self.get_context_data(form=form, errors=result.errors))
        response = TemplateResponse(
            self.request, self.result_template_name, self.result_context(result)
        )
        response["Cache-Control"] = "no-store"  # the passwords must not stay in any cache
        return response

    def result_context(self, result: ImportResult) -> dict:
        workbook = password_workbook(result.people) if result.people else b""
        return self.get_context_data(
            result=result,
            passwords_href=f"data:{XLSX};base64,{base64.b64encode(workbook).decode()}",
            passwords_filename=f"初始密码-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        )

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("units:index"), "label": "单位"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["template_url"] = reverse("people_import:template")
        context["show_sheet"] = True  # the file has a 单位 and a 人员 sheet
        return context


class TemplateDownloadView(PlatformAdminRequiredMixin, View):
    def get(self, request):
        return HttpResponse(
            build_template(),
            content_type=XLSX,
            headers={"Content-Disposition": content_disposition_header(True, "人员导入模板.xlsx")},
        )


class PlatformAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return is_platform_admin(request.user)


class PeopleImportViewSet(ViewSet):
    name = "people_import"
    url_prefix = "people-import"
    icon = "upload"
    menu_label = "人员导入"
    menu_item_class = PlatformAdminMenuItem

    def get_urlpatterns(self):
        return [
            path("", PeopleImportView.as_view(), name="import"),
            path("template/", TemplateDownloadView.as_view(), name="template"),
        ]


# The menu -------------------------------------------------------------------------------------


class UnitsAndPeopleGroup(ViewSetGroup):
    menu_label = "单位与人员"
    menu_icon = "group"
    menu_name = "units-people"
    menu_order = 260
    items = (UnitViewSet(), UnitAdministratorViewSet(), PeopleImportViewSet())


@hooks.register("register_admin_viewset")
def register_units_and_people():
    return UnitsAndPeopleGroup()
