"""Certificates (结业证书) in the admin: every certificate, filtered by programme and state or
searched, with its PDF, its public verification page and revocation. ``view`` or ``change`` on
``Certificate`` to see them, ``change`` to revoke.
"""

from functools import cached_property

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView, View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import Button

from common.admin import PolicyCheckedMixin, person, policy_menu_item
from learning import certificate_pdf, services
from learning.models import Certificate, Programme
from learning.permissions import CERTIFICATE_REVOKE, CERTIFICATE_VIEW, can_revoke


class CertificateFilterSet(WagtailFilterSet):
    programme = django_filters.ModelChoiceFilter(
        label="培训项目",
        field_name="enrollment__programme",
        queryset=Programme.objects.order_by("-starts_on"),
        empty_label="全部项目",
    )
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=[("valid", "有效"), ("revoked", "已撤销")],
        empty_label="全部",
        method="filter_status",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Certificate
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(revoked_at__isnull=value == "valid")


class CertificateIndexView(PolicyCheckedMixin, generic.IndexView):
    """Every certificate, newest first."""

    model = Certificate
    any_permission_required = CERTIFICATE_VIEW
    filterset_class = CertificateFilterSet
    search_fields = [
        "number",
        "enrollment__user__username",
        "enrollment__user__first_name",
        "enrollment__user__last_name",
    ]
    search_backend_name = None
    is_searchable = True
    paginate_by = 50
    page_title = "结业证书"
    header_icon = "doc-full"
    index_url_name = "admin_certificates:index"
    index_results_url_name = "admin_certificates:index_results"
    no_results_message = "没有符合条件的证书。"

    def get_base_queryset(self):
        return Certificate.objects.select_related(
            "enrollment__user", "enrollment__programme"
        ).order_by("-issued_at", "-pk")

    @cached_property
    def columns(self):
        number = self._get_title_column("number")
        number.label = "证书编号"
        return [
            number,
            Column("learner", label="学员", accessor=lambda c: person(c.enrollment.user)),
            Column("programme", label="培训项目", accessor="enrollment.programme.title"),
            Column("hours", label="学时"),
            DateColumn("issued_at", label="发证时间"),
            Column("state", label="状态", accessor=self.state),
        ]

    @staticmethod
    def state(certificate: Certificate) -> str:
        if certificate.revoked_at is None:
            return "有效"
        return f"已撤销：{certificate.revoked_reason}"

    @cached_property
    def may_revoke(self) -> bool:
        return can_revoke(self.request.user)

    def get_list_more_buttons(self, instance):
        verify = reverse("learning:verify", args=(instance.number,))
        buttons = [
            Button("PDF", url=reverse("admin_certificates:pdf", args=(instance.pk,)), priority=10),
            Button("核验页", url=f"{verify}?c={instance.verification_code}", priority=20),
        ]
        if self.may_revoke and instance.revoked_at is None:
            url = reverse("admin_certificates:revoke", args=(instance.pk,))
            buttons.append(Button("撤销", url=url, icon_name="warning", priority=30))
        return buttons


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="撤销原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="将显示在公开的证书核验页上，请勿填写个人隐私信息。",
    )


class CertificateMixin(PolicyCheckedMixin):
    model = Certificate

    @cached_property
    def certificate(self) -> Certificate:
        return get_object_or_404(
            Certificate.objects.select_related("enrollment__user", "enrollment__programme"),
            pk=self.kwargs["pk"],
        )


class CertificateRevokeView(CertificateMixin, WagtailAdminTemplateMixin, TemplateView):
    any_permission_required = CERTIFICATE_REVOKE
    template_name = "learning/admin_programmes/revoke.html"
    page_title = "撤销证书"
    header_icon = "warning"

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
                    by=request.user,
                )
            except services.LearningError as error:
                form.add_error("reason", str(error))
            else:
                messages.success(request, f"证书 {self.certificate.number} 已撤销。")
                return redirect("admin_certificates:index")
        return self.render_to_response(self.get_context_data(form=form))


class CertificatePdfView(CertificateMixin, View):
    any_permission_required = CERTIFICATE_VIEW

    def get(self, request, pk):
        return certificate_pdf.pdf_response(request, self.certificate)


class CertificateViewSet(ViewSet):
    name = "admin_certificates"
    url_prefix = "certificates"
    icon = "doc-full"
    menu_label = "结业证书"
    menu_item_class = policy_menu_item(Certificate, CERTIFICATE_VIEW)

    def get_urlpatterns(self):
        results = CertificateIndexView.as_view(results_only=True)
        return [
            path("", CertificateIndexView.as_view(), name="index"),
            path("results/", results, name="index_results"),
            path("<int:pk>/revoke/", CertificateRevokeView.as_view(), name="revoke"),
            path("<int:pk>/pdf/", CertificatePdfView.as_view(), name="pdf"),
        ]
