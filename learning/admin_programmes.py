"""Wagtail admin of programmes ("培训管理"): programmes with their items, enrolment and progress
per programme, attendance of offline items (tick form and Excel import), and certificates with
revocation. Imported by ``learning.wagtail_hooks``; every hook of this part is registered here.

Permissions are Django model permissions (superusers have all):

* programmes: add / change / delete / view ``Programme`` (Wagtail's ModelViewSet);
* enrolment list: any permission on ``Enrollment``; adding people: ``add_enrollment``;
* attendance: ``add_attendancerecord`` or ``change_attendancerecord`` (viewing: also ``view``);
* certificates: ``view_certificate`` or ``change_certificate``; revoking: ``change_certificate``.

Anyone else with admin access gets 403; without admin access Wagtail sends them to log in.
"""

from __future__ import annotations

import re
from functools import cached_property

from django import forms
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.generic import TemplateView, View
from modelcluster.forms import BaseChildFormSet
from wagtail import hooks
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
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permissions import policy_registry

from learning import progress as progress_module
from learning import services
from learning.models import (
    AttendanceRecord,
    Certificate,
    Enrollment,
    Programme,
    ProgrammeItem,
    Rank,
    Unit,
)
from quizzes.views_quiz_admin import AllowedOr403Mixin as QuizAdminAllowedOr403Mixin
from quizzes.views_quiz_admin import permission_menu_item, person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORBIDDEN_TEMPLATE = "learning/admin_programmes/forbidden.html"
TICK_LIMIT = 900  # checkboxes on one attendance form (Django accepts 1000 fields per request)


# Permissions -----------------------------------------------------------------------------------


def has_any(user, model, actions) -> bool:
    return policy_registry.get_by_type(model).user_has_any_permission(user, set(actions))


def can_see_enrolments(user) -> bool:
    return has_any(user, Enrollment, {"view", "add", "change", "delete"})


def can_add_enrolments(user) -> bool:
    return has_any(user, Enrollment, {"add"})


def can_record_attendance(user) -> bool:
    return has_any(user, AttendanceRecord, {"add", "change"})


def can_see_certificates(user) -> bool:
    return has_any(user, Certificate, {"view", "change"})


def can_revoke(user) -> bool:
    return has_any(user, Certificate, {"change"})


class AllowedOr403Mixin(QuizAdminAllowedOr403Mixin):
    forbidden_template = FORBIDDEN_TEMPLATE


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
            units.help_text = "勾选的单位包括其所有下级单位;不勾选表示不限单位。"

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
    "<p>培训对象按“职级”和“单位(含下级)”两方面确定,两方面都要满足;某一方面不选即不限。"
    "项目“已发布”且勾选“按对象自动报名”时,保存后会立即为所有符合条件的学员报名,"
    "以后新加入的学员打开“我的培训”时也会自动报名。</p>"
)
ITEMS_HELP = (
    "<p>在线课程:选择课程页面并填写课程时长,学员学习时长最多计入该时长(每 45 分钟计 1 学时);"
    "测试/考试:选择测试,合格线留空则用测试本身的及格线;线下学习:填写学时,由管理员登记出席。"
    "结业条件:学时达到应修学时,且全部必修内容完成。</p>"
)


def programme_panels() -> list:
    item_panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]),
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
                FieldRowPanel([FieldPanel("required_hours"), FieldPanel("is_published")]),
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
    """After saving a published, auto-enrolling programme, enrol its audience."""

    def save_instance(self):
        instance = super().save_instance()
        if instance.is_published and instance.auto_enrol:
            added = services.enrol_audience(programme=instance, now=timezone.now())
            if added:
                messages.info(self.request, f"已按培训对象自动报名 {added} 人。")
        return instance


class ProgrammeCreateView(EnrolAfterSaveMixin, generic.CreateView):
    pass


class ProgrammeEditView(EnrolAfterSaveMixin, generic.EditView):
    pass


class ProgrammeDeleteView(generic.DeleteView):
    def form_valid(self, form):
        from django.db.models import ProtectedError

        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, "该项目已有结业证书,不能删除;可取消“已发布”停止使用。")
            return redirect(self.get_success_url())


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


# Enrolment and progress ------------------------------------------------------------------------


USERNAME_SPLIT = re.compile(r"[\s,，、;；]+")


