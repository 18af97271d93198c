"""Unit reports: figures per unit and rolled up, "as of" a day, scoping, queries and exports.

The small tree used throughout (``world``), with programme P (starts 2026-03-01):
lessons L1 (45 min = 2700 s = 1 学时) and L2 (90 min), an offline lecture O (2 学时) and the
exam quiz (pass mark 60 %). Everybody is enrolled on 03-02 unless said otherwise.

    市 (root, nobody directly)
    ├── 甲区 (A): b1, b2
    │   └── 甲区组织部 (A1): a1, a2, a3
    └── 乙区 (B): c1, c2 (enrolled 03-25), c3 (not enrolled)

Reported "as of 2026-03-20":
    a1  L1 3000 s (capped to 2700) + L2 2700 s = 5400 s = 2.0 学时, attended O (2 学时) → 4.0;
        exam 80 → took, passed; completed 03-16.
    a2  L1 1350 s = 0.5 学时; exam 50 then 70 → took, passed (best 70).
    a3  nothing this programme; an exam of 100 finished 02-20, before the programme → ignored.
    b1  L1 2700 s + 1350 s not yet flushed on L2 (ActiveStudy, 03-20) = 4050 s = 1.5 学时;
        an attempt in progress (started 03-19) → participates, has not taken the exam.
    b2  everything on 03-21: L2 5400 s, exam 90 finished at 03-21 00:00, completed 03-21 00:30
        → nothing yet as of 03-20; as of 03-21: 2.0 学时, took, passed, completed.
    c1  attended O for 1.5 学时; exam 40 still waiting for marking → took, not passed, no score.
    c2  enrolled after the day → not counted; c3 not enrolled → not counted.
"""

import datetime
import json
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from learning import reports
from learning.models import Enrollment, LearnerProfile, StudyCredit, Unit
from learning.reports import Figures, ReportScope
from tests.factories import UserFactory
from tests.learning import factories

pytestmark = pytest.mark.django_db

AS_OF = factories.on(20)


@pytest.fixture
def world():
    units = factories.area_units()
    area_a, area_b, dept = units["A"], units["B"], units["A1"]
    prog = factories.report_programme()
    l1, l2, lecture = (
        factories.lesson(prog, 45),
        factories.lesson(prog, 90),
        factories.offline(prog, "2"),
    )
    exam = factories.exam(title="结业考试")
    factories.quiz_item(prog, exam)
    people = {
        name: factories.learner(name, where, name=f"学员{name}")
        for name, where in [
            ("a1", dept), ("a2", dept), ("a3", dept), ("b1", area_a), ("b2", area_a),
            ("c1", area_b), ("c2", area_b), ("c3", area_b),
        ]
    }  # fmt: skip
    p = people
    factories.enrol(prog, p["a1"], completed=factories.at(16))
    for name in ("a2", "a3", "b1", "c1"):
        factories.enrol(prog, p[name])
    factories.enrol(prog, p["b2"], completed=factories.at(21, 0, 30))
    factories.enrol(prog, p["c2"], at_=factories.at(25))
    factories.credit(p["a1"], l1, 3000, factories.on(10))
    factories.credit(p["a1"], l2, 2700, factories.on(11))
    factories.attend(p["a1"], lecture, factories.on(12))
    factories.attempt(p["a1"], exam, score="80", finished=factories.at(15))
    factories.credit(p["a2"], l1, 1350, factories.on(10))
    factories.attempt(p["a2"], exam, score="50", finished=factories.at(15))
    factories.attempt(p["a2"], exam, score="70", finished=factories.at(18))
    factories.attempt(p["a3"], exam, score="100", finished=factories.at(20, month=2))
    factories.credit(p["b1"], l1, 2700, factories.on(5))
    factories.pending(p["b1"], l2, 1350, factories.on(20))
    factories.attempt(p["b1"], exam, started=factories.at(19))
    factories.credit(p["b2"], l2, 5400, factories.on(21))
    factories.attempt(p["b2"], exam, score="90", finished=factories.at(21, 0, 0))
    factories.attend(p["c1"], lecture, factories.on(12), hours="1.5")
    factories.attempt(p["c1"], exam, score="40", finished=factories.at(15), pending_marking=True)
    factories.credit(p["c3"], l1, 2700, factories.on(10))
    other = factories.report_programme()
    factories.credit(
        p["a1"], factories.lesson(other, 45), 2700, factories.on(10)
    )  # another programme: ignored
    return {"programme": prog, "exam": exam, "people": people, **units}


