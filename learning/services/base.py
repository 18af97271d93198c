"""What every learning service shares: the refusal an administrator or learner is shown, how
people are named, and the actions of the audit trail."""

from django.contrib.auth import get_user_model


class LearningError(Exception):
    """A request the rules refuse; the message is shown to the person."""


def display_name(user) -> str:
    return (user.get_full_name() or "").strip() or user.get_username()


def people_names(user_ids) -> dict[int, str]:
    """姓名(用户名) by user id, in one query (for the audit trail)."""
    users = get_user_model().objects.filter(pk__in=list(user_ids))
    return {user.pk: f"{display_name(user)}({user.get_username()})" for user in users}


# Audit trail actions (``common.audit``), with the labels the admin's history shows.
ISSUE_ACTION = "learning.certificate_issue"
REVOKE_ACTION = "learning.certificate_revoke"
ATTENDANCE_ACTION = "learning.attendance"
ATTENDANCE_IMPORT_ACTION = "learning.attendance_import"
ENROL_ACTION = "learning.enrol"
PEOPLE_IMPORT_ACTION = "learning.people_import"
RESET_PASSWORD_ACTION = "learning.reset_password"
AUDIT_ACTIONS = {
    ISSUE_ACTION: "颁发结业证书",
    REVOKE_ACTION: "撤销结业证书",
    ATTENDANCE_ACTION: "登记出席",
    ATTENDANCE_IMPORT_ACTION: "导入出席记录",
    ENROL_ACTION: "报名变更",
    PEOPLE_IMPORT_ACTION: "导入单位与人员",
    RESET_PASSWORD_ACTION: "重置初始密码",
}
