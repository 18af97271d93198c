"""Study credit stops the moment the lesson is no longer due, in the middle of a session."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.models import Enrollment
from learning.services import study
from learning.services.study import StudyError
from tests.learning import factories
from tests.learning.test_study import (  # noqa: F401  (study_settings applies here too)
    at,
    beat,
    credited,
    data_queries,
    study_settings,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def studying():
    """A learner 60 s into a lesson (two credited beats)."""
    user, item = factories.enrolled_lesson(nominal_minutes=30)
    for seconds in (0, 30, 60):
        beat(user, item, seconds)
    assert credited(user, item) == 60
    return user, item


def assert_stopped(user, item, message_part: str):
    with pytest.raises(StudyError) as refused:
        beat(user, item, 90)
    assert message_part in str(refused.value)
    assert credited(user, item) == 60  # the time earned while due is kept, nothing more
    with pytest.raises(StudyError):
        beat(user, item, 120)
    assert credited(user, item) == 60


def test_withdrawn_enrolment_stops_credit_at_the_next_beat(studying):
    """Removed from the programme mid-session: the next beat is refused and credits nothing."""
    user, item = studying
    Enrollment.objects.filter(user=user).update(withdrawn_at=at(70))
    assert_stopped(user, item, "没有报名")


def test_unpublished_programme_stops_credit(studying):
    """A programme taken down mid-session stops the running session's credit."""
    user, item = studying
    type(item.programme).objects.filter(pk=item.programme_id).update(is_published=False)
    assert_stopped(user, item, "找不到")


def test_unpublished_lesson_page_stops_credit(studying):
    """A lesson page unpublished mid-session stops the running session's credit."""
    user, item = studying
    item.page.unpublish()
    assert_stopped(user, item, "找不到")


def test_programme_ended_stops_credit(studying):
    """After the programme's last day the running session earns nothing more."""
    user, item = studying
    day_before = at(0).date() - datetime.timedelta(days=1)
    type(item.programme).objects.filter(pk=item.programme_id).update(ends_on=day_before)
    assert_stopped(user, item, "不计入学时")


def test_programme_not_started_refuses_the_first_beat(studying):
    """Before the programme's first day a lesson cannot start a session."""
    user, item = studying
    study.flush(user=user, now=at(61))
    next_week = at(0).date() + datetime.timedelta(days=7)
    type(item.programme).objects.filter(pk=item.programme_id).update(starts_on=next_week)
    with pytest.raises(StudyError, match="不计入学时"):
        beat(user, item, 400)
    assert credited(user, item) == 60


def test_the_due_check_keeps_an_ordinary_beat_at_two_queries(studying):
    """Checking that the lesson is still due costs no query of its own."""
    user, item = studying
    with CaptureQueriesContext(connection) as captured:
        beat(user, item, 90)
    assert len(data_queries(captured)) <= 2
