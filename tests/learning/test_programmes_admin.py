"""The programme admin: programmes with items, enrolment, attendance (tick and Excel import)
and certificates with revocation, and who may use them."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from learning import services
from learning.models import AttendanceRecord, Certificate, Enrollment, Programme, Rank
from tests.factories import staff_with
from tests.learning import factories
from tests.support import REFUSED, outcome

# Programmes ------------------------------------------------------------------------------------


def programme_post(**overrides):
    page = Page.objects.filter(depth=2).first()
    quiz = factories.exam()
    data = {
        "title": "2026年干部监督专题培训",
        "slug": "jiandu-2026",
        "description": "",
        "starts_on": "2026-03-01",
        "ends_on": "2099-12-31",
        "required_hours": "2.0",
        "required_regulation_hours": "0",
        "is_published": "on",
        "auto_enrol": "on",
        "items": inline_formset(
            [
                {
                    "kind": "quiz", "title": "", "required": "on", "quiz": quiz.pk,
                    "pass_percent": "80", "ORDER": "2",
                },
                {
                    "kind": "lesson", "title": "第一讲", "required": "on", "page": page.pk,
                    "nominal_minutes": "45", "ORDER": "1",
                },
                {
                    "kind": "offline", "title": "现场教学", "offline_hours": "1.5",
                    "ORDER": "3",
                },
            ]
        ),
    }  # fmt: skip
    lists = {"audience_ranks": [Rank.COUNTY], "audience_units": []}
    for key in list(overrides):
        if key in lists:
            lists[key] = overrides.pop(key)
    data.update(overrides)
    return {**nested_form_data(data), **lists}  # lists are sent as repeated fields


def test_create_programme_with_items_enrols_audience(admin_user, district_tree, client):
    """Saving a published programme stores ordered items and enrols its audience."""
    district_cadre = factories.learner(
        "wj_county", unit_=district_tree["district"], rank=Rank.COUNTY
    )
    factories.learner("wj_township", unit_=district_tree["district"], rank=Rank.TOWNSHIP)
    factories.learner("xb_county", unit_=district_tree["other"], rank=Rank.COUNTY)
    client.force_login(admin_user)
    data = programme_post(audience_units=[district_tree["district"].pk])
    response = client.post(reverse("admin_programmes:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    programme = Programme.objects.get(slug="jiandu-2026")
    assert programme.audience_ranks == [Rank.COUNTY]
    assert list(programme.audience_units.all()) == [district_tree["district"]]
    items = list(programme.items.order_by("sort_order"))
    assert [i.kind for i in items] == ["lesson", "quiz", "offline"]
    assert items[1].pass_percent == Decimal("80")
    assert list(programme.enrollments.values_list("user_id", flat=True)) == [district_cadre.pk]


def test_item_without_its_fields_is_refused(admin_user, district_tree, client):
    """A lesson item without page and minutes is refused and nothing is saved."""
    client.force_login(admin_user)
    data = programme_post(items=inline_formset([{"kind": "lesson", "title": "空课程"}]))
    response = client.post(reverse("admin_programmes:add"), data)
    assert response.status_code == 200
    assert "该类型的培训内容必须填写此项" in response.content.decode()
    assert not Programme.objects.exists()


def test_programme_form_shows_rank_checkboxes_and_unit_tree(admin_user, district_tree, client):
    """The add form offers ranks as checkboxes and units indented by depth."""
    client.force_login(admin_user)
    html = client.get(reverse("admin_programmes:add")).content.decode()
    assert 'type="checkbox" name="audience_ranks" value="county"' in html
    assert "\u3000武进区" in html


def test_programme_index_counts(admin_user, district_tree, client):
    """The programme list shows enrolment and completion counts and links to enrolments."""
    prog = factories.programme(title="纪律教育专题班")
    factories.lesson(prog)
    factories.finished_learner(prog, unit_=district_tree["city"])
    factories.enrol(prog, factories.learner(unit_=district_tree["city"]), completed=True)
    client.force_login(admin_user)
    html = client.get(reverse("admin_programmes:index")).content.decode()
    assert "纪律教育专题班" in html
    assert reverse("admin_programmes:enrolments", args=[prog.pk]) in html


# Permissions -----------------------------------------------------------------------------------


def test_people_without_permissions_are_refused(district_tree, client):
    """Admin users without the model permissions are refused; learners are sent to log in."""
    prog = factories.programme()
    item = factories.offline(prog)
    urls = [
        reverse("admin_programmes:enrolments", args=[prog.pk]),
        reverse("admin_programmes:attendance", args=[item.pk]),
        reverse("admin_programmes:attendance_import", args=[item.pk]),
        reverse("admin_certificates:index"),
    ]
    client.force_login(staff_with())
    assert [outcome(client.get(url)) for url in urls] == [REFUSED] * 4
    assert outcome(client.get(reverse("admin_programmes:index"))) == REFUSED
    client.force_login(factories.learner(unit_=district_tree["city"]))
    assert all(client.get(url).status_code == 302 for url in urls)


def test_view_only_certificate_permission_cannot_revoke(district_tree, client):
    """view_certificate lists certificates but revoking needs change_certificate."""
    prog = factories.programme()
    factories.lesson(prog)
    user = factories.finished_learner(prog, unit_=district_tree["city"])
    certificate = services.complete_if_done(enrollment=user.enrollments.get(), now=factories.NOW)
    client.force_login(staff_with("view_certificate"))
    html = client.get(reverse("admin_certificates:index")).content.decode()
    assert certificate.number in html
    assert reverse("admin_certificates:revoke", args=[certificate.pk]) not in html
    response = client.post(
        reverse("admin_certificates:revoke", args=[certificate.pk]), {"reason": "x"}
    )
    assert outcome(response) == REFUSED
    certificate.refresh_from_db()
    assert certificate.is_valid


# Enrolment -------------------------------------------------------------------------------------


def test_enrolment_list_shows_progress(admin_user, district_tree, client):
    """Each enrolled learner is listed with hours, required items and certificate."""
    prog = factories.programme(required_hours=Decimal("2"))
    lesson = factories.lesson(prog, minutes=45)
    user = factories.learner("zhangsan", unit_=district_tree["district"], first_name="张三")
    factories.enrol(prog, user)
    factories.credit(user, lesson, 2700)
    client.force_login(admin_user)
    html = client.get(reverse("admin_programmes:enrolments", args=[prog.pk])).content.decode()
    assert "张三" in html and "武进区" in html and "1.0 / 2.0" in html


def test_manual_add_by_usernames(admin_user, district_tree, client):
    """Usernames are enrolled manually; an unknown one refuses the whole list."""
    prog = factories.programme(auto_enrol=False)
    factories.learner("lisi", unit_=district_tree["city"])
    factories.learner("wangwu", unit_=district_tree["city"])
    url = reverse("admin_programmes:enrolments", args=[prog.pk])
    client.force_login(admin_user)
    response = client.post(url, {"action": "add", "usernames": "lisi\nnobody"})
    assert response.status_code == 200
    assert "找不到这些用户名：nobody" in response.content.decode()
    assert not prog.enrollments.exists()
    response = client.post(url, {"action": "add", "usernames": "lisi, wangwu"})
    assert response.status_code == 302
    assert set(prog.enrollments.values_list("user__username", "source")) == {
        ("lisi", "manual"),
        ("wangwu", "manual"),
    }


def test_enrol_audience_button(admin_user, district_tree, client):
    """The 按培训对象补充报名 button enrols the audience."""
    prog = factories.programme(units=[district_tree["district"]])
    factories.learner(unit_=district_tree["district"])
    client.force_login(admin_user)
    url = reverse("admin_programmes:enrolments", args=[prog.pk])
    assert client.post(url, {"action": "audience"}).status_code == 302
    assert prog.enrollments.count() == 1


# Attendance: tick form -------------------------------------------------------------------------


def test_tick_attendance_records_removes_and_completes(admin_user, district_tree, client):
    """Ticked learners are recorded (and completed when that finishes them); unticked removed."""
    prog = factories.programme(required_hours=Decimal("2"))
    session = factories.offline(prog, hours="2")
    first, second = (
        factories.learner(unit_=district_tree["city"]),
        factories.learner(unit_=district_tree["city"]),
    )
    factories.enrol(prog, first)
    factories.enrol(prog, second)
    factories.attend(second, session)
    client.force_login(admin_user)
    url = reverse("admin_programmes:attendance", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200
    shown = page.context["shown"]
    response = client.post(
        url,
        {"shown": shown, "attended": [first.pk], "attended_on": "2026-03-18", "hours": "2"},
    )
    assert response.status_code == 302
    assert list(AttendanceRecord.objects.values_list("user_id", "hours")) == [
        (first.pk, Decimal("2.0"))
    ]
    assert Enrollment.objects.get(user=first).completed_at is not None
    assert Certificate.objects.filter(enrollment__user=first).exists()


def test_tick_attendance_refuses_too_many_hours(admin_user, district_tree, client):
    """Hours above the item's hours are refused with a Chinese message."""
    prog = factories.programme()
    session = factories.offline(prog, hours="2")
    user = factories.learner(unit_=district_tree["city"])
    factories.enrol(prog, user)
    client.force_login(admin_user)
    url = reverse("admin_programmes:attendance", args=[session.pk])
    response = client.post(
        url,
        {"shown": str(user.pk), "attended": [user.pk], "attended_on": "2026-03-18", "hours": "3"},
    )
    assert response.status_code == 200
    assert "学时不能超过" in response.content.decode()
    assert not AttendanceRecord.objects.exists()


