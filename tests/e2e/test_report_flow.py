import pytest
from openpyxl import load_workbook

from content.services import ensure_site_tree
from tests.factories import PASSWORD, UserFactory
from tests.learning import factories

# The live server reads committed data: these tests commit, and the database is flushed after.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def district_admin():
    """甲区's administrator; 甲区 has 3 enrolled people (1 completed), 乙区 beside it has 1."""
    ensure_site_tree()
    units = factories.area_units()
    area_a, area_b, dept = units["A"], units["B"], units["A1"]
    prog = factories.report_programme(title="干部选拔任用监督专题培训")
    lesson = factories.lesson(prog, 45)
    done = factories.learner("done", dept, name="李完成")
    factories.enrol(prog, done, completed=factories.at(10))
    factories.credit(done, lesson, 2700, factories.on(9))
    for name, unit_ in (("busy", dept), ("idle", area_a), ("other", area_b)):
        factories.enrol(prog, factories.learner(name, unit_, name=f"学员{name}"))
    admin = UserFactory(username="jiaqu", first_name="甲区管理员")
    factories.unit_admin(admin, area_a)
    return admin


def log_in(page, base_url):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名").fill("jiaqu")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + "/")


def test_unit_admin_opens_the_report_and_downloads_excel(
    district_admin, live_server, page, tmp_path
):
    """A unit administrator opens 甲区's report and downloads it; the file holds the figures."""
    log_in(page, live_server.url)
    page.goto(live_server.url + "/learning/reports/")
    page.get_by_role("link", name="甲区", exact=True).click()
    page.get_by_role("heading", name="干部选拔任用监督专题培训").wait_for()
    assert page.locator(".report-facts dd").first.inner_text() == "3"
    assert page.locator(".report-people tbody tr").count() == 2  # busy and idle
    assert "学员other" not in page.content()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "report.xlsx"
    download.save_as(path)

    book = load_workbook(path)
    assert "统计" in book.sheetnames and "名单" in book.sheetnames
    rows = {row[1]: row for row in book["统计"].iter_rows(min_row=4, values_only=True)}
    assert rows["A"][2] == 3  # 报名人数 of 甲区 with its department
    assert rows["A"][6] == pytest.approx(1 / 3)  # 完成率
    assert "B" not in rows
    assert book["名单"]["A1"].value == "未完成人员"  # the list's title, then its header row
    assert [row[2] for row in book["名单"].iter_rows(min_row=3, values_only=True)] == [
        "idle",
        "busy",
    ]
