"""What every app's Wagtail admin shares: permission-checked menu items, the Excel import page,
safe deletion, a form-class-aware inline panel and how people and times are labelled.

Permissions always go through Wagtail's permission policies (``policy_registry``): views use
``PolicyCheckedMixin`` (Wagtail's ``PermissionCheckedMixin`` on ``permission_model``) with
``permission_required`` / ``any_permission_required``, menu items ``policy_menu_item``. A refused admin page is Wagtail's refusal: the
dashboard with its "no permission" message (a script gets 403).
"""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django import forms
from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import InlinePanel
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permissions import policy_registry

from common.excel import xlsx_response


def has_any_permission(user, model, actions: Iterable[str]) -> bool:
    """Whether ``user`` holds any of ``actions`` on ``model`` by its permission policy."""
    return policy_registry.get_by_type(model).user_has_any_permission(user, set(actions))


def policy_menu_item(model, actions: Iterable[str]) -> type[MenuItem]:
    """A menu item class shown only to users holding one of ``actions`` on ``model``."""
    actions = frozenset(actions)

    class PolicyMenuItem(MenuItem):
        def is_shown(self, request):
            return has_any_permission(request.user, model, actions)

    return PolicyMenuItem


class PolicyCheckedMixin(PermissionCheckedMixin):
    """Wagtail's permission check against the policy of ``permission_model``, which may differ
    from the model a page lists (marking lists answers, but needs a permission on attempts)."""

    permission_model = None

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(self.permission_model or self.model)


def person(user) -> str:
    """姓名(用户名), or the username alone."""
    name = user.get_full_name()
    return f"{name}({user.get_username()})" if name else user.get_username()


def number(value: Decimal) -> str:
    """A decimal without trailing zeros: 6.00 → 6, 10.0 → 10, 2.5 → 2.5."""
    return format(value.normalize(), "f")


def local(moment: datetime | None, empty: str = "—") -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else empty


class UnderParentMixin:
    """Breadcrumbs of a page that stands under one list: ``parent_crumb = (url name, label)``."""

    parent_crumb: tuple[str, str] = ("", "")

    def get_breadcrumbs_items(self):
        url_name, label = self.parent_crumb
        return [{"url": reverse(url_name), "label": label}, {"url": "", "label": self.page_title}]


class ProtectedDeleteView(generic.DeleteView):
    """Explains, instead of failing, when other records still need the object."""

    protected_message = "该对象仍被其他记录引用，不能删除。"

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, self.protected_message)
            return redirect(self.get_success_url())


class FormInlinePanel(InlinePanel):
    """An InlinePanel whose child forms are built from ``form_class``."""

    def __init__(self, *args, form_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_class = form_class

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "form_class": self.form_class}

    def get_form_options(self):
        options = super().get_form_options()
        if self.form_class:
            options["formsets"][self.relation_name]["form"] = self.form_class
        return options


# Excel imports -----------------------------------------------------------------------------------


class ExcelUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text="请使用“下载导入模板”得到的 .xlsx 文件填写。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class ExcelImportView(UnderParentMixin, PolicyCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """The upload page of an all-or-nothing import: every error of a refused file by row and
    column, or the import done. Subclasses say what to run and where to go afterwards."""

    form_class = ExcelUploadForm
    header_icon = "upload"
    show_sheet = False  # the file has several sheets: errors name theirs

    def run_import(self, file):
        """Import ``file``; returns a result with ``errors`` (empty when it was imported)."""
        raise NotImplementedError

    def imported(self, result):
        """The response once the file is in."""
        raise NotImplementedError

    def get_template_url(self) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        result = self.run_import(form.cleaned_data["file"])
        if result.errors:
            return self.render_to_response(self.get_context_data(form=form, errors=result.errors))
        return self.imported(result)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(template_url=self.get_template_url(), show_sheet=self.show_sheet)
        return context


class ExcelTemplateView(PolicyCheckedMixin, View):
    """The blank template of an import, as a download."""

    filename = "导入模板.xlsx"

    def build(self) -> bytes:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return xlsx_response(self.build(), self.filename)
