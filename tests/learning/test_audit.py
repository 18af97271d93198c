"""The audit trail of training: certificates issued and revoked (with who revoked), attendance
ticked and imported, enrolment changes, the people import and password resets each leave one
log entry with who, when and what changed, shown in 站点历史 and in the Excel export."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from learning import services
from learning.services.base import (
    ATTENDANCE_ACTION,
    ATTENDANCE_IMPORT_ACTION,
    ENROL_ACTION,
    ISSUE_ACTION,
    PEOPLE_IMPORT_ACTION,
    RESET_PASSWORD_ACTION,
    REVOKE_ACTION,
)
from learning.services.people_import import import_people
from tests.factories import UserFactory
from tests.learning import factories
from tests.learning.test_programmes_admin import workbook as attendance_workbook

pytestmark = pytest.mark.django_db


def entries(action: str) -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.filter(action=action).order_by("pk"))


def the_entry(action: str) -> ModelLogEntry:
    found = entries(action)
    assert len(found) == 1, f"{len(found)} entries of {action}"
    return found[0]


@pytest.fixture
def home_unit():
    return factories.unit("常州市", code="CZ")


@pytest.fixture
def issued(home_unit):
    prog = factories.programme(title="审计培训班", required_hours=Decimal("1"))
    enrollment = factories.enrol(prog, factories.learner("wangjg", home_unit, name="王建国"))
    return services.issue_certificate(enrollment=enrollment, hours=Decimal("1"), now=factories.NOW)


def test_issuing_a_certificate_is_logged_with_its_number_and_learner(issued):
    """颁发结业证书: the learner, the number and the hours, timestamped."""
    entry = the_entry(ISSUE_ACTION)
    assert entry.object_id == str(issued.pk) and entry.timestamp is not None
    assert entry.data["learner"] == "王建国"
    assert entry.data["after"] == {"number": issued.number, "hours": "1"}


def test_revoking_in_the_admin_logs_who_revoked_and_why(issued, client):
    """撤销结业证书 through the admin records the administrator, the reason, before and after."""
    admin = UserFactory(username="revoker", first_name="撤销人", is_superuser=True)
    client.force_login(admin)
    url = reverse("admin_certificates:revoke", args=[issued.pk])
    assert client.post(url, {"reason": "材料造假"}).status_code == 302
    entry = the_entry(REVOKE_ACTION)
    assert entry.user == admin and entry.timestamp is not None
    assert entry.data == {
        "reason": "材料造假",
        "before": {"status": "有效"},
        "after": {"status": "已撤销"},
    }
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert (
        "撤销结业证书" in history
        and "原因：材料造假" in history
        and "修改后：状态 已撤销" in history
    )


@pytest.fixture
def offline_session(home_unit):
    prog = factories.programme(required_hours=Decimal("9"))
    session = factories.offline(prog, hours="2")
    people = [factories.learner(f"att{n}", home_unit, name=f"学员{n}") for n in range(3)]
    for person in people:
        factories.enrol(prog, person)
    return session, people


def test_ticking_attendance_logs_who_was_added_and_removed(offline_session):
    """登记出席: one entry with the people added and removed and the count before and after."""
    session, (first, second, third) = offline_session
    factories.attend(third, session)
    recorder = UserFactory(username="recorder")
    services.set_attendance(
        item=session, attended_user_ids={first.pk, second.pk},
        enrolled_user_ids={first.pk, second.pk, third.pk}, attended_on=datetime.date(2026, 3, 5),
        hours=Decimal("2"), recorded_by=recorder, now=factories.NOW,
    )  # fmt: skip
    entry = the_entry(ATTENDANCE_ACTION)
    assert entry.user == recorder and entry.object_id == str(session.pk)
    assert entry.data["added"] == ["学员0(att0)", "学员1(att1)"]
    assert entry.data["removed"] == ["学员2(att2)"]
    assert (entry.data["before"], entry.data["after"]) == ({"count": 1}, {"count": 2})


def test_an_attendance_import_is_one_entry_with_file_and_rows(
    offline_session, client, django_assert_max_num_queries
):
    """导入出席记录: one entry (file name, rows, who) for the whole file, not one per row."""
    session, people = offline_session
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    rows = [(person.username, "2026-03-05", "2") for person in people]
    url = reverse("admin_programmes:attendance_import", args=[session.pk])
    assert client.post(url, {"file": attendance_workbook(rows)}).status_code == 302
    entry = the_entry(ATTENDANCE_IMPORT_ACTION)
    assert entry.user == admin
    assert entry.data == {"file": "出席.xlsx", "rows": 3, "added": 3, "updated": 0}
    assert not entries(ATTENDANCE_ACTION)


def test_adding_people_to_a_programme_logs_their_names(home_unit, admin_client):
    """报名变更: the people added by hand, by name, in one entry, on the programme's 历史."""
    prog = factories.programme(units=[home_unit])
    people = [UserFactory(username=f"add{n}", first_name=f"新人{n}") for n in range(2)]
    services.enrol_users(programme=prog, user_ids=[p.pk for p in people], now=factories.NOW)
    entry = the_entry(ENROL_ACTION)
    assert entry.object_id == str(prog.pk)
    assert entry.data == {"source": "手工添加", "added": ["新人0(add0)", "新人1(add1)"]}
    history = admin_client.get(reverse("admin_programmes:history", args=[prog.pk]))
    assert "报名变更" in history.content.decode()
    assert "新增：新人0(add0)、新人1(add1)" in history.content.decode()


