"""Who may do what in training, on Wagtail's permission policies, and who may see which units.

Admin areas (model permissions; superusers hold them all):

* programmes: add / change / delete / view ``Programme``;
* enrolment list: any permission on ``Enrollment``, adding people ``add``;
* attendance: ``add`` or ``change`` on ``AttendanceRecord`` (viewing: also ``view``);
* certificates: ``view`` or ``change`` on ``Certificate``, revoking ``change``;
* units and unit administrators: platform administrators, and anybody granted the model
  permissions (``PlatformAdminPolicy``); the people chooser of the unit administrator form
  needs ``add`` or ``change`` on ``UnitAdministrator``;
* the people import (it creates accounts and their passwords): platform administrators only,
  whatever model permissions anybody else holds (``PlatformAdminOnlyPolicy`` on
  ``LearnerProfile``).

Units (reports): platform administrators see every unit, unit administrators the units they
administer and everything below them, anybody else none.

* platform administrator (平台管理员): a superuser, or a member of the group ``平台管理员``;
* unit administrator (单位管理员): somebody with ``UnitAdministrator`` rows.

Every report page, export and JSON endpoint asks ``can_see_unit`` (or looks the unit up in
``visible_units``) so a unit administrator gets 404 for any unit outside their tree. The answers
are cached on the user object, so one request costs at most two small queries.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet
from django.http import Http404
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from common.admin import has_any_permission
from common.choosers import allow_chooser
from learning.models import (
    AttendanceRecord,
    Certificate,
    Enrollment,
    LearnerProfile,
    Unit,
    UnitAdministrator,
)

PLATFORM_ADMIN_GROUP = "平台管理员"
_PLATFORM_CACHE = "_learning_is_platform_admin"
_PATHS_CACHE = "_learning_admin_paths"


def is_platform_admin(user) -> bool:
    """A superuser or a member of the "平台管理员" group (active users only)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, _PLATFORM_CACHE):
        found = user.groups.filter(name=PLATFORM_ADMIN_GROUP).exists()
        setattr(user, _PLATFORM_CACHE, found)
    return getattr(user, _PLATFORM_CACHE)


def administered_paths(user) -> list[str]:
    """Tree paths of the units ``user`` administers, without those inside another of them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if not hasattr(user, _PATHS_CACHE):
        paths = sorted(
            UnitAdministrator.objects.filter(user=user).values_list("unit__path", flat=True)
        )
        setattr(user, _PATHS_CACHE, _topmost(paths))
    return getattr(user, _PATHS_CACHE)


def _topmost(sorted_paths: list[str]) -> list[str]:
    """Drops every path that lies below an earlier one (the input is sorted)."""
    kept: list[str] = []
    for path in sorted_paths:
        if not any(path.startswith(parent) for parent in kept):
            kept.append(path)
    return kept


def is_unit_admin(user) -> bool:
    return bool(administered_paths(user))


def can_see_reports(user) -> bool:
    """Report pages are for platform administrators and unit administrators only."""
    return is_platform_admin(user) or is_unit_admin(user)


def visible_units(user) -> QuerySet[Unit]:
    """Every unit ``user`` may see: all (platform), their subtrees (unit admin), or none."""
    if is_platform_admin(user):
        return Unit.objects.all()
    paths = administered_paths(user)
    if not paths:
        return Unit.objects.none()
    match = Q()
    for path in paths:
        match |= Q(path__startswith=path)
    return Unit.objects.filter(match)


def can_see_unit(user, unit: Unit) -> bool:
    """Whether ``unit`` lies in one of the user's trees (no query once the paths are cached)."""
    if is_platform_admin(user):
        return True
    return any(unit.path.startswith(path) for path in administered_paths(user))


def top_units(user) -> QuerySet[Unit]:
    """The units a report starts from: the roots (platform) or the administered units."""
    if is_platform_admin(user):
        return Unit.get_root_nodes()
    return Unit.objects.filter(path__in=administered_paths(user)).order_by("path")


def get_visible_unit(user, pk) -> Unit:
    """The unit ``pk`` if the user may see it; Http404 otherwise (also for unknown ids)."""
    unit = Unit.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if unit is None or not can_see_unit(user, unit):
        raise Http404("找不到该单位，或您无权查看该单位。")
    return unit


def ensure_platform_admin_group() -> Group:
    """Creates the "平台管理员" group with access to the Wagtail admin (idempotent)."""
    group, _ = Group.objects.get_or_create(name=PLATFORM_ADMIN_GROUP)
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if access is not None:
        group.permissions.add(access)
    return group


# Admin areas ---------------------------------------------------------------------------------------

ENROLMENT_ANY = frozenset({"view", "add", "change", "delete"})
ATTENDANCE_RECORD = frozenset({"add", "change"})
ATTENDANCE_VIEW = frozenset({"add", "change", "view"})
CERTIFICATE_VIEW = frozenset({"view", "change"})
CERTIFICATE_REVOKE = frozenset({"change"})


class PlatformAdminPolicy(ModelPermissionPolicy):
    """Platform administrators may do everything; anybody else needs the model permissions."""

    def user_has_permission(self, user, action):
        return is_platform_admin(user) or super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return is_platform_admin(user) or super().user_has_any_permission(user, actions)


class PlatformAdminOnlyPolicy(ModelPermissionPolicy):
    """Only platform administrators, whatever model permissions anybody else holds."""

    def user_has_permission(self, user, action):
        return is_platform_admin(user)

    def user_has_any_permission(self, user, actions):
        return is_platform_admin(user)


def register_policies() -> None:
    for model in (Unit, UnitAdministrator):
        register_permission_policy(model, PlatformAdminPolicy(model))
    register_permission_policy(LearnerProfile, PlatformAdminOnlyPolicy(LearnerProfile))
    allow_chooser("person_chooser", can_appoint_unit_admins)


def can_appoint_unit_admins(user) -> bool:
    return has_any_permission(user, UnitAdministrator, {"add", "change"})


def can_see_enrolments(user) -> bool:
    return has_any_permission(user, Enrollment, ENROLMENT_ANY)


def can_add_enrolments(user) -> bool:
    return has_any_permission(user, Enrollment, {"add"})


def can_record_attendance(user) -> bool:
    return has_any_permission(user, AttendanceRecord, ATTENDANCE_RECORD)


def can_see_certificates(user) -> bool:
    return has_any_permission(user, Certificate, CERTIFICATE_VIEW)


def can_revoke(user) -> bool:
    return has_any_permission(user, Certificate, CERTIFICATE_REVOKE)


def grantable_permissions():
    """The permissions group editors may grant (Wagtail lists only registered ones)."""
    return Permission.objects.filter(
        content_type__app_label="learning",
        content_type__model__in=["enrollment", "attendancerecord", "certificate"],
    )