# Attendance: Excel import ----------------------------------------------------------------------


def workbook(rows, header=("用户名", "出席日期", "学时")) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "出席.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.fixture
def session_setup(district_tree):
    prog = factories.programme(required_hours=Decimal("2"))
    session = factories.offline(prog, hours="2")
    people = {}
    for name in ("zhao", "qian", "sun"):
        people[name] = factories.learner(name, unit_=district_tree["city"])
        factories.enrol(prog, people[name])
    factories.learner("outsider", unit_=district_tree["city"])
    return prog, session, people


def test_import_attendance_writes_all_rows(admin_user, session_setup, client):
    """A correct file imports every row (empty hours = the item's hours) and completes."""
    prog, session, people = session_setup
    factories.attend(people["sun"], session, hours="1")
    client.force_login(admin_user)
    url = reverse("admin_programmes:attendance_import", args=[session.pk])
    rows = [
        ("zhao", datetime.date(2026, 3, 18), None),
        ("qian", "2026/3/18", 1.5),
        ("sun", "2026年3月17日", "2"),
    ]
    response = client.post(url, {"file": workbook(rows)})
    assert response.status_code == 302
    records = dict(AttendanceRecord.objects.values_list("user__username", "hours"))
    assert records == {"zhao": Decimal("2.0"), "qian": Decimal("1.5"), "sun": Decimal("2.0")}
    assert set(
        Enrollment.objects.filter(completed_at__isnull=False).values_list(
            "user__username", flat=True
        )
    ) == {"zhao", "sun"}


