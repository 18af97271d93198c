"""A programme's enrolments (报名与进度): everyone enrolled with their hours, required items and
certificate, searchable and filtered by state; adding people by username, enrolling the
audience again and re-checking completion. Any permission on ``Enrollment`` to see, ``add`` to
change it.
"""

import re
from functools import cached_property

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic

from common.admin import PolicyCheckedMixin, person
from learning import progress as progress_module
from learning import services
from learning.models import Enrollment, Programme, ProgrammeItem, Rank
from learning.permissions import ENROLMENT_ANY, can_add_enrolments, can_record_attendance

USERNAME_SPLIT = re.compile(r"[\s,，、;；]+")


class AddPeopleForm(forms.Form):
    usernames = forms.CharField(
        label="用户名",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "每行一个用户名，也可用逗号分隔"}),
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
            raise forms.ValidationError(f"找不到这些用户名：{'、'.join(unknown)}。未添加任何人。")
        return [found[n] for n in dict.fromkeys(names)]


def programme_crumbs(view, programme: Programme) -> list[dict]:
    edit = reverse("admin_programmes:edit", args=(programme.pk,))
    return [
        *view.breadcrumbs_items,
        {"url": reverse("admin_programmes:index"), "label": "培训项目"},
        {"url": edit, "label": programme.title},
    ]


def unit_name(user) -> str:
    profile = getattr(user, "profile", None)
    return profile.unit.name if profile else ""


def audience_text(programme: Programme) -> str:
    labels = dict(Rank.choices)
    ranks = "、".join(labels.get(r, r) for r in programme.audience_ranks or []) or "不限职级"
    units = "、".join(u.name for u in programme.audience_units.all()) or "不限单位"
    return f"{ranks}；{units}（含下级）"


class EnrolmentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[("open", "学习中"), ("done", "已结业"), ("withdrawn", "已退出")],
        empty_label="全部",
        method="filter_status",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Enrollment
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        if value == "withdrawn":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset.filter(completed_at__isnull=value == "open", withdrawn_at__isnull=True)


class EnrolmentsView(PolicyCheckedMixin, generic.IndexView):
    """Everyone enrolled in a programme with their progress (constant queries per page)."""

    model = Enrollment
    any_permission_required = ENROLMENT_ANY
    template_name = "learning/admin_programmes/enrolments.html"
    filterset_class = EnrolmentFilterSet
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    search_backend_name = None
    is_searchable = True
    paginate_by = 50
    header_icon = "group"
    no_results_message = "还没有符合条件的报名学员。"

    @cached_property
    def programme(self) -> Programme:
        return get_object_or_404(Programme, pk=self.kwargs["pk"])

    def get_page_title(self):
        return f"{self.programme.title} · 报名与进度"

    def get_breadcrumbs_items(self):
        return [
            *programme_crumbs(self, self.programme),
            {"url": "", "label": self.get_page_title()},
        ]

    def get_index_url(self):
        return reverse("admin_programmes:enrolments", args=(self.programme.pk,))

    def get_index_results_url(self):
        return reverse("admin_programmes:enrolments_results", args=(self.programme.pk,))

    def get_base_queryset(self):
        return (
            Enrollment.objects.filter(programme=self.programme)
            .select_related("user__profile__unit", "certificate")
            .order_by("user__profile__unit__path", "user__username")
        )

    def paginate_queryset(self, queryset, page_size):
        """The page's enrolments, each with its ``progress`` (a constant number of queries)."""
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        rows = list(rows)
        found = progress_module.programme_progress(self.programme, rows)
        for enrollment in rows:
            enrollment.progress = found[enrollment.pk]
        return paginator, page, rows, is_paginated

    @cached_property
    def columns(self):
        return [
            TitleColumn("user", label="学员", accessor=lambda e: person(e.user)),
            Column("unit", label="单位", accessor=lambda e: unit_name(e.user) or "—"),
            Column("source", label="报名方式", accessor="get_source_display"),
            Column("hours", label="学时", accessor=lambda e: self.hours(e.progress)),
            Column(
                "regulation", label="法规纪律学时", accessor=lambda e: self.regulation(e.progress)
            ),
            Column("required", label="必修完成", accessor=lambda e: self.required(e.progress)),
            Column("state", label="状态", accessor=self.state),
            Column("certificate", label="证书", accessor=self.certificate),
        ]

    @staticmethod
    def hours(progress) -> str:
        return f"{progress.hours} / {progress.required_hours}"

    @staticmethod
    def regulation(progress) -> str:
        return f"{progress.regulation_hours} / {progress.required_regulation_hours}"

    @staticmethod
    def required(progress) -> str:
        return f"{progress.required_done} / {len(progress.required_items)}"

    @staticmethod
    def state(enrollment: Enrollment) -> str:
        if enrollment.withdrawn_at:
            return (
                f"{timezone.localdate(enrollment.withdrawn_at):%Y-%m-%d} 退出（已不属于培训对象）"
            )
        if enrollment.completed_at:
            return f"{timezone.localdate(enrollment.completed_at):%Y-%m-%d} 结业"
        return "已达结业条件" if enrollment.progress.complete else "学习中"

    @staticmethod
    def certificate(enrollment: Enrollment) -> str:
        certificate = enrollment.progress.certificate
        if certificate is None:
            return "—"
        return certificate.number + ("" if certificate.is_valid else "（已撤销）")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offline = self.programme.items.filter(kind=ProgrammeItem.Kind.OFFLINE)
        totals = Enrollment.objects.filter(programme=self.programme).aggregate(
            total=Count("pk"), done=Count("pk", filter=Q(completed_at__isnull=False))
        )
        context.update(
            programme=self.programme,
            offline_items=list(offline.annotate(attended=Count("attendance"))),
            totals=totals,
            add_form=kwargs.get("add_form") or AddPeopleForm(),
            can_add=can_add_enrolments(self.request.user),
            can_attend=can_record_attendance(self.request.user),
            audience=audience_text(self.programme),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not can_add_enrolments(request.user):
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "audience":
            added = services.enrol_audience(programme=self.programme, now=timezone.now())
            messages.success(request, f"已按培训对象补充报名 {added} 人。")
        elif action == "complete":
            issued = services.complete_programme(programme=self.programme, now=timezone.now())
            messages.success(request, f"检查完毕：新结业 {len(issued)} 人。")
        else:
            form = AddPeopleForm(request.POST)
            if not form.is_valid():
                self.object_list = self.get_queryset()
                return self.render_to_response(self.get_context_data(add_form=form))
            self.add_people(form.cleaned_data["usernames"])
        return redirect(self.get_index_url())

    def add_people(self, user_ids: list[int]) -> None:
        added = services.enrol_users(
            programme=self.programme,
            user_ids=user_ids,
            now=timezone.now(),
            source=Enrollment.Source.MANUAL,
        )
        skipped = len(user_ids) - added
        note = f",{skipped} 人此前已报名" if skipped else ""
        messages.success(self.request, f"已添加 {added} 人{note}。")
