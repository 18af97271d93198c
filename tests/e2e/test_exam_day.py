"""An exam in Chromium: the countdown stays in view wherever the candidate scrolls, a close time
moved by the administrator reaches the candidate's countdown without a reload, and someone
outside the audience cannot start."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from content.services import ensure_site_tree
from learning.models import QuizAudience, Rank
from tests.factories import UserFactory
from tests.learning import factories as learning_factories
from tests.quizzes import factories

PASSWORD = "correct-horse-42"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_exam(settings):
    """A 60-minute exam of 25 questions for 组工干部, open now; a candidate and an outsider."""
    settings.QUIZ_STATE_SYNC_SECONDS = 1
    ensure_site_tree()
    now = timezone.now()
    quiz = factories.fixed(
        factories.quiz(
            title="组工干部统一考试", slug="tongyi-kaoshi", mode="exam", time_limit_minutes=60,
            opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(hours=2),
            min_regulation_percent=Decimal(15),
        ),
        factories.bank(factories.category("法规纪律", regulation=True), count=25),
    )  # fmt: skip
    QuizAudience.objects.create(quiz=quiz, ranks=[Rank.ORG_STAFF])
    city = learning_factories.unit("常州市")
    candidate = learning_factories.learner("candidate", city, rank=Rank.ORG_STAFF)
    outsider = learning_factories.learner("outsider", city, rank=Rank.COUNTY)
    for person in (candidate, outsider):
        person.set_password(PASSWORD)
        person.save()
    admin = UserFactory(username="office", is_superuser=True, is_staff=True)
    admin.set_password(PASSWORD)
    admin.save()
    return quiz


def log_in(page, base_url, username):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + "/")


def start(page, base_url):
    page.goto(base_url + "/quizzes/tongyi-kaoshi/")
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/$"))


def countdown_seconds(page) -> int:
    minutes, seconds = page.locator("[data-countdown]").first.inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_countdown_stays_in_view_at_the_last_question(open_exam, live_server, browser, width):
    """Scrolled to question 13 or 25, on a desktop and on a phone, the countdown is on screen."""
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "candidate")
    start(page, live_server.url)
    countdown = page.locator(".answer-sheet .countdown")
    for question in ("#q13", "#q25"):
        page.locator(question).evaluate("q => q.scrollIntoView({block: 'start'})")
        box = countdown.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 800, question
    assert 59 * 60 <= countdown_seconds(page) <= 60 * 60
    context.close()


def test_a_close_moved_in_the_admin_reaches_the_countdown_without_reload(
    open_exam, live_server, browser, page
):
    """The office moves the close to ten minutes from now; within a sync interval the
    candidate's countdown shows about ten minutes, with no reload."""
    log_in(page, live_server.url, "candidate")
    start(page, live_server.url)
    assert countdown_seconds(page) > 50 * 60
    page.evaluate("window.__notReloaded = true")

    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    office.goto(live_server.url + "/admin/login/")
    office.fill("#id_username", "office")
    office.fill("#id_password", PASSWORD)
    office.click("button[type=submit]")
    office.goto(live_server.url + f"/admin/quizzes/edit/{open_exam.pk}/")
    new_close = timezone.localtime(timezone.now() + timedelta(minutes=10))
    office.fill("#id_closes_at", new_close.strftime("%Y-%m-%d %H:%M"))
    office.get_by_role("button", name="保存").first.click()
    office.wait_for_url(re.compile(r"/admin/quizzes/$"))

    page.wait_for_function(
        "() => { const [m, s] = document.querySelector('[data-countdown]').textContent.split(':');"
        " return Number(m) * 60 + Number(s) <= 600; }",
        timeout=10_000,
    )
    assert page.evaluate("window.__notReloaded") is True
    assert 8 * 60 <= countdown_seconds(page) <= 10 * 60


def test_someone_outside_the_audience_cannot_start(open_exam, live_server, page):
    """A 县处级 cadre does not find the exam in the list, and its page says why, with no start."""
    log_in(page, live_server.url, "outsider")
    page.goto(live_server.url + "/quizzes/")
    assert page.get_by_text("组工干部统一考试").count() == 0
    page.goto(live_server.url + "/quizzes/tongyi-kaoshi/")
    assert page.get_by_text("您不在参加范围内").is_visible()
    assert page.get_by_role("button", name="开始作答").count() == 0