def test_import_attendance_lists_every_error_and_writes_nothing(admin_user, session_setup, client):
    """Every problem is listed by row and column in Chinese; no row is written."""
    prog, session, people = session_setup
    client.force_login(admin_user)
    url = reverse("admin_programmes:attendance_import", args=[session.pk])
    rows = [
        ("zhao", "2026-03-18", 2),  # fine on its own
        ("nobody", "2026-03-18", 2),  # unknown user
        ("outsider", "2026-03-18", 2),  # not enrolled
        ("zhao", "2026-03-18", 2),  # duplicate
        ("qian", "18/03/2026", 2),  # date format
        ("sun", "2099-01-01", 3),  # future date and too many hours
        (None, None, None),  # empty row: skipped
        ("", "2026-03-18", "两"),  # no username, hours not a number
    ]
    response = client.post(url, {"file": workbook(rows)})
    assert response.status_code == 200
    errors = [str(e) for e in response.context["errors"]]
    assert errors == [
        "第3行 A列（用户名）：找不到用户名“nobody”",
        "第4行 A列（用户名）：“outsider”未报名本培训项目",
        "第5行 A列（用户名）：与第2行的用户名重复",
        "第6行 B列（出席日期）：日期“18/03/2026”无法识别，请写成 2026-03-05",
        "第7行 B列（出席日期）：出席日期不能晚于今天",
        "第7行 C列（学时）：学时不能超过该线下学习的 2 学时。",
        "第9行 A列（用户名）：请填写用户名",
        "第9行 C列（学时）：学时应为数字",
    ]
    assert "第3行" in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_import_refuses_wrong_header_and_bad_file(admin_user, session_setup, client):
    """A wrong header or a file that is not .xlsx is refused with a clear message."""
    prog, session, people = session_setup
    client.force_login(admin_user)
    url = reverse("admin_programmes:attendance_import", args=[session.pk])
    response = client.post(
        url, {"file": workbook([("zhao", "2026-03-18", 2)], header=("姓名", "日期"))}
    )
    errors = [str(e) for e in response.context["errors"]]
    assert errors == [
        "第1行 A列（用户名）：表头应为“用户名”，实际为“姓名”",
        "第1行 B列（出席日期）：表头应为“出席日期”，实际为“日期”",
        "第1行 C列（学时）：缺少表头“学时”",
    ]
    bad = SimpleUploadedFile("x.xlsx", b"not a workbook")
    response = client.post(url, {"file": bad})
    assert [str(e) for e in response.context["errors"]] == ["文件不是有效的 Excel(.xlsx)文件。"]
    empty = client.post(url, {"file": workbook([])})
    assert "没有出席记录" in str(empty.context["errors"][0])
    assert not AttendanceRecord.objects.exists()


