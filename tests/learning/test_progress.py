"""Progress: hours arithmetic, completion rules, audience enrolment and the learner dashboard."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning import progress, services
from learning.models import Enrollment, Programme, ProgrammeItem, Rank
from tests.factories import UserFactory
from tests.learning import factories

D = Decimal

# Pure arithmetic (no database) -----------------------------------------------------------------


def test_hours_from_seconds_uses_45_minute_hours():
    """2700 seconds are exactly one 学时 with 45-minute hours."""
    assert progress.hours_from_seconds(2700, minutes_per_hour=45) == D("1.0")
    assert progress.hours_from_seconds(5400, minutes_per_hour=45) == D("2.0")


def test_hours_round_down_to_a_tenth():
    """Hours are rounded down to 0.1, never up (2699 s is 0.9, not 1.0)."""
    assert progress.hours_from_seconds(2699, minutes_per_hour=45) == D("0.9")
    assert progress.hours_from_seconds(269, minutes_per_hour=45) == D("0.0")
    assert progress.hours_from_seconds(270, minutes_per_hour=45) == D("0.1")
    assert progress.hours_from_seconds(0) == D("0.0")


def test_hours_follow_the_setting(settings):
    """LEARNING_HOUR_MINUTES decides the length of one 学时."""
    settings.LEARNING_HOUR_MINUTES = 60
    assert progress.hours_from_seconds(2700) == D("0.7")
    settings.LEARNING_HOUR_MINUTES = 45
    assert progress.hours_from_seconds(2700) == D("1.0")


def test_lesson_seconds_are_capped_at_nominal_time():
    """A lesson never counts more than its nominal minutes."""
    assert progress.capped_seconds(10_000, 45) == 2700
    assert progress.capped_seconds(100, 45) == 100
    assert progress.capped_seconds(100, None) == 0


def test_lesson_done_when_nominal_time_reached():
    """A lesson is done exactly when its credit reaches the nominal time."""
    assert progress.lesson_done(2700, 45)
    assert not progress.lesson_done(2699, 45)
    assert not progress.lesson_done(5000, None)


def test_quiz_pass_mark_is_inclusive():
    """A score exactly at the pass mark passes; just below fails; no maximum never passes."""
    assert progress.quiz_passed(D("60"), D("100"), D("60"))
    assert not progress.quiz_passed(D("59.99"), D("100"), D("60"))
    assert progress.quiz_passed(D("12"), D("15"), D("80"))
    assert not progress.quiz_passed(D("0"), D("0"), D("0"))


def test_completion_rule():
    """Complete only with enough hours and every required item done."""
    assert progress.is_complete(hours=D("8"), required_hours=D("8"), required_items_done=True)
    assert not progress.is_complete(hours=D("7.9"), required_hours=D("8"), required_items_done=True)
    assert not progress.is_complete(hours=D("9"), required_hours=D("8"), required_items_done=False)


def test_percent_for_the_bar_is_clamped():
    """The progress bar is 0…100 % and full when nothing is required."""
    assert progress.percent_of(D("1"), D("4")) == 25
    assert progress.percent_of(D("9"), D("4")) == 100
    assert progress.percent_of(D("0"), D("0")) == 100


def test_build_progress_without_database():
    """build_progress combines capped lessons and offline hours from plain facts."""
    prog = Programme(required_hours=D("2"), ends_on=factories.TODAY)
    one = ProgrammeItem(pk=1, kind="lesson", nominal_minutes=45, required=True)
    two = ProgrammeItem(pk=2, kind="lesson", nominal_minutes=45, required=False)
    session = ProgrammeItem(pk=3, kind="offline", offline_hours=D("1"), required=True)
    facts = progress.LearnerFacts(
        seconds={1: 9000, 2: 1349},
        attendance={3: progress.Attendance(D("0.5"), factories.TODAY)},
    )
    result = progress.build_progress(prog, [one, two, session], facts)
    assert result.lesson_seconds == 2700 + 1349
    assert result.lesson_hours == D("1.4")
    assert result.hours == D("1.9")
    assert not result.complete
    assert result.next_item.item is two


# Progress from the database --------------------------------------------------------------------


def test_hours_count_pending_seconds_and_cap_each_lesson(city):
    """Credit plus unflushed ActiveStudy seconds count, each lesson capped at its time."""
    prog = factories.programme(required_hours=D("2"))
    first, second = factories.lesson(prog, minutes=45), factories.lesson(prog, minutes=45)
    user = factories.learner(unit_=city)
    enrollment = factories.enrol(prog, user)
    factories.credit(user, first, 2000)
    factories.credit(
        user, first, 2000, day=factories.TODAY - datetime.timedelta(days=1)
    )  # 4000 → capped 2700
    factories.credit(user, second, 1000)
    factories.pending(user, second, 700)  # 1700 s
    result = progress.enrollment_progress(enrollment)
    assert [s.seconds for s in result.items] == [2700, 1700]
    assert result.hours == D("1.6")  # 4400 s / 2700 = 1.629… → 1.6
    assert [s.done for s in result.items] == [True, False]
    assert not result.complete


def test_short_hours_block_completion(city):
    """Every required item done but too few hours: not complete."""
    prog = factories.programme(required_hours=D("3"))
    item = factories.lesson(prog, minutes=45)
    user = factories.learner(unit_=city)
    enrollment = factories.enrol(prog, user)
    factories.credit(user, item, 2700)
    result = progress.enrollment_progress(enrollment)
    assert result.items[0].done and result.hours == D("1.0")
    assert not result.complete
    assert result.next_item is None  # nothing left to do; the dashboard says hours are short


def test_missing_required_item_blocks_completion(city):
    """Enough hours but a required offline session not attended: not complete."""
    prog = factories.programme(required_hours=D("1"))
    lesson = factories.lesson(prog, minutes=90)
    session = factories.offline(prog, hours="1", required=True)
    user = factories.learner(unit_=city)
    enrollment = factories.enrol(prog, user)
    factories.credit(user, lesson, 5400)
    result = progress.enrollment_progress(enrollment)
    assert result.hours == D("2.0")
    assert not result.complete
    assert result.next_item.item == session
    factories.attend(user, session)
    assert progress.enrollment_progress(enrollment).complete


def test_required_quiz_must_be_passed(city):
    """A failed or unmarked attempt does not pass a required quiz; the item's mark wins."""
    quiz = factories.exam(pass_percent=D("60"))
    prog = factories.programme(required_hours=D("1"))
    lesson = factories.lesson(prog, minutes=45)
    factories.quiz_item(prog, quiz, pass_percent=80)
    user = factories.learner(unit_=city)
    enrollment = factories.enrol(prog, user)
    factories.credit(user, lesson, 2700)
    factories.attempt(user, quiz, score="70")  # passes the quiz's 60 %, not the item's 80 %
    factories.attempt(user, quiz, score="95", pending_marking=True)  # essays not marked yet
    result = progress.enrollment_progress(enrollment)
    assert result.quizzes[0].state == "待阅卷"
    assert not result.complete
    assert result.required_quizzes_passed == 0
    factories.attempt(user, quiz, score="80")
    result = progress.enrollment_progress(enrollment)
    assert result.complete and result.required_quizzes_passed == 1


