"""Registers the learning app in the Wagtail admin; the admin itself is in ``learning.admin``."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from common.audit import register_audit_actions
from learning import permissions
from learning.admin.certificates import CertificateViewSet
from learning.admin.incidents import UnitIncidentViewSet
from learning.admin.people_import import PeopleImportViewSet
from learning.admin.programmes import ProgrammeViewSet
from learning.admin.quiz_audiences import QuizAudienceViewSet
from learning.admin.units import UnitAdministratorViewSet, UnitViewSet
from learning.services.base import AUDIT_ACTIONS


class UnitsAndPeopleGroup(ViewSetGroup):
    menu_label = "单位与人员"
    menu_icon = "group"
    menu_name = "units-people"
    menu_order = 260
    items = (UnitViewSet(), UnitAdministratorViewSet(), PeopleImportViewSet())


class ProgrammeAdminGroup(ViewSetGroup):
    menu_label = "培训管理"
    menu_icon = "calendar-alt"
    menu_name = "programme-admin"
    menu_order = 270
    items = (
        ProgrammeViewSet(),
        CertificateViewSet(),
        QuizAudienceViewSet(),
        UnitIncidentViewSet(),
    )


@hooks.register("register_admin_viewset")
def register_admin():
    return [UnitsAndPeopleGroup(), ProgrammeAdminGroup()]


@hooks.register("register_permissions")
def register_training_permissions():
    return permissions.grantable_permissions()


@hooks.register("register_log_actions")
def register_log_actions(actions):
    register_audit_actions(actions, AUDIT_ACTIONS)
