"""Registers the shared admin pieces: the people chooser and the audit log export."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from common.audit import AuditExportView
from common.choosers import person_chooser_viewset


@hooks.register("register_admin_viewset")
def register_person_chooser():
    return person_chooser_viewset


@hooks.register("register_admin_urls")
def register_audit_export():
    return [path("audit-log/export/", AuditExportView.as_view(), name="audit_log_export")]


@hooks.register("register_reports_menu_item")
def register_audit_export_menu_item():
    return MenuItem("导出审计日志", reverse("audit_log_export"), icon_name="download", order=900)
