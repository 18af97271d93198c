import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Attempt
from tests.factories import PASSWORD, UserFactory

# The live server reads committed data: these tests commit, and the database is flushed after.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_cadre(committed_demo):
    """A cadre who may log in, on the demo site with its quizzes."""
    return UserFactory(username="cadre", first_name="李县长")


def log_in(page, base_url):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名").fill("cadre")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + "/")


def start_self_test(page, base_url):
    page.goto(base_url + "/quizzes/")
    page.get_by_role("link", name="四项监督制度自我测试").click()
    page.get_by_role("button", name="开始作答").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/$"))


def answer_first_option(page, index):
    question = page.locator(".question").nth(index)
    question.locator("label.option").first.click()
    question.locator(".save-status", has_text="已保存").wait_for()


def test_answers_survive_a_reload_and_time_running_out(demo_cadre, live_server, page):
    """A cadre answers, reloads and finds the answers kept; when time runs out the saved answers are graded."""
    log_in(page, live_server.url)
    start_self_test(page, live_server.url)
    for index in range(3):
        answer_first_option(page, index)
    page.reload()
    for index in range(3):
        assert page.locator(".question").nth(index).locator("input:checked").count() == 1
    assert page.locator(".sheet a.answered").count() == 3

    attempt = Attempt.objects.get(user=demo_cadre)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=6))
    page.reload()
    page.wait_for_url(re.compile(r"/result/$"), timeout=30_000)
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert attempt.paper.exclude(response=None).count() == 3
    assert page.locator(".review-item").count() == 25


def test_review_links_each_answer_to_its_article(demo_cadre, live_server, page):
    """After finishing, the review explains each question and links to the cited article's anchor."""
    log_in(page, live_server.url)
    start_self_test(page, live_server.url)
    answer_first_option(page, 0)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#finish-form").get_by_role("button", name="交卷").click()
    page.wait_for_url(re.compile(r"/result/$"))
    assert page.locator(".explanation").count() >= 20
    link = page.locator(".citation a[href*='#art-']").first
    link.click()
    page.wait_for_url(re.compile(r"#art-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    assert page.locator(f"#{anchor}").evaluate("el => el.matches(':target')")