class AddPeopleForm(forms.Form):
    usernames = forms.CharField(
        label="用户名",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "每行一个用户名,也可用逗号分隔"}),
        help_text="指定报名不受培训对象限制。",
    )

    def clean_usernames(self):
        names = [n for n in USERNAME_SPLIT.split(self.cleaned_data["usernames"]) if n]
        if not names:
            raise forms.ValidationError("请填写至少一个用户名。")
        if len(names) > 500:
            raise forms.ValidationError("一次最多添加 500 人。")
        found = services.users_by_username(names)
        unknown = [n for n in dict.fromkeys(names) if n not in found]
        if unknown:
            raise forms.ValidationError(f"找不到这些用户名:{'、'.join(unknown)}。未添加任何人。")
        return [found[n] for n in dict.fromkeys(names)]


def programme_crumbs(view, programme: Programme) -> list[dict]:
    edit = reverse("admin_programmes:edit", args=(programme.pk,))
    return [
        *view.breadcrumbs_items,
        {"url": reverse("admin_programmes:index"), "label": "培训项目"},
        {"url": edit, "label": programme.title},
    ]


class ProgrammeMixin:
    @cached_property
    def programme(self) -> Programme:
        return get_object_or_404(Programme, pk=self.kwargs["pk"])


class EnrolmentsView(AllowedOr403Mixin, ProgrammeMixin, WagtailAdminTemplateMixin, TemplateView):
    """Everyone enrolled in a programme with their hours, required items and certificate."""

    allowed = staticmethod(can_see_enrolments)
    template_name = "learning/admin_programmes/enrolments.html"
    page_title = "报名与进度"
    header_icon = "group"
    per_page = 50

    def get_page_title(self):
        return f"{self.programme.title} · 报名与进度"

    def get_breadcrumbs_items(self):
        return [
            *programme_crumbs(self, self.programme),
            {"url": "", "label": self.get_page_title()},
        ]

    def filtered(self):
        enrollments = (
            Enrollment.objects.filter(programme=self.programme)
            .select_related("user__profile__unit", "certificate")
            .order_by("user__profile__unit__path", "user__username")
        )
        query = self.request.GET.get("q", "").strip()
        if query:
            enrollments = enrollments.filter(
                Q(user__username__icontains=query)
                | Q(user__first_name__icontains=query)
                | Q(user__last_name__icontains=query)
            )
        status = self.request.GET.get("status")
        if status == "done":
            enrollments = enrollments.filter(completed_at__isnull=False)
        elif status == "open":
            enrollments = enrollments.filter(completed_at__isnull=True)
        return enrollments

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(self.filtered(), self.per_page)
        page = paginator.get_page(self.request.GET.get("p"))
        enrollments = list(page.object_list)
        found = progress_module.programme_progress(self.programme, enrollments)
        offline = self.programme.items.filter(kind=ProgrammeItem.Kind.OFFLINE).annotate(
            attended=Count("attendance")
        )
        totals = Enrollment.objects.filter(programme=self.programme).aggregate(
            total=Count("pk"), done=Count("pk", filter=Q(completed_at__isnull=False))
        )
        context.update(
            programme=self.programme,
            page_obj=page,
            rows=[(e, found[e.pk], _unit_name(e.user)) for e in enrollments],
            offline_items=list(offline),
            totals=totals,
            query=self.request.GET.get("q", ""),
            status=self.request.GET.get("status", ""),
            add_form=kwargs.get("add_form") or AddPeopleForm(),
            can_add=can_add_enrolments(self.request.user),
            can_attend=can_record_attendance(self.request.user),
            audience=_audience_text(self.programme),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not can_add_enrolments(request.user):
            return TemplateResponse(
                request, FORBIDDEN_TEMPLATE, {"page_title": "没有权限"}, status=403
            )
        now = timezone.now()
        action = request.POST.get("action")
        if action == "audience":
            added = services.enrol_audience(programme=self.programme, now=now)
            messages.success(request, f"已按培训对象补充报名 {added} 人。")
        elif action == "complete":
            issued = services.complete_programme(programme=self.programme, now=now)
            messages.success(request, f"检查完毕:新结业 {len(issued)} 人。")
        else:
            form = AddPeopleForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(add_form=form))
            added = services.enrol_users(
                programme=self.programme,
                user_ids=form.cleaned_data["usernames"],
                now=now,
                source=Enrollment.Source.MANUAL,
            )
            skipped = len(form.cleaned_data["usernames"]) - added
            note = f",{skipped} 人此前已报名" if skipped else ""
            messages.success(request, f"已添加 {added} 人{note}。")
        return redirect(reverse("admin_programmes:enrolments", args=(self.programme.pk,)))


