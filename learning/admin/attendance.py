"""Attendance of a programme's offline items: tick who attended (``add`` or ``change`` on
``AttendanceRecord``; ``view`` to look) and import a sheet of attendance."""

from functools import cached_property

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from common.admin import ExcelImportView, ExcelTemplateView, PolicyCheckedMixin
from learning import services
from learning.admin.enrolments import programme_crumbs, unit_name
from learning.models import AttendanceRecord, Enrollment, ProgrammeItem, Unit
from learning.permissions import ATTENDANCE_RECORD, ATTENDANCE_VIEW, can_record_attendance

TICK_LIMIT = 900  # checkboxes on one attendance form (Django accepts 1000 fields per request)


class OfflineItemMixin(PolicyCheckedMixin):
    model = AttendanceRecord

    @cached_property
    def item(self) -> ProgrammeItem:
        item = get_object_or_404(
            ProgrammeItem.objects.select_related("programme"), pk=self.kwargs["pk"]
        )
        if item.kind != ProgrammeItem.Kind.OFFLINE:
            raise Http404("只有线下学习可以登记出席。")
        return item

    def item_crumbs(self) -> list[dict]:
        programme = self.item.programme
        return [
            *programme_crumbs(self, programme),
            {
                "url": reverse("admin_programmes:enrolments", args=(programme.pk,)),
                "label": "报名与进度",
            },
        ]


class AttendanceForm(forms.Form):
    attended_on = forms.DateField(
        label="出席日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    hours = forms.DecimalField(label="计入学时", max_digits=4, decimal_places=1, min_value=0.1)


class AttendanceView(OfflineItemMixin, WagtailAdminTemplateMixin, TemplateView):
    """Tick who attended an offline item; unticking removes a person's record."""

    any_permission_required = ATTENDANCE_VIEW
    template_name = "learning/admin_programmes/attendance.html"
    page_title = "登记出席"
    header_icon = "clipboard-list"

    def get_page_title(self):
        return f"{self.item.display_title} · 登记出席"

    def get_breadcrumbs_items(self):
        return [*self.item_crumbs(), {"url": "", "label": self.get_page_title()}]

    def get_header_buttons(self):
        if not can_record_attendance(self.request.user):
            return []
        url = reverse("admin_programmes:attendance_import", args=(self.item.pk,))
        return [HeaderButton("从 Excel 导入", url=url, icon_name="upload")]

    @cached_property
    def unit(self) -> Unit | None:
        pk = self.request.GET.get("unit") or self.request.POST.get("unit")
        return Unit.objects.filter(pk=pk).first() if pk and str(pk).isdigit() else None

    def enrolled(self):
        enrollments = Enrollment.objects.filter(programme_id=self.item.programme_id)
        if self.unit is not None:
            enrollments = enrollments.filter(user__profile__unit__path__startswith=self.unit.path)
        return enrollments.select_related("user__profile__unit").order_by(
            "user__profile__unit__path", "user__username"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enrollments = list(self.enrolled()[: TICK_LIMIT + 1])
        records = {
            r.user_id: r
            for r in AttendanceRecord.objects.filter(
                item=self.item, user_id__in=[e.user_id for e in enrollments]
            )
        }
        form = kwargs.get("form") or AttendanceForm(
            initial={"attended_on": timezone.localdate(), "hours": self.item.offline_hours}
        )
        context.update(
            item=self.item,
            form=form,
            too_many=len(enrollments) > TICK_LIMIT,
            rows=[(e.user, unit_name(e.user), records.get(e.user_id)) for e in enrollments],
            shown=",".join(str(e.user_id) for e in enrollments[:TICK_LIMIT]),
            units=Unit.objects.order_by("path"),
            unit=self.unit,
            attended_total=AttendanceRecord.objects.filter(item=self.item).count(),
            can_record=can_record_attendance(self.request.user),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not can_record_attendance(request.user):
            raise PermissionDenied
        form = AttendanceForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        shown = {int(v) for v in request.POST.get("shown", "").split(",") if v.strip().isdigit()}
        enrolled = set(
            Enrollment.objects.filter(
                programme_id=self.item.programme_id, user_id__in=shown
            ).values_list("user_id", flat=True)
        )
        ticked = {int(v) for v in request.POST.getlist("attended") if v.isdigit()} & enrolled
        try:
            change = services.set_attendance(
                item=self.item,
                attended_user_ids=ticked,
                enrolled_user_ids=enrolled,
                attended_on=form.cleaned_data["attended_on"],
                hours=form.cleaned_data["hours"],
                recorded_by=request.user,
                now=timezone.now(),
            )
        except services.LearningError as error:
            form.add_error("hours", str(error))
            return self.render_to_response(self.get_context_data(form=form))
        text = f"已保存：新登记 {change.added} 人，取消 {change.removed} 人"
        if change.certificates:
            text += f",{change.certificates} 人因此结业"
        messages.success(request, text + "。")
        url = reverse("admin_programmes:attendance", args=(self.item.pk,))
        return redirect(f"{url}?unit={self.unit.pk}" if self.unit else url)


class AttendanceImportView(OfflineItemMixin, ExcelImportView):
    """Upload a sheet 用户名/出席日期/学时: all rows are imported, or none with every error."""

    any_permission_required = ATTENDANCE_RECORD
    template_name = "learning/admin_programmes/attendance_import.html"
    page_title = "从 Excel 导入出席记录"

    def get_page_subtitle(self):
        return f"{self.item.programme.title} · {self.item.display_title}"

    def get_breadcrumbs_items(self):
        attendance = reverse("admin_programmes:attendance", args=(self.item.pk,))
        return [
            *self.item_crumbs(),
            {"url": attendance, "label": self.item.display_title},
            {"url": "", "label": "Excel 导入"},
        ]

    def get_template_url(self) -> str:
        return reverse("admin_programmes:attendance_template", args=(self.item.pk,))

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)

    def run_import(self, file):
        return services.import_attendance_file(
            item=self.item, file=file, recorded_by=self.request.user, now=timezone.now()
        )

    def imported(self, result):
        change = result.change
        text = f"导入成功：新登记 {change.added} 人，更新 {change.updated} 人"
        if change.certificates:
            text += f",{change.certificates} 人因此结业"
        messages.success(self.request, text + "。")
        return redirect("admin_programmes:attendance", pk=self.item.pk)


class AttendanceTemplateView(OfflineItemMixin, ExcelTemplateView):
    any_permission_required = ATTENDANCE_RECORD
    filename = "出席记录导入模板.xlsx"

    def build(self) -> bytes:
        return services.attendance_template(self.item)
