"""What the learner sees of their own study: the lesson's time still needed and the programme's
hours on the lesson page, and the 学习档案 day by day."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.learning import factories

pytestmark = pytest.mark.django_db


def test_the_lesson_page_says_how_long_is_left_and_shows_the_programmes_hours(client):
    """30 minutes long, 12 studied: 还需 18 分钟, and the programme's 学时 bar."""
    user, item = factories.enrolled_lesson(nominal_minutes=30)
    factories.credit(user, item, 12 * 60, datetime.date.today())
    client.force_login(user)
    response = client.get(reverse("learning:lesson", args=[item.pk]))
    html = response.content.decode()
    assert "还需 18 分钟完成本课" in html and 'data-nominal-seconds="1800"' in html
    assert "本培训学时进度" in html and 'class="hours-bar"' in html


def test_the_study_record_lists_each_day_what_was_studied(client, city):
    """Two days of lessons and an offline session, newest day first, with minutes."""
    prog = factories.programme(title="岗前培训")
    lesson = factories.lesson(prog, 45, title="责任追究办法")
    lecture = factories.offline(prog, "2", title="纪律专题讲座")
    person = factories.learner("reader", city)
    factories.credit(person, lesson, 20 * 60, factories.on(3))
    factories.credit(person, lesson, 10 * 60, factories.on(5))
    factories.attend(person, lecture, factories.on(5))
    other = factories.learner("other", city)
    factories.credit(other, lesson, 30 * 60, factories.on(4))
    client.force_login(person)
    response = client.get(reverse("learning:study_record"))
    days = [
        (d.day, [(line.title, line.minutes) for line in d.lines]) for d in response.context["days"]
    ]
    assert days == [
        (factories.on(5), [("责任追究办法", 10), ("纪律专题讲座", None)]),
        (factories.on(3), [("责任追究办法", 20)]),
    ]
    assert response.context["total_minutes"] == 30 and "data-print" in response.content.decode()


def test_the_study_record_costs_the_same_queries_for_many_days(
    client, city, django_assert_max_num_queries
):
    """A fixed number of queries however long the record."""
    prog = factories.programme()
    lesson = factories.lesson(prog, 45)
    person = factories.learner("busy", city)
    factories.credit(person, lesson, 600, factories.on(1))
    client.force_login(person)
    url = reverse("learning:study_record")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(2, 28):
        factories.credit(person, factories.lesson(prog, 45), 600, factories.on(day))
    with django_assert_max_num_queries(len(few)):
        client.get(url)