def _unit_name(user) -> str:
    try:
        return user.profile.unit.name
    except Exception:  # no profile
        return ""


def _audience_text(programme: Programme) -> str:
    labels = dict(Rank.choices)
    ranks = "、".join(labels.get(r, r) for r in programme.audience_ranks or []) or "不限职级"
    units = "、".join(u.name for u in programme.audience_units.all()) or "不限单位"
    return f"{ranks};{units}(含下级)"


# Attendance ------------------------------------------------------------------------------------


class OfflineItemMixin:
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


class AttendanceView(AllowedOr403Mixin, OfflineItemMixin, WagtailAdminTemplateMixin, TemplateView):
    """Tick who attended an offline item; unticking removes a person's record."""

    template_name = "learning/admin_programmes/attendance.html"
    page_title = "登记出席"
    header_icon = "clipboard-list"

    @staticmethod
    def allowed(user) -> bool:
        return has_any(user, AttendanceRecord, {"add", "change", "view"})

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
            rows=[(e.user, _unit_name(e.user), records.get(e.user_id)) for e in enrollments],
            shown=",".join(str(e.user_id) for e in enrollments[:TICK_LIMIT]),
            units=Unit.objects.order_by("path"),
            unit=self.unit,
            attended_total=AttendanceRecord.objects.filter(item=self.item).count(),
            can_record=can_record_attendance(self.request.user),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not can_record_attendance(request.user):
            return TemplateResponse(
                request, FORBIDDEN_TEMPLATE, {"page_title": "没有权限"}, status=403
            )
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
        text = f"已保存:新登记 {change.added} 人,取消 {change.removed} 人"
        if change.certificates:
            text += f",{change.certificates} 人因此结业"
        messages.success(request, text + "。")
        url = reverse("admin_programmes:attendance", args=(self.item.pk,))
        return redirect(f"{url}?unit={self.unit.pk}" if self.unit else url)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件(.xlsx)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class AttendanceImportView(
    AllowedOr403Mixin, OfflineItemMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Upload a sheet 用户名/出席日期/学时: all rows are imported, or none with every error."""

    allowed = staticmethod(can_record_attendance)
    template_name = "learning/admin_programmes/attendance_import.html"
    page_title = "从 Excel 导入出席记录"
    header_icon = "upload"

    def get_page_subtitle(self):
        return f"{self.item.programme.title} · {self.item.display_title}"

    def get_breadcrumbs_items(self):
        attendance = reverse("admin_programmes:attendance", args=(self.item.pk,))
        return [
            *self.item_crumbs(),
            {"url": attendance, "label": self.item.display_title},
            {"url": "", "label": "Excel 导入"},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportForm())
        context.update(
            item=self.item,
            template_url=reverse("admin_programmes:attendance_template", args=(self.item.pk,)),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        result = services.import_attendance_file(
            item=self.item,
            file=form.cleaned_data["file"],
            recorded_by=request.user,
            now=timezone.now(),
        )
        if not result.ok:
            return self.render_to_response(self.get_context_data(form=form, errors=result.errors))
        change = result.change
        text = f"导入成功:新登记 {change.added} 人,更新 {change.updated} 人"
        if change.certificates:
            text += f",{change.certificates} 人因此结业"
        messages.success(request, text + "。")
        return redirect("admin_programmes:attendance", pk=self.item.pk)


class AttendanceTemplateView(AllowedOr403Mixin, OfflineItemMixin, View):
    allowed = staticmethod(can_record_attendance)

    def get(self, request, pk):
        return HttpResponse(
            services.attendance_template(self.item),
            content_type=XLSX,
            headers={
                "Content-Disposition": content_disposition_header(True, "出席记录导入模板.xlsx")
            },
        )


# Certificates ----------------------------------------------------------------------------------


class CertificateIndexView(AllowedOr403Mixin, WagtailAdminTemplateMixin, TemplateView):
    """Every certificate, newest first, filtered by programme, status or a search."""

    allowed = staticmethod(can_see_certificates)
    template_name = "learning/admin_programmes/certificates.html"
    page_title = "结业证书"
    header_icon = "doc-full"
    per_page = 50

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": "结业证书"}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificates = Certificate.objects.select_related(
            "enrollment__user", "enrollment__programme"
        ).order_by("-issued_at", "-pk")
        programme = self.request.GET.get("programme", "")
        if programme.isdigit():
            certificates = certificates.filter(enrollment__programme_id=programme)
        status = self.request.GET.get("status", "")
        if status == "valid":
            certificates = certificates.filter(revoked_at__isnull=True)
        elif status == "revoked":
            certificates = certificates.filter(revoked_at__isnull=False)
        query = self.request.GET.get("q", "").strip()
        if query:
            certificates = certificates.filter(
                Q(number__icontains=query)
                | Q(enrollment__user__username__icontains=query)
                | Q(enrollment__user__first_name__icontains=query)
                | Q(enrollment__user__last_name__icontains=query)
            )
        page = Paginator(certificates, self.per_page).get_page(self.request.GET.get("p"))
        context.update(
            page_obj=page,
            certificates=page.object_list,
            programmes=Programme.objects.order_by("-starts_on").only("pk", "title"),
            programme=programme,
            status=status,
            query=query,
            can_revoke=can_revoke(self.request.user),
        )
        return context


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤销原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="将显示在公开的证书核验页上,请勿填写个人隐私信息。",
    )


class CertificateRevokeView(AllowedOr403Mixin, WagtailAdminTemplateMixin, TemplateView):
    allowed = staticmethod(can_revoke)
    template_name = "learning/admin_programmes/revoke.html"
    page_title = "撤销证书"
    header_icon = "warning"

    @cached_property
    def certificate(self) -> Certificate:
        return get_object_or_404(
            Certificate.objects.select_related("enrollment__user", "enrollment__programme"),
            pk=self.kwargs["pk"],
        )

    def get_page_subtitle(self):
        return self.certificate.number

    def get_breadcrumbs_items(self):
        index = {"url": reverse("admin_certificates:index"), "label": "结业证书"}
        return [*self.breadcrumbs_items, index, {"url": "", "label": self.certificate.number}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", RevokeForm())
        context.update(
            certificate=self.certificate, learner=person(self.certificate.enrollment.user)
        )
        return context

    def post(self, request, *args, **kwargs):
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                services.revoke_certificate(
                    certificate=self.certificate,
                    reason=form.cleaned_data["reason"],
                    now=timezone.now(),
                )
            except services.LearningError as error:
                form.add_error("reason", str(error))
            else:
                messages.success(request, f"证书 {self.certificate.number} 已撤销。")
                return redirect("admin_certificates:index")
        return self.render_to_response(self.get_context_data(form=form))


class CertificatePdfView(AllowedOr403Mixin, View):
    allowed = staticmethod(can_see_certificates)

    def get(self, request, pk):
        from learning.views import pdf_response

        certificate = get_object_or_404(
            Certificate.objects.select_related("enrollment__user", "enrollment__programme"),
            pk=pk,
        )
        return pdf_response(request, certificate)


class CertificateViewSet(ViewSet):
    name = "admin_certificates"
    url_prefix = "certificates"
    icon = "doc-full"
    menu_label = "结业证书"
    menu_item_class = permission_menu_item(can_see_certificates)

    def get_urlpatterns(self):
        return [
            path("", CertificateIndexView.as_view(), name="index"),
            path("<int:pk>/revoke/", CertificateRevokeView.as_view(), name="revoke"),
            path("<int:pk>/pdf/", CertificatePdfView.as_view(), name="pdf"),
        ]


# The menu and hooks ----------------------------------------------------------------------------


class ProgrammeAdminGroup(ViewSetGroup):
    menu_label = "培训管理"
    menu_icon = "calendar-alt"
    menu_name = "programme-admin"
    menu_order = 270
    items = (ProgrammeViewSet(), CertificateViewSet())


@hooks.register("register_admin_viewset")
def register_programme_admin():
    return ProgrammeAdminGroup()


@hooks.register("register_permissions")
def register_programme_permissions():
    """Lets group editors grant enrolment, attendance and certificate permissions."""
    return Permission.objects.filter(
        content_type__app_label="learning",
        content_type__model__in=["enrollment", "attendancerecord", "certificate"],
    )
