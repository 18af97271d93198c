import pytest

from learning.demo import PEOPLE_PER_RANK, load_people
from learning.models import LearnerProfile, Rank, Unit, UnitAdministrator

pytestmark = pytest.mark.django_db


def test_demo_builds_unit_tree_learners_and_unit_admins(tmp_path):
    """The demo creates a multi-level unit tree, learners of every rank and two unit administrators."""
    report = load_people(accounts_file=tmp_path / "accounts.txt")
    assert Unit.objects.filter(depth=3).exists() and report.units == Unit.objects.count()
    for rank, count in PEOPLE_PER_RANK.items():
        assert LearnerProfile.objects.filter(rank=rank).count() == count
    assert set(UnitAdministrator.objects.values_list("user__username", flat=True)) == {
        "wj_admin",
        "cz_admin",
    }
    assert all(
        p.unit.code.endswith("ZZB") for p in LearnerProfile.objects.filter(rank=Rank.ORG_STAFF)
    )


def test_demo_accounts_share_one_password_kept_beside_the_database(tmp_path):
    """Every demo learner logs in with the password written to the accounts file."""
    accounts = tmp_path / "accounts.txt"
    load_people(accounts_file=accounts)
    password = accounts.read_text(encoding="utf-8").split()[-1]
    assert LearnerProfile.objects.get(user__username="zugong001").user.check_password(password)


def test_demo_people_load_once(tmp_path):
    """Loading twice creates nothing new."""
    load_people(accounts_file=tmp_path / "accounts.txt")
    again = load_people(accounts_file=tmp_path / "accounts.txt")
    assert (again.units, again.people) == (0, 0)


def test_demo_history_gives_every_report_something_to_show(tmp_path, demo_site):
    """The demo programmes enrol their audiences, with study time, attempts, marking and certificates."""
    from django.utils import timezone

    from learning.demo import load_history
    from learning.models import Certificate, Enrollment, Programme, StudyCredit
    from quizzes.models import Attempt

    load_people(accounts_file=tmp_path / "accounts.txt")
    assert len(load_history(now=timezone.now())) == 2
    zugong = Programme.objects.get(title="组工干部岗前培训")
    assert set(zugong.enrollments.values_list("user__profile__rank", flat=True)) == {Rank.ORG_STAFF}
    assert StudyCredit.objects.exists() and Attempt.objects.filter(pending_marking=True).exists()
    assert Certificate.objects.count() == Enrollment.objects.exclude(completed_at=None).count() > 0
    assert load_history(now=timezone.now()) == []
