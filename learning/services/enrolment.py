"""Enrolment: who belongs to a programme's audience, and keeping enrolments in step with it.

Enrolment follows the facts, never a visit: a person is enrolled when they are created or
imported, when their unit or rank changes (``sync_person``, from ``learning.signals``), and
everyone when a programme's audience changes (``sync_programme``). Somebody who leaves the
audience is withdrawn (``withdrawn_at``), keeping their study history, and reinstated when they
belong again. Only automatic enrolments of published, auto-enrolling programmes that have not
ended move; enrolments an administrator made by hand, and completed ones, never do.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from common.audit import audit
from learning.models import Enrollment, LearnerProfile, Programme
from learning.services.base import ENROL_ACTION, people_names


def matches_audience(*, ranks: list[str], unit_paths: list[str], rank: str, unit_path: str) -> bool:
    """Whether a learner of ``rank`` in the unit at ``unit_path`` belongs to the audience.

    An empty list of ranks or of units means no restriction on that axis; a unit includes
    every unit below it (treebeard path prefix).
    """
    if ranks and rank not in ranks:
        return False
    return not unit_paths or any(unit_path.startswith(path) for path in unit_paths)


def audience_profiles(programme: Programme):
    """The learner profiles (of active users) in the programme's audience, as one queryset."""
    profiles = LearnerProfile.objects.filter(user__is_active=True)
    if programme.audience_ranks:
        profiles = profiles.filter(rank__in=list(programme.audience_ranks))
    paths = list(programme.audience_units.values_list("path", flat=True))
    if paths:
        units = Q()
        for path in paths:
            units |= Q(unit__path__startswith=path)
        profiles = profiles.filter(units)
    return profiles


@dataclass(frozen=True)
class EnrolmentChange:
    added: int = 0
    reinstated: int = 0
    withdrawn: int = 0


def syncing_programmes(today: datetime.date):
    """The programmes whose audience enrolment follows: published, auto-enrolling, not ended."""
    return Programme.objects.filter(is_published=True, auto_enrol=True, ends_on__gte=today)


def sync_programme(*, programme: Programme, now: datetime.datetime) -> EnrolmentChange:
    """Bring the programme's enrolments in line with its audience (constant queries)."""
    if not syncing_programmes(timezone.localdate(now)).filter(pk=programme.pk).exists():
        return EnrolmentChange()
    audience = audience_profiles(programme).values("user_id")
    automatic = Enrollment.objects.filter(
        programme=programme, source=Enrollment.Source.AUTO, completed_at__isnull=True
    )
    reinstated = automatic.filter(withdrawn_at__isnull=False, user_id__in=audience).update(
        withdrawn_at=None
    )
    withdrawn = (
        automatic.filter(withdrawn_at__isnull=True)
        .exclude(user_id__in=audience)
        .update(withdrawn_at=now)
    )
    added = enrol_audience(programme=programme, now=now)
    if reinstated or withdrawn:
        audit(programme, ENROL_ACTION, reinstated=reinstated, withdrawn=withdrawn)
    return EnrolmentChange(added, reinstated, withdrawn)


def sync_all(*, now: datetime.datetime) -> EnrolmentChange:
    """Every syncing programme brought in line (for after a bulk change; idempotent)."""
    changes = [
        sync_programme(programme=p, now=now) for p in syncing_programmes(timezone.localdate(now))
    ]
    return EnrolmentChange(
        sum(c.added for c in changes),
        sum(c.reinstated for c in changes),
        sum(c.withdrawn for c in changes),
    )


