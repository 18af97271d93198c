"""Programmes (培训项目) in the admin: settings, audience and items, with the model permissions on
``Programme``. Saving a published, auto-enrolling programme enrols its audience; each
programme links to its enrolments (``enrolments``) and certificates (``certificates``), and its
offline items to their attendance (``attendance``).
"""

from functools import cached_property

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from common.admin import ProtectedDeleteView
from learning import services
from learning.admin.attendance import (
    AttendanceImportView,
    AttendanceTemplateView,
    AttendanceView,
)
from learning.admin.enrolments import EnrolmentsView
from learning.models import Programme, Rank, Unit
from learning.permissions import can_see_certificates, can_see_enrolments


def unit_label(unit: Unit) -> str:
    return "\u3000" * (unit.depth - 1) + unit.name


# Programme form --------------------------------------------------------------------------------


class ProgrammeForm(WagtailAdminModelForm):
    """Audience ranks as checkboxes; audience units as an indented tree of checkboxes."""

    audience_ranks = forms.MultipleChoiceField(
        label="面向职级",
        choices=Rank.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不勾选表示不限职级。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = self.fields.get("audience_units")
        if units is not None:
            units.queryset = Unit.objects.order_by("path")
            units.label_from_instance = unit_label
            units.help_text = "勾选的单位包括其所有下级单位；不勾选表示不限单位。"

    def clean_audience_ranks(self):
        return list(self.cleaned_data.get("audience_ranks") or [])


class OrderedItemFormSet(BaseChildFormSet):
    """Saves the order the items were arranged in (``ProgrammeItem.sort_order``)."""

    def save(self, commit=True):
        if self.can_order:
            for index, form in enumerate(self.ordered_forms):
                form.instance.sort_order = index
        return super().save(commit=commit)


class ItemsInlinePanel(InlinePanel):
    """The items formset, orderable, saving ``sort_order``."""

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        formset["formset"] = OrderedItemFormSet
        formset["can_order"] = True
        return options


AUDIENCE_HELP = (
    "<p>培训对象按“职级”和“单位（含下级）”两方面确定，两方面都要满足；某一方面不选即不限。"
    "项目“已发布”且勾选“按对象自动报名”时，保存后会立即为所有符合条件的学员报名；"
    "以后新导入或调整单位、职级的学员也随即报名，不再符合条件的学员退出报名（学习记录保留）。</p>"
)
ITEMS_HELP = (
    "<p>在线课程：选择课程页面并填写课程时长，学员学习时长最多计入该时长（每 45 分钟计 1 学时）；"
    "测试/考试：选择测试，合格线留空则用测试本身的及格线；线下学习：填写学时，由管理员登记出席。"
    "勾选“法规纪律类”的内容，其学时计入法规纪律学时。"
    "结业条件：学时达到应修学时，其中法规纪律学时达到要求，且全部必修内容完成。</p>"
)


def programme_panels() -> list:
    item_panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required"), FieldPanel("is_regulation")]),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("page"), FieldPanel("nominal_minutes")]),
        FieldRowPanel([FieldPanel("quiz"), FieldPanel("pass_percent")]),
        FieldPanel("offline_hours"),
    ]
    return [
        ObjectList(
            [
                FieldPanel("title"),
                FieldPanel("slug"),
                FieldPanel("description"),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                FieldRowPanel(
                    [
                        FieldPanel("required_hours"),
                        FieldPanel("required_regulation_hours"),
                        FieldPanel("is_published"),
                    ]
                ),
            ],
            heading="基本信息",
        ),
        ObjectList(
            [
                HelpPanel(content=AUDIENCE_HELP),
                FieldPanel("auto_enrol"),
                MultiFieldPanel(
                    [
                        FieldPanel("audience_ranks"),
                        FieldPanel("audience_units", widget=forms.CheckboxSelectMultiple),
                    ],
                    heading="培训对象",
                ),
            ],
            heading="培训对象",
        ),
        ObjectList(
            [
                HelpPanel(content=ITEMS_HELP),
                ItemsInlinePanel("items", heading="培训内容", label="培训内容", panels=item_panels),
            ],
            heading="培训内容",
        ),
    ]


