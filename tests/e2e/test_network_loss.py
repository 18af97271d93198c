"""The network lost mid-exam in Chromium: the page keeps the unsent answers and says so, sends
them in order when the network returns, nothing is lost and the countdown stays right."""

import json
import re
import time

import pytest
from django.utils import timezone

from quizzes.models import Attempt, AttemptQuestion, Quiz
from tests.e2e.test_exam_day import (
    countdown_seconds,
    log_in,
    open_exam,  # noqa: F401  (the exam these tests sit)
    start,
)

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, position: int, option: int):
    page.locator(f"#q{position} .option").nth(option).click()


def stored(attempt) -> dict[int, object]:
    rows = AttemptQuestion.objects.filter(attempt=attempt)
    return {row.position: row.response for row in rows}


def server_remaining(attempt) -> float:
    return (attempt.deadline - timezone.now()).total_seconds()


def sitting(browser, live_server, *, width: int):
    """The candidate in the exam, questions and options in their stored order."""
    Quiz.objects.update(shuffle_questions=False, shuffle_options=False)
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "candidate")
    start(page, live_server.url)
    return context, page


@pytest.mark.usefixtures("open_exam")
def test_answers_given_offline_are_kept_shown_and_sent_in_order(live_server, browser):
    """Answers given offline are stored once the network is back, sent in the order of each
    question's last change."""
    context, page = sitting(browser, live_server, width=1280)
    attempt = Attempt.objects.get()
    choose(page, 1, 0)
    page.locator("#q1 .save-status", has_text="已保存").wait_for()

    context.set_offline(True)
    for position, option in ((1, 1), (3, 2), (2, 1), (1, 3)):  # question 1 changed twice
        choose(page, position, option)
    banner = page.locator("#network-status")
    banner.wait_for(state="visible")
    assert "3 道题的答案尚未发送" in banner.inner_text()
    page.locator("#q2 .save-status", has_text="未发送").wait_for()
    page.wait_for_timeout(5000)  # the network stays away a while; the page keeps counting
    assert stored(attempt)[1] == 0 and stored(attempt)[2] is None and stored(attempt)[3] is None
    assert abs(countdown_seconds(page) - server_remaining(attempt)) <= 3

    sent = []
    page.on(
        "request",
        lambda r: (
            sent.append(json.loads(r.post_data)["position"]) if r.url.endswith("/save/") else None
        ),
    )
    context.set_offline(False)
    back = time.monotonic()
    banner.wait_for(state="hidden")
    for position in (1, 2, 3):
        page.locator(f"#q{position} .save-status", has_text="已保存").wait_for()
    assert time.monotonic() - back < 3  # sent as the network returns, not at the next retry
    assert sent == [3, 2, 1]  # in the order of the last change of each question
    assert {p: stored(attempt)[p] for p in (1, 2, 3)} == {1: 3, 2: 1, 3: 2}
    assert abs(countdown_seconds(page) - server_remaining(attempt)) <= 3
    context.close()


@pytest.mark.usefixtures("open_exam")
def test_handing_in_offline_waits_for_the_network(live_server, browser):
    """交卷 pressed offline hands in once the network returns, with the answer given offline."""
    context, page = sitting(browser, live_server, width=390)
    context.set_offline(True)
    choose(page, 1, 2)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").first.click()
    page.locator("#time-warning", has_text="网络恢复后自动交卷").wait_for()
    assert Attempt.objects.get().finished_at is None
    context.set_offline(False)
    page.wait_for_url(re.compile(r"/result/$"))
    attempt = Attempt.objects.get()
    assert attempt.finished_at is not None and stored(attempt)[1] == 2
    context.close()