def report_for(world, unit_key="root", as_of=AS_OF, quiz=None) -> reports.UnitReport:
    unit = Unit.objects.get(pk=world[unit_key].pk)
    return reports.unit_report(ReportScope(world["programme"], unit, as_of, quiz))


def figures_by_code(report) -> dict[str, tuple[Figures, Figures]]:
    return {row.unit.code: (row.own, row.total) for row in report.rows}


def pct(part, whole) -> Decimal:
    return Decimal(part) * 100 / Decimal(whole)


# Figures --------------------------------------------------------------------------------------


def test_own_figures_per_unit_match_the_hand_count(world):
    """Each unit's own people, counted by hand in the module docstring."""
    rows = figures_by_code(report_for(world))
    # A1: a1, a2, a3 enrolled; a1 and a2 active; a1 completed; 2.0 + 0.5 学时 of lessons
    # (25 tenths) plus a1's 2 offline hours; both a1 and a2 took and passed; scores 80 and 70.
    assert rows["A1"][0] == Figures(
        enrolled=3, active=2, completed=1, lesson_tenths=25, offline_hours=Decimal(2),
        took=2, passed=2, percent_sum=Decimal(150), scored=2,
    )  # fmt: skip
    # A directly: b1 (1.5 学时, in-progress attempt = active) and b2 (nothing before 03-21).
    assert rows["A"][0] == Figures(enrolled=2, active=1, lesson_tenths=15)
    # B: c1 active by attendance (1.5 学时) and an attempt waiting for marking: took, 待阅卷,
    # neither passed nor failed, no score.
    assert rows["B"][0] == Figures(
        enrolled=1, active=1, offline_hours=Decimal("1.5"), took=1, passed=0, pending=1
    )
    assert rows["C"][0] == Figures()  # nobody sits directly in 市


def test_rolled_up_rates_match_the_hand_count(world):
    """甲区 adds 甲区组织部; 市 adds everything: rates computed from the summed counts."""
    rows = figures_by_code(report_for(world))
    area_a = rows["A"][1]
    assert (area_a.enrolled, area_a.active, area_a.completed) == (5, 3, 1)
    assert area_a.participation_rate == Decimal(60)  # 3 / 5
    assert area_a.completion_rate == Decimal(20)  # 1 / 5
    assert area_a.average_hours == Decimal("1.2")  # (2.5 + 1.5 lesson + 2 offline) / 5
    assert area_a.exam_rate == Decimal(40)  # a1, a2 took / 5
    assert area_a.pass_rate == Decimal(100)  # 2 passed / 2 took
    assert area_a.average_score == Decimal(75)  # (80 + 70) / 2
    city = rows["C"][1]
    assert (city.enrolled, city.active, city.completed, city.took, city.passed) == (6, 4, 1, 3, 2)
    assert city.participation_rate == pct(4, 6)
    assert city.completion_rate == pct(1, 6)
    assert city.average_hours == Decimal("7.5") / 6  # 4.0 lesson + 2 + 1.5 offline
    assert city.exam_rate == Decimal(50)  # 3 / 6
    # c1 took the exam but waits for marking (待阅卷): counted in neither 合格 nor 未合格.
    assert (city.passed, city.failed, city.pending) == (2, 0, 1)
    assert city.pass_rate == Decimal(100)  # 2 passed / 2 marked
    assert city.average_score == Decimal(75)  # c1 has no mark yet: (80 + 70) / 2
    assert rows["B"][1].pass_rate is None and rows["B"][1].average_score is None