# Programme views -------------------------------------------------------------------------------


class EnrolAfterSaveMixin:
    """After saving a programme, its enrolments follow its audience (published, auto-enrolling
    programmes): newcomers enrolled, leavers withdrawn with their history kept."""

    def save_instance(self):
        instance = super().save_instance()
        change = services.sync_programme(programme=instance, now=timezone.now())
        parts = [
            f"新报名 {change.added} 人" if change.added else "",
            f"恢复 {change.reinstated} 人" if change.reinstated else "",
            f"{change.withdrawn} 人已不属于培训对象，退出报名（学习记录保留）"
            if change.withdrawn
            else "",
        ]
        if any(parts):
            messages.info(self.request, "按培训对象：" + "，".join(p for p in parts if p) + "。")
        return instance


class ProgrammeCreateView(EnrolAfterSaveMixin, generic.CreateView):
    pass


class ProgrammeEditView(EnrolAfterSaveMixin, generic.EditView):
    pass


class ProgrammeDeleteView(ProtectedDeleteView):
    protected_message = "该项目已有结业证书，不能删除；可取消“已发布”停止使用。"


def window(programme: Programme) -> str:
    return f"{programme.starts_on:%Y-%m-%d} 至 {programme.ends_on:%Y-%m-%d}"


class ProgrammeIndexView(generic.IndexView):
    """Programmes with their window, hours, enrolment and completion counts (one query)."""

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                enrolled=Count("enrollments"),
                completed=Count("enrollments", filter=Q(enrollments__completed_at__isnull=False)),
            )
        )

    @cached_property
    def columns(self):
        title = self._get_title_column("title")
        title.label = "名称"
        return [
            title,
            Column("window", label="培训时间", accessor=window, sort_key="starts_on"),
            Column("required_hours", label="应修学时", sort_key="required_hours"),
            BooleanColumn("is_published", label="已发布", sort_key="is_published"),
            Column("enrolled", label="报名人数", sort_key="enrolled"),
            Column("completed", label="已结业", sort_key="completed"),
        ]

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if can_see_enrolments(self.request.user):
            url = reverse("admin_programmes:enrolments", args=(instance.pk,))
            buttons.append(Button("报名与进度", url=url, icon_name="group", priority=5))
        if can_see_certificates(self.request.user):
            url = reverse("admin_certificates:index") + "?" + urlencode({"programme": instance.pk})
            buttons.append(Button("结业证书", url=url, icon_name="doc-full", priority=6))
        return buttons


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    name = "admin_programmes"
    url_prefix = "programmes"
    icon = "calendar-alt"
    menu_label = "培训项目"
    index_view_class = ProgrammeIndexView
    add_view_class = ProgrammeCreateView
    edit_view_class = ProgrammeEditView
    delete_view_class = ProgrammeDeleteView
    copy_view_enabled = False
    search_fields = ["title", "slug"]
    search_backend_name = None
    list_filter = ["is_published"]
    ordering = "-starts_on"
    list_per_page = 50

    @cached_property
    def edit_handler(self):
        return TabbedInterface(programme_panels(), base_form_class=ProgrammeForm)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/enrolments/", EnrolmentsView.as_view(), name="enrolments"),
            path(
                "<int:pk>/enrolments/results/",
                EnrolmentsView.as_view(results_only=True),
                name="enrolments_results",
            ),
            path("items/<int:pk>/attendance/", AttendanceView.as_view(), name="attendance"),
            path(
                "items/<int:pk>/attendance/import/",
                AttendanceImportView.as_view(),
                name="attendance_import",
            ),
            path(
                "items/<int:pk>/attendance/template/",
                AttendanceTemplateView.as_view(),
                name="attendance_template",
            ),
        ]