def test_quiz_without_override_uses_quiz_pass_mark(city):
    """With no item pass mark, the quiz's own pass mark decides."""
    quiz = factories.exam(pass_percent=D("60"))
    prog = factories.programme(required_hours=D("0"))
    factories.quiz_item(prog, quiz)
    user = factories.learner(unit_=city)
    enrollment = factories.enrol(prog, user)
    factories.attempt(user, quiz, score="6", max_score="10")
    assert progress.enrollment_progress(enrollment).complete


def test_optional_items_do_not_block_but_add_hours(city):
    """Optional items left undone do not block completion; done ones add hours."""
    prog = factories.programme(required_hours=D("2"))
    required = factories.lesson(prog, minutes=45)
    optional = factories.lesson(prog, minutes=45, required=False)
    factories.offline(prog, hours="3", required=False)  # never attended
    user = factories.learner(unit_=city)
    enrollment = factories.enrol(prog, user)
    factories.credit(user, required, 2700)
    result = progress.enrollment_progress(enrollment)
    assert not result.complete and result.next_item.item == optional
    factories.credit(user, optional, 2700)
    result = progress.enrollment_progress(enrollment)
    assert result.complete and result.items_done == 2


def test_offline_hours_add_to_lesson_hours(city):
    """Attended offline hours are added as recorded."""
    prog = factories.programme(required_hours=D("2.5"))
    lesson = factories.lesson(prog, minutes=45)
    session = factories.offline(prog, hours="2")
    user = factories.learner(unit_=city)
    enrollment = factories.enrol(prog, user)
    factories.credit(user, lesson, 2700)
    factories.attend(user, session, hours="1.5")
    result = progress.enrollment_progress(enrollment)
    assert result.offline_hours == D("1.5") and result.hours == D("2.5")
    assert result.complete


