"""The site's own pages satisfy their Content-Security-Policy in Chromium: no inline script or
style, nothing from elsewhere. Any violation (a console report or a securitypolicyviolation
event) fails the test."""

import re

import pytest
from django.utils import timezone

from content.models import RegulationPage
from learning.models import LearnerProfile, Rank
from tests.factories import PASSWORD, UserFactory, staff_with
from tests.learning import factories

pytestmark = pytest.mark.django_db(transaction=True)

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


class Watch:
    """A page whose CSP reports are collected: the console's, and the events of each document."""

    def __init__(self, page, base_url: str) -> None:
        self.page, self.base_url = page, base_url
        self.reports: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.reports.append(f"{self.page.url}: {message.text}")

    def check(self) -> None:
        """Fails on any violation of the page now shown (or reported by the console so far)."""
        self.page.wait_for_load_state("load")
        events = self.page.evaluate("window.__cspViolations || []")
        assert events == [] and self.reports == [], (self.page.url, events, self.reports)

    def visit(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response.ok, (path, response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, path  # the page is really under the policy
        self.check()

    def log_in(self, username: str) -> None:
        self.visit("/accounts/login/")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(PASSWORD)
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_url(self.base_url + "/")
        self.check()


@pytest.fixture
def learner_with_lesson(committed_demo):
    """A cadre on the demo site, enrolled in a programme with a lesson; (user, lesson item)."""
    user = UserFactory(username="cadre", first_name="李县长")
    LearnerProfile.objects.create(user=user, unit=factories.unit("常州市"), rank=Rank.COUNTY)
    return factories.enrolled_lesson(user)


@pytest.fixture
def report_admin(committed_demo):
    """An administrator of 甲区, whose units have people in a programme this month."""
    units = factories.area_units()
    prog = factories.programme(
        title="选人用人监督专题培训", starts_on=timezone.localdate().replace(day=1)
    )
    lesson = factories.lesson(prog, 45)
    for name, unit_ in (("done", units["A1"]), ("busy", units["A"])):
        person = factories.learner(name, unit_, name=f"学员{name}")
        factories.enrol(prog, person)
        factories.credit(person, lesson, 1800, timezone.localdate())
    admin = UserFactory(username="jiaqu", first_name="甲区管理员")
    factories.unit_admin(admin, units["A"])
    return prog


def test_a_learners_pages_raise_no_violation(learner_with_lesson, live_server, page):
    """Home, a regulation, search, dashboard, a lesson, an attempt, its result, the history and
    practice all run under the policy without a single violation."""
    _, lesson = learner_with_lesson
    watch = Watch(page, live_server.url)
    watch.log_in("cadre")
    regulation = RegulationPage.objects.live().first()
    for path in ("/", regulation.url, "/search/?q=选拔任用", "/learning/"):
        watch.visit(path)
    watch.visit(f"/learning/study/lessons/{lesson.pk}/")
    assert page.locator("[data-study=bar]").evaluate("el => el.style.width") != ""
    for path in (
        f"/learning/programmes/{lesson.programme.slug}/",
        "/learning/study/record/",
        "/learning/certificates/verify/",
        "/accounts/password/",
    ):
        watch.visit(path)
    page.goto(live_server.url + "/no-such-page/")  # the Chinese 404 page
    watch.check()

    watch.visit("/quizzes/")
    page.get_by_role("link", name="四项监督制度自我测试").click()
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/$"))
    question = page.locator(".question").first
    question.locator("label.option").first.click()
    question.locator(".save-status", has_text="已保存").wait_for()
    watch.check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#finish-form").get_by_role("button", name="交卷").click()
    page.wait_for_url(re.compile(r"/result/$"))
    watch.check()

    watch.visit("/quizzes/history/")
    assert page.locator(".bar-column .bar").first.evaluate("el => el.style.height") != ""
    watch.visit("/quizzes/practice/")
    watch.visit("/quizzes/practice/wrong-book/")
    watch.visit("/quizzes/practice/sequential/")
    page.locator("label.option").first.click()
    page.get_by_role("button", name="提交答案").click()
    page.locator("#feedback .verdict").wait_for()
    watch.check()


def test_a_unit_administrators_report_raises_no_violation(report_admin, live_server, page):
    """The report index and a unit's report, with its bars and indented units, keep the policy."""
    watch = Watch(page, live_server.url)
    watch.log_in("jiaqu")
    watch.visit("/learning/reports/")
    watch.visit(f"/learning/reports/{report_admin.pk}/")
    bar = page.locator(".bar-fill").first
    assert bar.evaluate("el => el.style.width") != ""
    indented = page.locator(".unit-name[data-level='1']").first
    assert indented.evaluate("el => getComputedStyle(el).getPropertyValue('--level')") == "1"


@pytest.fixture
def userbar_editor(committed_demo):
    """A staff member with Wagtail admin access (the site shows them Wagtail's user bar)."""
    user = staff_with()
    user.username = "bianji"
    user.save()
    return user


def test_an_editors_pages_with_the_user_bar_raise_no_violation(userbar_editor, live_server, page):
    """Wagtail's user bar on the site's pages keeps the policy too."""
    watch = Watch(page, live_server.url)
    watch.log_in("bianji")
    regulation = RegulationPage.objects.live().first()
    for path in ("/", regulation.url):
        watch.visit(path)
        page.locator("#wagtail-userbar-trigger").click()
        page.locator("#wagtail-userbar-items").wait_for()
        watch.check()