def sync_person(*, user_id: int, now: datetime.datetime) -> EnrolmentChange:
    """One person's automatic enrolments brought in line with their unit and rank."""
    profile = LearnerProfile.objects.filter(user_id=user_id).select_related("unit", "user").first()
    programmes = list(
        syncing_programmes(timezone.localdate(now))
        .prefetch_related("audience_units")
        .only("pk", "audience_ranks")
    )
    belongs = {
        p.pk
        for p in programmes
        if profile is not None and profile.user.is_active and _matches(p, profile)
    }
    enrolments = {
        e.programme_id: e
        for e in Enrollment.objects.filter(user_id=user_id, programme__in=programmes)
    }
    change = _apply(user_id, belongs, enrolments, now)
    if profile is not None and (change.added or change.reinstated or change.withdrawn):
        audit(
            profile.user, ENROL_ACTION, added=change.added, reinstated=change.reinstated,
            withdrawn=change.withdrawn,
        )  # fmt: skip
    return change


def _matches(programme: Programme, profile: LearnerProfile) -> bool:
    return matches_audience(
        ranks=list(programme.audience_ranks or []),
        unit_paths=[unit.path for unit in programme.audience_units.all()],
        rank=profile.rank,
        unit_path=profile.unit.path,
    )


def _apply(user_id, belongs: set[int], enrolments: dict, now) -> EnrolmentChange:
    new = [
        Enrollment(programme_id=pk, user_id=user_id, source=Enrollment.Source.AUTO, enrolled_at=now)
        for pk in belongs
        if pk not in enrolments
    ]
    Enrollment.objects.bulk_create(new, ignore_conflicts=True)
    movable = [
        e
        for e in enrolments.values()
        if e.source == Enrollment.Source.AUTO and e.completed_at is None
    ]
    back = [e.pk for e in movable if e.programme_id in belongs and e.withdrawn_at is not None]
    out = [e.pk for e in movable if e.programme_id not in belongs and e.withdrawn_at is None]
    Enrollment.objects.filter(pk__in=back).update(withdrawn_at=None)
    Enrollment.objects.filter(pk__in=out).update(withdrawn_at=now)
    return EnrolmentChange(len(new), len(back), len(out))


def enrol_audience(*, programme: Programme, now: datetime.datetime) -> int:
    """Enrol everyone in the programme's audience who is not enrolled yet; returns how many.

    Idempotent, and a constant number of queries however many people match.
    """
    user_ids = (
        audience_profiles(programme)
        .exclude(user__enrollments__programme=programme)
        .values_list("user_id", flat=True)
    )
    new = [
        Enrollment(
            programme=programme, user_id=user_id, source=Enrollment.Source.AUTO, enrolled_at=now
        )
        for user_id in user_ids
    ]
    Enrollment.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    if new:
        audit(programme, ENROL_ACTION, source="按培训对象", added=len(new))
    return len(new)


def enrol(
    *,
    programme: Programme,
    user,
    now: datetime.datetime,
    source: str = Enrollment.Source.MANUAL,
) -> Enrollment:
    """Enrol one person (whatever the audience); an existing enrolment is returned unchanged."""
    enrollment, _ = Enrollment.objects.get_or_create(
        programme=programme, user=user, defaults={"source": source, "enrolled_at": now}
    )
    return enrollment


def enrol_users(
    *, programme: Programme, user_ids: list[int], now: datetime.datetime, source: str = "manual"
) -> int:
    """Enrol several people at once (bulk); returns how many were not enrolled before."""
    existing = set(
        Enrollment.objects.filter(programme=programme, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    new = [
        Enrollment(programme=programme, user_id=pk, source=source, enrolled_at=now)
        for pk in dict.fromkeys(user_ids)
        if pk not in existing
    ]
    Enrollment.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        names = people_names(e.user_id for e in new)
        audit(programme, ENROL_ACTION, source="手工添加", added=[names[e.user_id] for e in new])
    return len(new)


def users_by_username(usernames: list[str]) -> dict[str, int]:
    """Username → user id for the given usernames (one query)."""
    User = get_user_model()
    field = User.USERNAME_FIELD
    return dict(User.objects.filter(**{f"{field}__in": usernames}).values_list(field, "pk"))