def test_rows_follow_the_tree_with_levels(world):
    """The subtree in path order, with each row's level below the report's unit."""
    report = report_for(world)
    assert [(row.unit.code, row.level) for row in report.rows] == [
        ("C", 0),
        ("B", 1),
        ("A", 1),
        ("A1", 2),
    ]  # fmt: skip (siblings sorted by name: 乙 U+4E59 before 甲 U+7532)
    assert [row.unit.code for row in report.chart_rows] == ["B", "A"]
    assert report.summary.enrolled == 6


def test_a_mid_level_unit_reports_only_its_subtree(world):
    """甲区's report holds 甲区 and 甲区组织部 only, with the same figures as in the city's."""
    report = report_for(world, "A")
    assert [row.unit.code for row in report.rows] == ["A", "A1"]
    assert report.summary.enrolled == 5 and report.summary.lesson_tenths == 40
    assert [row.unit.code for row in report.chart_rows] == ["A1"]
    leaf = report_for(world, "A1")
    assert [row.unit.code for row in leaf.chart_rows] == ["A1"]  # no sub-units: itself


def test_as_of_the_next_day_includes_that_days_activity(world):
    """As of 03-21, b2's credit, exam (finished at 00:00) and completion (00:30) count."""
    before = figures_by_code(report_for(world, as_of=factories.on(20)))["A"][0]
    after = figures_by_code(report_for(world, as_of=factories.on(21)))["A"][0]
    assert (before.active, before.completed, before.took, before.lesson_tenths) == (1, 0, 0, 15)
    assert (after.active, after.completed, after.took, after.passed) == (2, 1, 1, 1)
    assert after.lesson_tenths == 15 + 20 and after.percent_sum == Decimal(90)


def test_as_of_an_earlier_day_excludes_later_activity(world):
    """As of 03-14 nobody has finished an exam, a1 has not completed and b1's 03-20 time is out."""
    city = figures_by_code(report_for(world, as_of=factories.on(14)))["C"][1]
    assert (city.enrolled, city.completed, city.took) == (6, 0, 0)
    # a1 2.0 + a2 0.5 + b1 1.0 (L1 only: the pending seconds are dated 03-20) = 3.5 学时,
    # plus a1's and c1's attendance on 03-12.
    assert city.lesson_tenths == 35 and city.offline_hours == Decimal("3.5")
    assert city.active == 4  # a1, a2, b1 by lessons; c1 by attendance


def test_enrolments_after_the_day_do_not_count(world):
    """c2 was enrolled on 03-25: counted as of 03-25, not as of 03-20."""
    assert figures_by_code(report_for(world))["B"][0].enrolled == 1
    assert figures_by_code(report_for(world, as_of=factories.on(25)))["B"][0].enrolled == 2


def test_a_chosen_quiz_limits_the_exam_figures(world):
    """With a second quiz item, "all quizzes" needs both passed; choosing one quiz looks at it."""
    second = factories.exam(title="补充测试")
    factories.quiz_item(world["programme"], second, pass_percent="90")
    a1 = world["people"]["a1"]
    factories.attempt(
        a1, second, score="85", finished=factories.at(17)
    )  # below that item's own 90 %
    both = figures_by_code(report_for(world))["A1"][0]
    assert (both.took, both.passed) == (2, 0)  # a2 did not take it, a1 failed it
    only_first = figures_by_code(report_for(world, quiz=world["exam"]))["A1"][0]
    assert (only_first.took, only_first.passed) == (2, 2)
    only_second = figures_by_code(report_for(world, quiz=second))["A1"][0]
    assert (only_second.took, only_second.passed, only_second.percent_sum) == (1, 0, 85)


def test_another_tree_does_not_leak_into_a_root_report(world):
    """With a second top-level unit, the city's report still counts only the city's people."""
    other_root = factories.unit("省直")
    stranger = factories.learner("stranger", other_root)
    factories.enrol(world["programme"], stranger, completed=factories.at(3))
    factories.credit(
        stranger, world["programme"].items.filter(kind="lesson").first(), 900, factories.on(5)
    )
    city = report_for(world).summary
    assert (city.enrolled, city.completed, city.lesson_tenths) == (6, 1, 40)
    assert report_for(world, "root").rows[0].unit.code == "C"
    province = reports.unit_report(ReportScope(world["programme"], other_root, AS_OF))
    assert (province.summary.enrolled, province.summary.lesson_tenths) == (1, 3)