def test_attendance_template_download(admin_user, session_setup, client):
    """The template has the three headers and a help sheet."""
    prog, session, people = session_setup
    client.force_login(admin_user)
    response = client.get(reverse("admin_programmes:attendance_template", args=[session.pk]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == ["用户名", "出席日期", "学时"]
    assert book.sheetnames == ["出席记录", "填写说明"]


def test_attendance_pages_404_for_other_item_kinds(admin_user, client):
    """Only offline items have attendance pages."""
    prog = factories.programme()
    lesson = factories.lesson(prog)
    client.force_login(admin_user)
    assert client.get(reverse("admin_programmes:attendance", args=[lesson.pk])).status_code == 404


# Certificates ----------------------------------------------------------------------------------


def test_certificate_list_filter_revoke_and_pdf(admin_user, district_tree, client):
    """Admins list, filter, download and revoke certificates."""
    prog = factories.programme(title="专题班甲")
    factories.lesson(prog)
    other = factories.programme(title="专题班乙")
    factories.lesson(other)
    first = factories.finished_learner(prog, unit_=district_tree["city"])
    second = factories.finished_learner(other, unit_=district_tree["city"])
    cert = services.complete_if_done(enrollment=first.enrollments.get(), now=factories.NOW)
    other_cert = services.complete_if_done(enrollment=second.enrollments.get(), now=factories.NOW)
    client.force_login(admin_user)
    index = reverse("admin_certificates:index")
    html = client.get(index, {"programme": prog.pk}).content.decode()
    assert cert.number in html and other_cert.number not in html
    pdf = client.get(reverse("admin_certificates:pdf", args=[cert.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    revoke = reverse("admin_certificates:revoke", args=[cert.pk])
    assert "撤销原因" in client.get(revoke).content.decode()
    assert client.post(revoke, {"reason": ""}).status_code == 200
    assert client.post(revoke, {"reason": "学时记录有误"}).status_code == 302
    cert.refresh_from_db()
    assert cert.revoked_reason == "学时记录有误"
    revoked = client.get(index, {"status": "revoked"}).content.decode()
    assert cert.number in revoked and other_cert.number not in revoked