def test_moving_a_learner_out_of_the_audience_logs_the_withdrawal(home_unit):
    """A learner moved to a unit outside the audience is withdrawn, and that is logged."""
    other = factories.unit("无锡市", code="WX")
    prog = factories.programme(units=[home_unit])
    learner = factories.learner("mover", home_unit)
    services.sync_person(user_id=learner.pk, now=timezone.now())
    ModelLogEntry.objects.all().delete()
    learner.profile.unit = other
    learner.profile.save()
    services.sync_person(user_id=learner.pk, now=timezone.now())
    logged = [e.data for e in entries(ENROL_ACTION) if e.object_id == str(learner.pk)]
    assert logged and logged[-1]["withdrawn"] == 1
    assert prog.enrollments.get(user=learner).withdrawn_at is not None


def test_the_people_import_is_one_entry_with_file_rows_and_who(home_unit):
    """导入单位与人员: one entry with the file name, the row count and the importer."""
    admin = UserFactory(username="importer")
    people = [
        factories.person_row(用户名=f"imp{n}", 姓名=f"导入{n}", 单位编码="CZ", 手机号码="")
        for n in range(4)
    ]
    result = import_people(factories.workbook(people=people), now=timezone.now(), by=admin)
    assert result.ok, result.errors
    entry = the_entry(PEOPLE_IMPORT_ACTION)
    assert entry.user == admin and entry.object_id == str(home_unit.pk)
    assert entry.data == {"file": "人员.xlsx", "rows": 4, "units": 0, "people": 4}


def test_a_password_reset_names_the_person(home_unit, client):
    """重置初始密码: who reset whose password."""
    admin = factories.unit_admin(UserFactory(username="resetter"), home_unit).user
    learner = factories.learner("forgetful", home_unit, name="健忘")
    client.force_login(admin)
    url = reverse("learning:report_reset_password", args=[learner.pk])
    client.post(url)
    entry = the_entry(RESET_PASSWORD_ACTION)
    assert entry.user == admin and entry.object_id == str(learner.pk)
    assert entry.data == {"username": "forgetful", "learner": "健忘"}


def test_the_export_lists_entries_with_readable_before_and_after(issued, admin_client):
    """导出审计日志: an Excel file with who, the action's label and before / after in words."""
    services.revoke_certificate(certificate=issued, reason="=cmd()", now=timezone.now())
    response = admin_client.get(reverse("audit_log_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content))["审计日志"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["时间", "操作人", "操作", "对象类型", "对象", "说明", "修改前", "修改后"]
    revoked = next(row for row in rows if row[2] == "撤销结业证书")
    assert revoked[4] == issued.number
    assert revoked[5] == "原因：=cmd()" and revoked[6:] == ["状态 有效", "状态 已撤销"]
    issue_row = next(row for row in rows if row[2] == "颁发结业证书")
    assert issue_row[5] == "学员：王建国" and issue_row[7].startswith("证书编号 ")


def test_the_export_is_filtered_by_date_and_action(issued, admin_client):
    """``since`` after today's entries leaves only the header; ``action`` keeps one kind."""
    url = reverse("audit_log_export")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    rows = list(load_workbook(BytesIO(admin_client.get(url, {"since": tomorrow}).content)).active)
    assert len(rows) == 1
    kept = load_workbook(BytesIO(admin_client.get(url, {"action": ISSUE_ACTION}).content)).active
    assert [row[2].value for row in kept.iter_rows(min_row=2)] == ["颁发结业证书"]