def test_person_figures_of_everyone_counted(world):
    """Hours and exam results per person counted in the report, for the name lists."""
    scope = ReportScope(world["programme"], world["root"], AS_OF)
    people = world["people"]
    figures = reports.person_figures(scope)
    assert set(figures) == {people[n].pk for n in ("a1", "a2", "a3", "b1", "b2", "c1")}
    assert figures[people["a2"].pk] == reports.PersonFigures(
        hours=Decimal("0.5"), took=True, passed=True, percent=Decimal(70)
    )
    assert figures[people["b1"].pk].hours == Decimal("1.5")
    assert figures[people["c1"].pk].exam_status == "待阅卷"  # neither 合格 nor 未合格
    assert figures[people["a3"].pk].exam_status == "未参加"
    names = [e.user.username for e in reports.unfinished_enrollments(scope)]
    assert names == ["c1", "b1", "b2", "a2", "a3"]  # by unit path (乙区 first), then username


# Constant queries -----------------------------------------------------------------------------


def grow(world, districts: int, departments: int, people_per_unit: int) -> None:
    """Adds a wide tree under 市 with enrolled people who studied and took the exam."""
    prog, exam = world["programme"], world["exam"]
    lesson = prog.items.filter(kind="lesson").first()
    for d in range(districts):
        district = factories.unit(f"区{d}", world["root"])
        for u in [district] + [
            factories.unit(f"部门{d}-{k}", district) for k in range(departments)
        ]:
            for n in range(people_per_unit):
                user = factories.learner(f"p{u.pk}-{n}", u)
                factories.enrol(prog, user, completed=factories.at(10) if n % 2 else None)
                StudyCredit.objects.create(user=user, item=lesson, day=factories.on(9), seconds=600)
                factories.attempt(user, exam, score=str(50 + n), finished=factories.at(12))


def test_report_queries_do_not_grow_with_the_tree(world, django_assert_max_num_queries):
    """The report costs the same few queries for 4 units or 40 units with 120 more people."""
    scope = ReportScope(world["programme"], world["root"], AS_OF)
    with CaptureQueriesContext(connection) as small:
        reports.unit_report(scope)
    # Units and the aggregate; on PostgreSQL also SET LOCAL jit and the savepoint around it.
    assert len(small) <= 5
    grow(world, districts=4, departments=8, people_per_unit=3)
    with django_assert_max_num_queries(len(small)):
        report = reports.unit_report(scope)
    assert len(report.rows) == 4 + 4 * 9 and report.summary.enrolled == 6 + 4 * 9 * 3


def test_page_and_export_queries_do_not_grow_with_the_tree(
    client, world, django_assert_max_num_queries
):
    """The report page and its Excel export are constant in queries as well."""
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    base = reverse("learning:report_unit", args=(world["programme"].pk,))
    query = {"unit": world["root"].pk, "as_of": "2026-03-20"}
    export = reverse("learning:report_export", args=(world["programme"].pk,))
    client.get(base, query)
    with CaptureQueriesContext(connection) as page_small:
        client.get(base, query)
    with CaptureQueriesContext(connection) as export_small:
        client.get(export, query)
    grow(world, districts=3, departments=6, people_per_unit=4)
    with django_assert_max_num_queries(len(page_small)):
        assert client.get(base, query).status_code == 200
    with django_assert_max_num_queries(len(export_small)):
        assert client.get(export, query).status_code == 200


# Scoping --------------------------------------------------------------------------------------


@pytest.fixture
def area_admin(client, world):
    """甲区's unit administrator, logged in."""
    user = UserFactory(username="jiaqu-admin")
    factories.unit_admin(user, world["A"])
    client.force_login(user)
    return user