def test_programme_progress_for_many_learners_in_constant_queries(
    city, django_assert_max_num_queries
):
    """Admin progress of a whole programme does not query per learner."""
    prog = factories.programme()
    factories.lesson(prog)
    factories.offline(prog)
    factories.quiz_item(prog, factories.exam())
    for _ in range(8):
        factories.finished_learner(prog, unit_=city)
    with django_assert_max_num_queries(6):
        result = progress.programme_progress(prog)
    assert len(result) == 8 and all(p.complete for p in result.values())


# Audience enrolment ----------------------------------------------------------------------------


def test_matches_audience_rules():
    """Empty ranks or units mean no restriction; units include subunits by path."""
    match = services.matches_audience
    assert match(ranks=[], unit_paths=[], rank="other", unit_path="0001")
    assert match(ranks=["county"], unit_paths=["0001"], rank="county", unit_path="00010002")
    assert not match(ranks=["county"], unit_paths=[], rank="township", unit_path="0001")
    assert not match(ranks=[], unit_paths=["00010002"], rank="county", unit_path="00010003")


def test_enrol_audience_includes_subunits_and_ranks(district_tree):
    """Learners of the chosen ranks in the unit or below it are enrolled, nobody else."""
    in_town = factories.learner("town_county", unit_=district_tree["town"], rank=Rank.COUNTY)
    in_district = factories.learner(
        "district_county", unit_=district_tree["district"], rank=Rank.COUNTY
    )
    factories.learner("district_township", unit_=district_tree["district"], rank=Rank.TOWNSHIP)
    factories.learner("other_county", unit_=district_tree["other"], rank=Rank.COUNTY)
    factories.learner("city_county", unit_=district_tree["city"], rank=Rank.COUNTY)
    inactive = factories.learner("gone", unit_=district_tree["town"], rank=Rank.COUNTY)
    inactive.is_active = False
    inactive.save()
    prog = factories.programme(units=[district_tree["district"]], ranks=[Rank.COUNTY])
    assert services.enrol_audience(programme=prog, now=factories.NOW) == 2
    enrolled = set(prog.enrollments.values_list("user_id", flat=True))
    assert enrolled == {in_town.pk, in_district.pk}
    assert set(prog.enrollments.values_list("source", flat=True)) == {Enrollment.Source.AUTO}


def test_enrol_audience_is_idempotent_and_bulk(district_tree, django_assert_max_num_queries):
    """A second run adds nobody; a run costs the same few queries for 1 or 30 people."""
    for n in range(30):
        factories.learner(f"p{n}", unit_=district_tree["town"], rank=Rank.TOWNSHIP)
    prog = factories.programme(units=[district_tree["city"]])
    with django_assert_max_num_queries(5):  # four, and one audit entry
        assert services.enrol_audience(programme=prog, now=factories.NOW) == 30
    assert services.enrol_audience(programme=prog, now=factories.NOW) == 0
    assert prog.enrollments.count() == 30


def test_empty_audience_means_everyone_with_a_profile(district_tree):
    """No ranks and no units: every learner with a profile is enrolled."""
    factories.learner("a", unit_=district_tree["town"], rank=Rank.OTHER)
    factories.learner("b", unit_=district_tree["other"], rank=Rank.ORG_STAFF)
    UserFactory(username="no_profile", password="!")
    prog = factories.programme()
    assert services.enrol_audience(programme=prog, now=factories.NOW) == 2


def test_manual_enrol_is_idempotent(district_tree):
    """enrol() returns the existing enrolment the second time."""
    user = factories.learner(unit_=district_tree["town"])
    prog = factories.programme()
    first = services.enrol(programme=prog, user=user, now=factories.NOW)
    again = services.enrol(programme=prog, user=user, now=factories.NOW, source="auto")
    assert first.pk == again.pk and again.source == Enrollment.Source.MANUAL


def test_user_is_enrolled_on_opening_the_dashboard(district_tree, client):
    """Opening the dashboard enrols the learner in open, published audience programmes."""
    user = factories.learner(unit_=district_tree["town"], rank=Rank.TOWNSHIP)
    matching = factories.programme(units=[district_tree["district"]], title="乡科级专题班")
    factories.programme(units=[district_tree["other"]])  # other unit
    factories.programme(ranks=[Rank.COUNTY])  # other rank
    factories.programme(is_published=False)  # not published
    factories.programme(auto_enrol=False)  # manual only
    ended = factories.REAL_TODAY - datetime.timedelta(days=1)
    factories.programme(starts_on=ended - datetime.timedelta(days=30), ends_on=ended)
    client.force_login(user)
    response = client.get(reverse("learning:dashboard"))
    assert response.status_code == 200
    assert list(Enrollment.objects.filter(user=user).values_list("programme", flat=True)) == [
        matching.pk
    ]
    assert "乡科级专题班" in response.content.decode()


