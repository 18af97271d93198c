"""The Excel import of units and people: template, all-or-nothing rules, errors by sheet, row
and column, initial passwords, and the admin pages."""

from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from common.excel import INVALID_FILE, XLSX_CONTENT_TYPE, RowError
from learning.models import LearnerProfile, Rank, Unit
from learning.services import people_import as imports
from learning.services.people_import import (
    PEOPLE_HEADERS,
    UNIT_HEADERS,
    build_template,
    import_people,
)
from tests.factories import UserFactory
from tests.learning import factories
from tests.learning.factories import person_row, workbook

pytestmark = pytest.mark.django_db

User = get_user_model()


def run(file) -> imports.ImportResult:
    return import_people(file, now=timezone.now())


def located(result) -> list[tuple]:
    """(sheet, row, column letter) of every error, in the order reported."""
    return [(e.sheet, e.row, e.column) for e in result.errors]


@pytest.fixture
def existing():
    """A unit already in the system (330100) and a user "taken"."""
    city = factories.unit("杭州市", code="330100")
    factories.learner("taken", city)
    return city


def assert_nothing_written(units_before: int, users_before: int) -> None:
    assert Unit.objects.count() == units_before
    assert User.objects.count() == users_before


# A good file ----------------------------------------------------------------------------------


def test_good_file_creates_units_and_people_who_must_change_their_password(existing):
    """Units (a parent listed after its child, one under an existing unit) and people."""
    file = workbook(
        units=[
            ["330102-01", "上城区委组织部", "330102"],  # its parent comes on the next row
            ["330102", "上城区", "330100"],  # under the unit already in the system
            ["330000", "省直机关", ""],  # a new top-level unit
        ],
        people=[
            person_row(),
            person_row(用户名="lisi", 姓名="李四", 单位编码="330102-01", 职级类别="组工干部",
                       手机号码=""),
            person_row(用户名="wangwu", 姓名="王五", 单位编码="330000", 职级类别="其他",
                       手机号码="+86 139-0000-0000"),
        ],
    )  # fmt: skip
    result = run(file)
    assert result.ok, [str(e) for e in result.errors]
    assert result.units_created == 3 and len(result.people) == 3
    district = Unit.objects.get(code="330102")
    assert district.get_parent() == existing
    assert Unit.objects.get(code="330102-01").get_parent() == district
    assert Unit.objects.get(code="330000").is_root()
    lisi = LearnerProfile.objects.select_related("user", "unit").get(user__username="lisi")
    assert (lisi.unit.code, lisi.rank, lisi.phone) == ("330102-01", Rank.ORG_STAFF, "")
    assert lisi.user.get_full_name() == "李四" and lisi.must_change_password
    assert LearnerProfile.objects.get(user__username="wangwu").phone == "13900000000"
    for person in result.people:
        user = User.objects.get(username=person.username)
        assert person.password not in user.password and user.check_password(person.password)


def test_people_only_with_an_empty_units_sheet(existing):
    """Only the header on "单位": people are added to existing units."""
    result = run(workbook(people=[person_row()]))
    assert result.ok and result.units_created == 0
    assert LearnerProfile.objects.get(user__username="zhangsan").unit == existing


def test_numbers_typed_as_numbers_are_read_as_text(existing):
    """A phone or username Excel stored as a number is read without ".0"."""
    result = run(workbook(people=[person_row(用户名=1001, 手机号码=13800138000)]))
    assert result.ok
    assert LearnerProfile.objects.get(user__username="1001").phone == "13800138000"


# Errors: the file -----------------------------------------------------------------------------


def test_wrong_file_type_is_refused(existing):
    """A file that is not .xlsx (by name or by content) is refused, nothing written."""
    csv = BytesIO("用户名，姓名\n".encode())
    csv.name = "人员.csv"
    assert "文件类型不正确" in run(csv).errors[0].message
    garbage = BytesIO(b"not a zip file")
    garbage.name = "人员.xlsx"
    assert run(garbage).errors[0].message == INVALID_FILE


