"""Units (单位) and unit administrators (单位管理员) in the admin: the unit tree, indented by depth
(add, edit, move under another parent, delete while empty) and who administers which unit.

Platform administrators and anybody granted the model permissions (``PlatformAdminPolicy``).
"""

from functools import cached_property

from django import forms
from django.contrib import messages
from django.db.models import Count, ProtectedError
from django.shortcuts import redirect
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from common.admin import person
from common.choosers import person_chooser_viewset
from learning.models import Unit, UnitAdministrator


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
            messages.error(self.request, "该单位还有下级单位，请先删除或移走下级单位。")
            return redirect(self.get_success_url())
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, "该单位还有人员，不能删除；请先把人员调到其他单位。")
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