# Dashboard -------------------------------------------------------------------------------------


def _programmes_with_items(user, count: int, unit_):
    quiz = factories.exam()
    for _ in range(count):
        prog = factories.programme(auto_enrol=False)
        lesson = factories.lesson(prog)
        factories.lesson(prog, required=False)
        factories.quiz_item(prog, quiz)
        factories.offline(prog)
        factories.enrol(prog, user)
        factories.credit(user, lesson, 600)
    factories.attempt(user, quiz, score="50")


def _dashboard_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("learning:dashboard"))  # enrols, and the session notes the password check
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("learning:dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_programmes(db, client):
    """The dashboard runs as many queries for 5 programmes as for 1."""
    city = factories.unit("常州市")
    one, five = factories.learner("one", unit_=city), factories.learner("five", unit_=city)
    _programmes_with_items(one, 1, city)
    _programmes_with_items(five, 5, city)
    queries = _dashboard_queries(client, one)
    assert _dashboard_queries(client, five) == queries
    assert queries <= 17  # session, user, enrol check, 6 for progress, reviews due, site, menus


def test_dashboard_shows_progress_next_step_and_deadline(db, client):
    """Each programme shows hours, required/optional items, quizzes, next step and deadline."""
    city = factories.unit("常州市")
    user = factories.learner(unit_=city)
    quiz = factories.exam(title="结业考试")
    prog = factories.programme(title="干部监督专题班", required_hours=D("2"), auto_enrol=False)
    lesson = factories.lesson(prog, minutes=45, title="第一讲")
    factories.lesson(prog, minutes=45, title="拓展阅读", required=False)
    factories.quiz_item(prog, quiz)
    factories.enrol(prog, user)
    factories.credit(user, lesson, 2700)
    client.force_login(user)
    html = client.get(reverse("learning:dashboard")).content.decode()
    assert "干部监督专题班" in html
    assert "1.0</span> / 2.0 学时" in html
    assert "必修" in html and "选修" in html
    assert "测试通过" in html
    assert reverse("quizzes:detail", args=[quiz.slug]) in html  # next: the required quiz
    assert "还剩 30 天" in html


def test_dashboard_links_lessons_only_when_lesson_page_exists(db, client):
    """Lesson links use learning:lesson; without that URL the dashboard still renders."""
    from learning.views import programmes as views

    city = factories.unit("常州市")
    item = factories.lesson(factories.programme(), title="第一讲")
    try:
        expected = reverse("learning:lesson", args=[item.pk])
    except Exception:
        expected = None
    assert views.item_url(item) == expected
    user = factories.learner(unit_=city)
    client.force_login(user)
    assert client.get(reverse("learning:dashboard")).status_code == 200


def test_dashboard_completes_and_offers_certificate(db, client):
    """A learner who has done everything gets completed and sees the certificate link."""
    city = factories.unit("常州市")
    prog = factories.programme(auto_enrol=False, required_hours=D("1"))
    factories.lesson(prog, minutes=45)
    user = factories.finished_learner(prog, unit_=city)
    client.force_login(user)
    html = client.get(reverse("learning:dashboard")).content.decode()
    enrollment = Enrollment.objects.get(user=user)
    assert enrollment.completed_at is not None
    number = enrollment.certificate.number
    assert reverse("learning:certificate_pdf", args=[number]) in html
    assert "已结业" in html


def test_dashboard_requires_login(client, db):
    """Anonymous visitors are sent to the login page."""
    response = client.get(reverse("learning:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_programme_detail_only_for_enrolled(db, client):
    """The detail page lists items for an enrolled learner; others get 404."""
    city = factories.unit("常州市")
    prog = factories.programme(title="纪律教育专题班", auto_enrol=False)
    factories.offline(prog, title="现场教学")
    enrolled, stranger = factories.learner(unit_=city), factories.learner(unit_=city)
    factories.enrol(prog, enrolled)
    client.force_login(enrolled)
    response = client.get(reverse("learning:programme", args=[prog.slug]))
    assert response.status_code == 200
    assert "现场教学" in response.content.decode()
    client.force_login(stranger)
    assert client.get(reverse("learning:programme", args=[prog.slug])).status_code == 404