def test_oversized_file_is_refused(existing, settings):
    """A file above PEOPLE_IMPORT_MAX_BYTES is refused before it is opened."""
    settings.PEOPLE_IMPORT_MAX_BYTES = 1000
    result = run(workbook(people=[person_row()]))
    assert len(result.errors) == 1 and "文件过大" in result.errors[0].message
    assert not User.objects.filter(username="zhangsan").exists()


def test_wrong_headers_are_listed_by_sheet_and_column(existing):
    """A renamed, a missing and an extra header cell are each reported in row 1."""
    file = workbook(
        units=[["X", "某单位", ""]],
        people=[person_row()],
        unit_header=["单位编码", "名称", "上级单位编码"],
        people_header=[*PEOPLE_HEADERS[:5], "", "备注"],
    )
    result = run(file)
    assert located(result) == [("单位", 1, "B"), ("人员", 1, "F"), ("人员", 1, "G")]
    messages = [e.message for e in result.errors]
    assert messages[0] == "表头应为“单位名称”，实际为“名称”"
    assert messages[1] == "缺少表头“手机号码”" and "多余的列“备注”" in messages[2]
    assert not Unit.objects.filter(code="X").exists()


def test_a_missing_sheet_is_reported(existing):
    """Both sheets are required, even when one of them stays empty."""
    result = run(workbook(people=[person_row()], sheets=("人员",)))
    assert [e.message for e in result.errors] == ["缺少工作表“单位”，请使用下载的模板填写"]


def test_an_empty_file_is_reported():
    """The blank template has nothing to import."""
    result = run(BytesIO(build_template()))
    assert [e.message for e in result.errors] == ["文件中没有单位或人员（两张表第二行起都是空的）"]


# Errors: rows ---------------------------------------------------------------------------------


def test_every_unit_error_is_listed_and_nothing_is_written(existing):
    """Empty cells, duplicate codes (file and system), unknown parents and loops, all at once."""
    units_before, users_before = Unit.objects.count(), User.objects.count()
    file = workbook(
        units=[
            ["", "无编码单位", ""],  # row 2: code empty
            ["N1", "", ""],  # row 3: name empty
            ["N1", "重复单位", ""],  # row 4: code repeats row 3
            ["330100", "重复系统单位", ""],  # row 5: code already in the system
            ["N2", "孤儿单位", "NOPE"],  # row 6: unknown parent
            ["L1", "循环甲", "L2"],  # rows 7-8: L1 under L2 under L1
            ["L2", "循环乙", "L1"],
            ["S1", "自己上级", "S1"],  # row 9: its own parent
            ["N3" * 30, "很长", ""],  # row 10: code longer than 40
        ],
        people=[person_row()],
    )
    result = run(file)
    assert located(result) == [
        ("单位", 2, "A"), ("单位", 3, "B"), ("单位", 4, "A"), ("单位", 5, "A"), ("单位", 6, "C"),
        ("单位", 7, "C"), ("单位", 8, "C"), ("单位", 9, "C"), ("单位", 10, "A"),
    ]  # fmt: skip
    messages = [e.message for e in result.errors]
    assert messages[0] == "单位编码不能为空" and messages[1] == "单位名称不能为空"
    assert messages[2] == "单位编码“N1”与第3行重复"
    assert messages[3] == "系统中已有编码为“330100”的单位（杭州市）"
    assert messages[4] == "上级单位编码“NOPE”在本文件和系统中都不存在"
    assert messages[5] == "上级单位形成循环：L1 → L2 → L1"
    assert messages[7] == "上级单位形成循环：S1 → S1"
    assert "不能超过 40 个字符" in messages[8]
    assert_nothing_written(units_before, users_before)


