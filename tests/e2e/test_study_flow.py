import time

import pytest
from django.urls import reverse

from learning.models import ActiveStudy, LearnerProfile, Rank, Unit
from learning.services import study
from tests.factories import PASSWORD, UserFactory
from tests.learning import factories

# The live server reads committed data: these tests commit, and the database is flushed after.
pytestmark = pytest.mark.django_db(transaction=True)

SET_VISIBILITY = """state => {
  Object.defineProperty(document, "visibilityState", { value: state, configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}"""
CREDITED_AT_LEAST = """seconds =>
  Number(document.getElementById("study-panel").dataset.totalSeconds) >= seconds"""


@pytest.fixture
def fast_beats(settings):
    settings.STUDY_HEARTBEAT_SECONDS = 1
    settings.STUDY_HEARTBEAT_CAP_SECONDS = 2
    settings.STUDY_IDLE_SECONDS = 300
    settings.STUDY_PRESENCE_CHECK_MINUTES = 0


@pytest.fixture
def cadre():
    """A 组工干部 enrolled in a programme with a 30-minute lesson."""
    user = UserFactory(username="cadre", first_name="王组工")
    unit = Unit.add_root(name="市委组织部", code="zzb")
    LearnerProfile.objects.create(user=user, unit=unit, rank=Rank.ORG_STAFF)
    _, item = factories.enrolled_lesson(user, nominal_minutes=30, title="选人用人监督制度导读")
    return user, item


def log_in(page, base_url):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("用户名").fill("cadre")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + "/")


def test_credit_rises_while_visible_and_stops_while_hidden(cadre, fast_beats, live_server, page):
    """A cadre sees credited time rise on the open lesson; hidden, the server credits nothing."""
    user, item = cadre
    log_in(page, live_server.url)
    page.goto(live_server.url + reverse("learning:lesson", args=[item.pk]))
    panel = page.locator("#study-panel")
    assert "课程时长 30 分钟" in panel.inner_text()

    page.wait_for_function(CREDITED_AT_LEAST, arg=3, timeout=20_000)
    assert panel.locator("[data-study=state]").inner_text() == "学习中"
    assert "0 分 0" in panel.locator("[data-study=duration]").inner_text()
    assert study.credited_seconds(user, item) >= 3

    page.evaluate(SET_VISIBILITY, "hidden")
    assert panel.locator("[data-study=state]").inner_text() == "已暂停（页面不可见）"
    time.sleep(1)  # let the final beat land
    frozen = study.credited_seconds(user, item)
    last_beat = ActiveStudy.objects.get(user=user).last_beat_at
    time.sleep(4)
    assert study.credited_seconds(user, item) == frozen
    assert ActiveStudy.objects.get(user=user).last_beat_at == last_beat  # no beats while hidden

    page.evaluate(SET_VISIBILITY, "visible")
    page.wait_for_function(CREDITED_AT_LEAST, arg=frozen + 2, timeout=20_000)
    assert study.credited_seconds(user, item) >= frozen + 2