def urls(world, unit_key: str) -> dict[str, str]:
    pk = world["programme"].pk
    query = f"?unit={world[unit_key].pk}&as_of=2026-03-20"
    return {
        "page": reverse("learning:report_unit", args=(pk,)) + query,
        "export": reverse("learning:report_export", args=(pk,)) + query,
        "chart": reverse("learning:report_chart", args=(pk,)) + query,
    }


@pytest.mark.parametrize("kind", ["page", "export", "chart"])
def test_unit_admin_sees_their_own_subtree(client, world, area_admin, kind):
    """甲区's administrator opens 甲区 and 甲区组织部 as page, export and JSON."""
    for key in ("A", "A1"):
        assert client.get(urls(world, key)[kind]).status_code == 200


@pytest.mark.parametrize("kind", ["page", "export", "chart"])
def test_unit_admin_gets_404_outside_their_subtree(client, world, area_admin, kind):
    """The city above and 乙区 beside are 404 for page, export and JSON alike."""
    for key in ("root", "B"):
        assert client.get(urls(world, key)[kind]).status_code == 404


@pytest.mark.parametrize("kind", ["page", "export", "chart"])
def test_people_who_administer_nothing_get_403(client, world, kind):
    """A learner (even a staff member) without administrator rights is refused."""
    client.force_login(UserFactory(is_staff=True))
    assert client.get(urls(world, "A")[kind]).status_code == 403
    assert client.get(reverse("learning:reports")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    """Reports need a login."""
    response = client.get(urls(world, "A")["page"])
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_unknown_or_malformed_units_are_404(client, world, area_admin):
    """A unit id that does not exist or is not a number is 404, not an error."""
    base = reverse("learning:report_unit", args=(world["programme"].pk,))
    assert client.get(base, {"unit": "999999"}).status_code == 404
    assert client.get(base, {"unit": "abc"}).status_code == 404


def test_without_a_unit_the_report_opens_the_administered_unit(client, world, area_admin):
    """The default unit of a unit administrator is the unit they administer."""
    response = client.get(reverse("learning:report_unit", args=(world["programme"].pk,)))
    assert response.context["scope"].unit == world["A"]


def test_platform_admin_group_sees_the_whole_tree(client, world):
    """A member of 平台管理员 opens the city report."""
    client.force_login(factories.platform_admin(UserFactory()))
    assert client.get(urls(world, "root")["page"]).status_code == 200


def test_index_lists_programmes_with_the_administered_units(client, world, area_admin):
    """The reports index links each programme to the administrator's own unit."""
    html = client.get(reverse("learning:reports")).content.decode()
    assert world["programme"].title in html and "甲区" in html
    assert f'unit={world["root"].pk}"' not in html


# Page, JSON and Excel -------------------------------------------------------------------------


def test_page_shows_figures_chart_and_unfinished_people(client, world, area_admin):
    """甲区's page: summary, the chart bar of 甲区组织部, the table and the name list."""
    response = client.get(urls(world, "A")["page"])
    html = response.content.decode()
    assert "60.0%" in html and "20.0%" in html and "1.2" in html  # 甲区 rolled up
    assert 'data-width="33.3"' in html  # 甲区组织部: 1 of 3 completed
    assert "未完成人员" in html and "学员a2" in html and "学员b2" in html
    assert "学员a1" not in html.split('id="people-title"')[1]  # completed
    assert "学员c1" not in html  # 乙区 is not theirs
    assert response.context["page"].paginator.count == 4


def test_own_figures_toggle(client, world, area_admin):
    """ "仅本单位" shows 甲区's own two people instead of the five of its subtree."""
    response = client.get(urls(world, "A")["page"] + "&figures=own")
    rows = response.context["rows"]
    assert [shown.enrolled for _, shown in rows] == [2, 3]


def test_invalid_date_falls_back_to_today_with_a_message(client, world, area_admin):
    """A malformed date is reported on the form and the report uses today."""
    response = client.get(urls(world, "A")["page"].replace("2026-03-20", "2026-13-45"))
    assert response.status_code == 200 and response.context["form"].errors["as_of"]


def test_chart_json(client, world, area_admin):
    """The JSON holds one bar per sub-unit with its completion rate."""
    data = json.loads(client.get(urls(world, "A")["chart"]).content)
    assert data["unit"]["code"] == "A" and data["as_of"] == "2026-03-20"
    assert data["bars"] == [
        {
            "unit_id": world["A1"].pk, "name": "甲区组织部", "code": "A1",
            "enrolled": 3, "completed": 1, "completion_rate": 33.3,
        }
    ]  # fmt: skip


def test_excel_export_has_figures_and_the_name_list(client, world):
    """ "统计" has a row per unit (indented, rolled up); "名单" lists who has not finished."""
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(urls(world, "root")["export"])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["统计", "名单"]
    sheet = book["统计"]
    header = [cell.value for cell in sheet[3]]
    assert header[:3] == ["单位", "单位编码", "报名人数"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    city, area_a = rows["C"], rows["A"]
    assert city[2] == 6 and city[header.index("完成率")] == pytest.approx(1 / 6)
    assert area_a[header.index("参学率")] == pytest.approx(0.6)
    assert area_a[header.index("人均学时")] == pytest.approx(1.2)
    assert sheet.cell(row=7, column=1).alignment.indent == 2  # 甲区组织部, two levels down
    assert book["名单"]["A1"].value == "未完成人员"  # the name list the page showed
    names = list(book["名单"].iter_rows(min_row=3, values_only=True))
    assert [row[2] for row in names] == ["c1", "b1", "b2", "a2", "a3"]
    assert names[1][6] == pytest.approx(1.5)


def test_reports_ignore_people_without_a_profile(world):
    """An enrolled user without a learner profile has no unit and is left out."""
    user = UserFactory()
    Enrollment.objects.create(programme=world["programme"], user=user, enrolled_at=factories.at(2))
    assert not LearnerProfile.objects.filter(user=user).exists()
    assert report_for(world).summary.enrolled == 6


def test_export_filename_names_programme_unit_and_day(client, world, area_admin):
    """The download is named after the programme, the unit and the day."""
    disposition = client.get(urls(world, "A")["export"])["Content-Disposition"]
    assert "attachment" in disposition and "20260320" in disposition


def test_as_of_end_is_midnight_in_shanghai(world):
    """The day ends at 24:00 Asia/Shanghai (16:00 UTC)."""
    scope = ReportScope(world["programme"], world["root"], datetime.date(2026, 3, 20))
    assert scope.end.astimezone(datetime.UTC) == datetime.datetime(
        2026, 3, 20, 16, 0, tzinfo=datetime.UTC
    )


# What a unit administrator sends upward ---------------------------------------------------------


def roster_names(client, world, kind: str, unit_key: str = "root") -> list[str]:
    response = client.get(urls(world, unit_key)["page"] + f"&roster={kind}")
    return [line.enrollment.user.username for line in response.context["people"]]


def test_rosters_list_everyone_the_absent_the_failed_and_the_pending(client, world):
    """逐人成绩单 lists everyone counted; 未参考 those without a finished exam (an attempt in
    progress or before the programme does not count); 不合格 the marked below the pass mark;
    待阅卷 those waiting, who are in neither of the other two."""
    failing = factories.learner("d1", world["B"])
    factories.enrol(world["programme"], failing)
    factories.attempt(failing, world["exam"], score="30", finished=factories.at(15))
    client.force_login(UserFactory(is_superuser=True))
    assert roster_names(client, world, "all") == ["c1", "d1", "b1", "b2", "a1", "a2", "a3"]
    assert roster_names(client, world, "absent") == ["b1", "b2", "a3"]
    assert roster_names(client, world, "failed") == ["d1"]
    assert roster_names(client, world, "pending") == ["c1"]


def test_the_roster_shows_hours_regulation_hours_state_and_score(client, world, area_admin):
    """Each line of the full roster has the person's 学时, 法规纪律学时, exam state and score."""
    lesson = world["programme"].items.get(kind="lesson", nominal_minutes=90)
    lesson.is_regulation = True
    lesson.save()
    response = client.get(urls(world, "A")["page"] + "&roster=all")
    lines = {line.enrollment.user.username: line for line in response.context["people"]}
    figures = {name: line.figures for name, line in lines.items()}
    assert lines["a1"].completed and not lines["a2"].completed
    assert figures["a1"].hours == Decimal(4) and figures["a1"].regulation_hours == Decimal(1)
    assert (figures["a1"].exam_status, figures["a1"].percent) == ("合格", Decimal(80))
    assert figures["b1"].regulation_hours == Decimal("0.5")  # 1,350 s running on the lesson
    html = response.content.decode()
    assert "逐人成绩单" in html and "法规纪律" in html


def test_the_export_follows_every_option_of_the_page(client, world, area_admin):
    """仅本单位 and the chosen name list reach the Excel file as they reached the page."""
    response = client.get(urls(world, "A")["export"] + "&figures=own&roster=absent")
    book = load_workbook(BytesIO(response.content))
    summary = {row[1]: row for row in book["统计"].iter_rows(min_row=4, values_only=True)}
    assert summary["A"][2] == 2  # 甲区's own two people, not the five of its subtree
    assert book["名单"]["A1"].value == "未参考人员"
    names = [row[2] for row in book["名单"].iter_rows(min_row=3, values_only=True)]
    assert names == ["b1", "b2", "a3"]


def test_a_future_day_is_refused_with_a_message(client, world, area_admin):
    """统计截至 tomorrow is refused on the form, and the figures are today's."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.get(urls(world, "A")["page"].replace("2026-03-20", tomorrow.isoformat()))
    assert "不能晚于今天" in response.context["form"].errors["as_of"][0]
    assert response.context["scope"].as_of == timezone.localdate()


def test_a_unit_outside_the_scope_gets_a_message(client, world, area_admin):
    """乙区 is not 甲区's administrator's: the page says so (status 404), it is no bare 404."""
    response = client.get(urls(world, "B")["page"])
    assert response.status_code == 404
    assert "不在您的管理范围" in response.content.decode()


def test_the_chart_is_sorted_by_completion(client, world):
    """The bars run from the highest completion rate down, not in tree order."""
    client.force_login(UserFactory(is_superuser=True))
    chart = client.get(urls(world, "root")["page"]).context["chart"]
    assert [row.unit.code for row, _ in chart] == ["A", "B"]  # 20 % before 0 %


def test_the_page_prints(client, world, area_admin):
    """The page offers printing and carries a print layout."""
    html = client.get(urls(world, "A")["page"]).content.decode()
    assert "data-print" in html and "report.js" in html


# Resetting a password --------------------------------------------------------------------------


def reset(client, person, **data):
    return client.post(reverse("learning:report_reset_password", args=(person.pk,)), data)


def test_a_unit_admin_resets_a_password_in_scope(client, world, area_admin):
    """A person of 甲区组织部 gets a new initial password, shown once, to be changed at the next
    log-in; the audit log records who reset whose."""
    person = world["people"]["a2"]
    response = reset(client, person, next="https://elsewhere.example/")
    password = response.context["password"]
    person.refresh_from_db()
    assert person.check_password(password) and person.profile.must_change_password
    assert response["Cache-Control"] == "no-store"
    assert response.context["back"] == reverse("learning:reports")  # never off the site
    entry = ModelLogEntry.objects.get(action="learning.reset_password")
    assert (entry.object_id, entry.user_id) == (str(person.pk), area_admin.pk)


def test_a_password_outside_the_scope_is_not_reset(client, world, area_admin):
    """乙区's person is out of reach: a message, no change, no log."""
    person = world["people"]["c1"]
    before = person.password
    response = reset(client, person)
    person.refresh_from_db()
    assert response.status_code == 404 and "不在您管理的单位" in response.content.decode()
    assert person.password == before and not ModelLogEntry.objects.exists()


def test_a_reset_needs_a_post_and_an_administrator(client, world):
    """A GET is refused; a learner cannot reset anyone."""
    person = world["people"]["a2"]
    url = reverse("learning:report_reset_password", args=(person.pk,))
    client.force_login(world["people"]["a1"])
    assert client.post(url).status_code == 403
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(url).status_code == 405
