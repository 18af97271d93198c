"""Practice in Chromium: a learner practises a chapter, gets one wrong, finds it in 今日复习 the
next day, answers it and sees it rescheduled; on a phone, searching from the header."""

import re
from datetime import timedelta

import pytest
from django.db.models import F

from content.services import ensure_site_tree
from quizzes.models import WrongAnswer
from tests.factories import UserFactory
from tests.quizzes import factories

PASSWORD = "correct-horse-42"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def practising():
    """A chapter of three single-choice questions (key B each) and a learner."""
    ensure_site_tree()
    chapter = factories.category("法规纪律")
    factories.bank(chapter, count=3)
    learner = UserFactory(username="practiser")
    learner.set_password(PASSWORD)
    learner.save()
    return chapter


def log_in(page, base_url):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名").fill("practiser")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + "/")


def answer(page, option: str):
    page.locator("label.option", has_text=option).click()
    page.get_by_role("button", name="提交答案").click()
    page.locator("#feedback .verdict").wait_for()


def test_a_wrong_answer_comes_back_in_todays_review_the_next_day(practising, live_server, page):
    """Wrong in chapter practice: the options lock, ✓ and ✗ show, a second press does nothing;
    a day later it is in 今日复习; answered right there, it is due again two days on."""
    log_in(page, live_server.url)
    page.goto(live_server.url + "/quizzes/practice/")
    page.get_by_role("link", name="法规纪律").first.click()
    answer(page, "6个学时")
    assert page.locator("#feedback .verdict").inner_text() == "回答错误"
    assert page.locator("label.option.is-wrong").inner_text().strip().startswith("✗")
    assert page.locator("label.option.is-right", has_text="8个学时").count() == 1
    assert page.locator("input[type=radio]:disabled").count() == 4
    assert page.get_by_role("button", name="提交答案").is_disabled()

    entry = WrongAnswer.objects.get()
    WrongAnswer.objects.update(  # a day passes
        last_wrong_at=F("last_wrong_at") - timedelta(days=1), due_at=F("due_at") - timedelta(days=1)
    )
    page.goto(live_server.url + "/quizzes/practice/")
    assert page.locator(".mode-card", has_text="今日复习").locator(".count").inner_text() == "1"
    page.get_by_role("link", name=re.compile("今日复习")).click()
    answer(page, "8个学时")
    assert page.locator("#feedback .verdict").inner_text() == "回答正确"
    entry.refresh_from_db()
    assert entry.right_occasions == 1 and entry.is_open
    page.goto(live_server.url + "/quizzes/practice/")
    assert page.locator(".mode-card", has_text="今日复习").locator(".count").inner_text() == "0"


def test_a_phone_user_searches_from_the_header(committed_demo, live_server, browser):
    """At 390 px the header holds a search box; searching there lists results."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    box = page.locator(".site-header .header-search input")
    assert box.is_visible()
    box.fill("离任检查")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert page.locator(".results .result").count() > 0
    assert page.locator(".results mark").count() > 0
    context.close()
