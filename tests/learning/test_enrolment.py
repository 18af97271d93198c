"""Enrolment and completion follow the facts (an import, a move, an exam, a mark, a lesson's
time), never a visit to the dashboard."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.models import Enrollment, LearnerProfile, Notice, Rank
from learning.reports import ReportScope, unit_report
from learning.services import people, people_import
from learning.services.study import StudyError, lesson_for
from quizzes import services as quiz_services
from quizzes.models import AttemptQuestion
from tests.learning import factories
from tests.quizzes import factories as quiz_factories

pytestmark = pytest.mark.django_db


def enrolled_ids(prog) -> set[int]:
    return set(prog.enrollments.filter(withdrawn_at=None).values_list("user_id", flat=True))


# Enrolment ---------------------------------------------------------------------------------------


def test_a_person_imported_after_the_programme_is_enrolled_without_logging_in(
    district_tree, django_capture_on_commit_callbacks
):
    """Someone imported after the programme was saved, who never logs in, is enrolled at once
    and counted in the report as enrolled and not started."""
    district = district_tree["district"]
    district.code = "330100"
    district.save()
    prog = factories.programme(ranks=[Rank.COUNTY])
    upload = factories.workbook(people=[factories.person_row(用户名="newcomer")])
    result = people_import.import_people(upload, now=timezone.now())
    assert result.ok, result.errors
    newcomer = LearnerProfile.objects.get(user__username="newcomer").user
    assert enrolled_ids(prog) == {newcomer.pk}
    report = unit_report(ReportScope(prog, district_tree["city"], timezone.localdate()))
    assert (report.summary.enrolled, report.summary.active) == (1, 0)


def test_a_person_created_joins_the_audiences_they_belong_to(
    district_tree, django_capture_on_commit_callbacks
):
    """Creating a person enrols them once their profile is saved (after the commit)."""
    county = factories.programme(ranks=[Rank.COUNTY], units=[district_tree["district"]])
    township = factories.programme(ranks=[Rank.TOWNSHIP])
    with django_capture_on_commit_callbacks(execute=True):
        user, _ = people.create_person(
            username="lisi", full_name="李四", unit=district_tree["town"], rank=Rank.COUNTY,
            now=timezone.now(),
        )  # fmt: skip
    assert enrolled_ids(county) == {user.pk} and enrolled_ids(township) == set()


def test_moving_away_withdraws_keeping_history_and_moving_back_reinstates(
    district_tree, django_capture_on_commit_callbacks
):
    """A move out of the audience withdraws the enrolment (credit kept); a move back restores it."""
    prog = factories.programme(units=[district_tree["district"]])
    lesson = factories.lesson(prog)
    person = factories.learner("wangwu", district_tree["town"])
    services.sync_programme(programme=prog, now=timezone.now())
    factories.credit(person, lesson, 600)
    profile = person.profile
    with django_capture_on_commit_callbacks(execute=True):
        profile.unit = district_tree["other"]
        profile.save()
    enrollment = Enrollment.objects.get(programme=prog, user=person)
    assert enrollment.withdrawn_at is not None and person.study_credits.count() == 1
    assert enrolled_ids(prog) == set()
    with django_capture_on_commit_callbacks(execute=True):
        profile.unit = district_tree["district"]
        profile.save()
    enrollment.refresh_from_db()
    assert enrollment.withdrawn_at is None


def test_changing_the_audience_enrols_and_withdraws_but_never_manual_or_completed(district_tree):
    """The audience moves from 武进区 to 新北区: automatic enrolments follow; someone enrolled by
    hand and someone who already completed stay."""
    prog = factories.programme(units=[district_tree["district"]])
    leaver = factories.learner("leaver", district_tree["district"])
    done = factories.learner("done", district_tree["district"])
    manual = factories.learner("manual", district_tree["district"])
    comer = factories.learner("comer", district_tree["other"])
    now = timezone.now()
    services.sync_programme(programme=prog, now=now)
    Enrollment.objects.filter(user=done).update(completed_at=now)
    Enrollment.objects.filter(user=manual).update(source=Enrollment.Source.MANUAL)
    prog.audience_units.set([district_tree["other"]])
    change = services.sync_programme(programme=prog, now=now)
    assert (change.added, change.withdrawn) == (1, 1)
    assert enrolled_ids(prog) == {done.pk, manual.pk, comer.pk}
    assert Enrollment.objects.get(user=leaver).withdrawn_at == now


def test_the_rebuild_command_is_idempotent(district_tree):
    """sync_enrolments brings every programme in line and changes nothing when run again."""
    prog = factories.programme(ranks=[Rank.COUNTY])
    person = factories.learner("cadre", district_tree["town"])
    call_command("sync_enrolments", stdout=None)
    assert enrolled_ids(prog) == {person.pk}
    before = list(Enrollment.objects.values_list("pk", "enrolled_at", "withdrawn_at"))
    call_command("sync_enrolments", stdout=None)
    assert list(Enrollment.objects.values_list("pk", "enrolled_at", "withdrawn_at")) == before


def test_a_withdrawn_learner_no_longer_studies_or_sees_the_programme(district_tree, client):
    """Withdrawn: the lesson refuses credit and the dashboard no longer lists the programme."""
    prog = factories.programme(units=[district_tree["district"]], title="武进区专题培训")
    lesson = factories.lesson(prog)
    person = factories.learner("moved", district_tree["town"])
    factories.enrol(prog, person)
    Enrollment.objects.filter(user=person).update(withdrawn_at=timezone.now())
    with pytest.raises(StudyError):
        lesson_for(person, lesson.pk)
    LearnerProfile.objects.filter(user=person).update(unit=district_tree["other"])
    client.force_login(person)
    assert "武进区专题培训" not in client.get(reverse("learning:dashboard")).content.decode()


# Completion --------------------------------------------------------------------------------------


def exam_with_essay():
    """A self-test of one essay worth 10 points, pass mark 60 %."""
    cat = quiz_factories.category("法规纪律/四项监督制度", regulation=True)
    quiz = quiz_factories.quiz(title="结业测试", time_limit_minutes=30)
    essay = quiz_factories.EssayQuestionFactory(category=cat, stem="简答：离任检查的意义？")
    return quiz_factories.fixed(quiz, [essay], points="10")


def test_finishing_an_exam_completes_the_programme_without_a_visit(
    city, django_capture_on_commit_callbacks
):
    """The exam was the last requirement: handing it in completes the programme and issues the
    certificate, and the learner is told on their dashboard."""
    quiz = quiz_factories.quiz(title="结业测试")
    quiz_factories.fixed(
        quiz, [quiz_factories.single(quiz_factories.category("业务知识"))], points="2"
    )
    prog = factories.programme()
    lesson = factories.lesson(prog, 60)
    factories.quiz_item(prog, quiz)
    person = factories.learner("examinee", city)
    factories.enrol(prog, person)
    factories.credit(person, lesson, 3600)
    now = timezone.now()
    attempt = quiz_services.start_attempt(quiz=quiz, user=person, now=now)
    shown = attempt.paper.get().option_order.index(1)  # the right option, as displayed
    quiz_services.save_answer(
        attempt_id=attempt.pk, user=person, position=1, response=shown, now=now
    )
    with django_capture_on_commit_callbacks(execute=True):
        quiz_services.finish_attempt(attempt_id=attempt.pk, user=person, now=now)
    enrollment = Enrollment.objects.get(user=person)
    assert enrollment.completed_at is not None and enrollment.certificate.number
    notice = Notice.objects.get(user=person)
    assert notice.kind == Notice.Kind.CERTIFICATE and enrollment.certificate.number in notice.text


def test_marking_the_last_essay_tells_the_learner_and_completes(
    city, django_capture_on_commit_callbacks
):
    """An attempt waiting for marking completes nothing; its mark does, and is announced."""
    quiz = exam_with_essay()
    prog = factories.programme(required_hours=Decimal(0))
    factories.quiz_item(prog, quiz)
    person = factories.learner("essayist", city)
    factories.enrol(prog, person)
    now = timezone.now()
    attempt = quiz_services.start_attempt(quiz=quiz, user=person, now=now)
    quiz_services.save_answer(
        attempt_id=attempt.pk, user=person, position=1, response="离任检查……", now=now
    )
    with django_capture_on_commit_callbacks(execute=True):
        quiz_services.finish_attempt(attempt_id=attempt.pk, user=person, now=now)
    assert Enrollment.objects.get(user=person).completed_at is None
    row = AttemptQuestion.objects.get(attempt=attempt)
    with django_capture_on_commit_callbacks(execute=True):
        quiz_services.mark_answer(row_id=row.pk, marker=None, score=Decimal(8), now=now)
    kinds = set(Notice.objects.filter(user=person).values_list("kind", flat=True))
    assert kinds == {Notice.Kind.MARKED, Notice.Kind.CERTIFICATE}
    assert "8 / 10，合格" in Notice.objects.get(kind=Notice.Kind.MARKED).text
    assert Enrollment.objects.get(user=person).completed_at is not None


def test_a_lesson_reaching_its_time_completes_the_programme(
    client, django_capture_on_commit_callbacks
):
    """The heartbeat that fills the last lesson's time completes the programme."""
    person, item = factories.enrolled_lesson(nominal_minutes=1)
    item.programme.required_hours = Decimal(0)
    item.programme.save()
    start = timezone.now()
    factories.credit(person, item, 30, day=timezone.localdate(start))
    client.force_login(person)
    url = reverse("learning:heartbeat", args=[item.pk])
    body = {"visible": True, "interacted": True}
    from learning.services import study

    study.heartbeat(user=person, item_id=item.pk, now=start, **body)
    with django_capture_on_commit_callbacks(execute=True):
        study.heartbeat(
            user=person, item_id=item.pk, now=start + datetime.timedelta(seconds=30), **body
        )
    assert Enrollment.objects.get(user=person).completed_at is not None
    assert url  # the same path the lesson page beats on