def test_every_person_error_is_listed_and_nothing_is_written(existing):
    """Empty cells, bad rank and phone, unknown unit, bad and duplicate usernames."""
    units_before, users_before = Unit.objects.count(), User.objects.count()
    file = workbook(
        units=[["NEW", "新单位", "330100"]],  # valid, but must not be written either
        people=[
            person_row(用户名="", 姓名="", 职务=""),  # row 2: three empty cells
            person_row(用户名="a1", 职级类别="处长", 手机号码="12345"),  # row 3
            person_row(用户名="a2", 单位编码="NOWHERE"),  # row 4
            person_row(用户名="ZhangSan"),  # row 5: fine by itself
            person_row(用户名="zhangsan"),  # row 6: repeats row 5 (case ignored)
            person_row(用户名="TAKEN"),  # row 7: already in the system
            person_row(用户名="bad name!"),  # row 8: not a valid username
            person_row(用户名="a3", 单位编码="NEW"),  # row 9: a unit of this file: fine
        ],
    )
    result = run(file)
    assert located(result) == [
        ("人员", 2, "A"), ("人员", 2, "B"), ("人员", 2, "E"),
        ("人员", 3, "D"), ("人员", 3, "F"), ("人员", 4, "C"),
        ("人员", 6, "A"), ("人员", 7, "A"), ("人员", 8, "A"),
    ]  # fmt: skip
    messages = [e.message for e in result.errors]
    assert messages[:3] == ["用户名不能为空", "姓名不能为空", "职务不能为空"]
    assert messages[3] == "职级类别“处长”无效，应为县处级、乡科级、组工干部、其他之一"
    assert messages[4] == "手机号码“12345”格式不正确，应为 11 位手机号"
    assert messages[5] == "单位编码“NOWHERE”在“单位”表和系统中都不存在"
    assert messages[6] == "用户名“zhangsan”与第5行重复"
    assert messages[7] == "系统中已有用户名“TAKEN”"
    assert "用户名“bad name!”无效" in messages[8]
    assert_nothing_written(units_before, users_before)


def test_errors_name_their_sheet_row_and_column():
    """An error reads “人员”表 第3行 D列(职级类别):…."""
    error = imports.cell_error("人员", 3, "职级类别", "职级类别无效")
    assert str(error) == "“人员”表 第3行 D列（职级类别）：职级类别无效"
    assert str(RowError("文件过大")) == "文件过大"


# Template and passwords -----------------------------------------------------------------------


def test_template_has_both_sheets_headers_and_help():
    """The template holds "单位", "人员" and "填写说明", with a drop-down for 职级类别."""
    book = load_workbook(BytesIO(build_template()))
    assert book.sheetnames == ["单位", "人员", "填写说明"]
    assert [c.value for c in book["单位"][1]] == UNIT_HEADERS
    assert [c.value for c in book["人员"][1]] == PEOPLE_HEADERS
    validation = book["人员"].data_validations.dataValidation[0]
    assert "县处级" in validation.formula1 and "D2" in str(validation.sqref)


def test_password_workbook_lists_usernames_and_passwords():
    """The password file has 用户名, 初始密码 and 姓名, passwords kept as text."""
    people = [imports.NewPerson("zhangsan", "张三", "Ab3dEf7hJk9m")]
    sheet = load_workbook(BytesIO(imports.password_workbook(people)))["初始密码"]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("用户名", "初始密码", "姓名"),
        ("zhangsan", "Ab3dEf7hJk9m", "张三"),
    ]


# Admin pages ----------------------------------------------------------------------------------


def test_admin_import_shows_the_passwords_once(platform_client, existing):
    """A good upload shows each initial password and offers them as an .xlsx, uncached."""
    response = platform_client.post(
        reverse("people_import:import"), {"file": workbook(people=[person_row()])}
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    password = response.context["result"].people[0].password
    assert password in html and "只显示这一次" in html
    assert 'href="data:application/vnd.openxmlformats' in html
    assert User.objects.get(username="zhangsan").check_password(password)


def test_admin_import_lists_errors_by_sheet_row_and_column(platform_client, existing):
    """A refused upload shows the error table and writes nothing."""
    file = workbook(people=[person_row(职级类别="处长")])
    html = platform_client.post(reverse("people_import:import"), {"file": file}).content.decode()
    assert 'id="import-errors"' in html and "第2行" in html and "D列（职级类别）" in html
    assert not User.objects.filter(username="zhangsan").exists()


def test_admin_template_download(platform_client):
    """The template downloads as an .xlsx attachment."""
    response = platform_client.get(reverse("people_import:template"))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]


def test_import_is_for_platform_admins_only(client, existing):
    """A Wagtail editor with every unit permission still cannot import people."""
    from django.contrib.auth.models import Permission

    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="learning"))
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    for url in (reverse("people_import:import"), reverse("people_import:template")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert client.get(reverse("units:index")).status_code == 200  # model permissions suffice
