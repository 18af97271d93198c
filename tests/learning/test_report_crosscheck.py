"""The figures a unit administrator signs, checked line by line: for the demo's unit tree, every
unit report figure equals the one computed person by person from the learner's own progress."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from learning import progress
from learning.demo import load_history, load_people
from learning.models import Enrollment, Programme, ProgrammeItem, Unit
from learning.reports import ReportScope, person_figures, unit_report

pytestmark = pytest.mark.django_db


@dataclass
class Tally:
    enrolled: int = 0
    completed: int = 0
    hours: Decimal = Decimal(0)
    regulation_hours: Decimal = Decimal(0)
    took: int = 0
    passed: int = 0
    pending: int = 0


def exam_state(entry: progress.ProgrammeProgress) -> str:
    """未参加 / 合格 / 待阅卷 / 未合格 from the learner's quiz items, as the progress shows them."""
    quizzes = [s for s in entry.items if s.kind == ProgrammeItem.Kind.QUIZ]
    if not quizzes or all(s.state == "未参加" for s in quizzes):
        return "未参加"
    if all(s.done for s in quizzes):
        return "合格"
    return "待阅卷" if any(s.state == "待阅卷" for s in quizzes) else "未合格"


def by_hand(programme: Programme) -> tuple[dict[int, Tally], dict[int, tuple]]:
    """Per unit (own people) tallies and per person figures, from the progress module."""
    tallies: dict[int, Tally] = defaultdict(Tally)
    people = {}
    enrollments = Enrollment.objects.filter(
        programme=programme, withdrawn_at=None, user__profile__isnull=False
    ).select_related("user__profile", "programme")
    for enrollment in enrollments:
        entry = progress.enrollment_progress(enrollment)
        state = exam_state(entry)
        done = enrollment.completed_at is not None
        assert entry.complete == done, enrollment  # completion follows the facts
        tally = tallies[enrollment.user.profile.unit_id]
        tally.enrolled += 1
        tally.completed += done
        tally.hours += entry.hours
        tally.regulation_hours += entry.regulation_hours
        tally.took += state != "未参加"
        tally.passed += state == "合格"
        tally.pending += state == "待阅卷"
        people[enrollment.user_id] = (entry.hours, entry.regulation_hours, state)
    return tallies, people


def test_every_demo_report_figure_equals_the_person_by_person_count(demo_site, tmp_path):
    """Every programme, every unit of the demo tree: counts, 学时, 法规纪律学时 and exam states."""
    load_people(accounts_file=tmp_path / "accounts.txt")
    load_history(now=timezone.now())
    checked = 0
    for programme in Programme.objects.filter(is_published=True):
        tallies, people = by_hand(programme)
        for root in Unit.get_root_nodes():
            scope = ReportScope(programme, root, timezone.localdate())
            for row in unit_report(scope).rows:
                own, expected = row.own, tallies.get(row.unit.pk, Tally())
                assert (
                    own.enrolled, own.completed, own.hours, own.regulation_hours,
                    own.took, own.passed, own.pending,
                ) == (
                    expected.enrolled, expected.completed, expected.hours,
                    expected.regulation_hours, expected.took, expected.passed, expected.pending,
                ), (programme.title, row.unit.name)  # fmt: skip
                checked += expected.enrolled
            reported = person_figures(scope)
            for user_id, figures in reported.items():
                assert (figures.hours, figures.regulation_hours, figures.exam_status) == people[
                    user_id
                ], (programme.title, user_id)
    assert checked >= 30  # the demo's people were all looked at
