"""Enrolment: who belongs to a programme's audience, and enrolling them (in bulk)."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from learning.models import Enrollment, LearnerProfile, Programme


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
    return len(new)


def enrol_user_in_audiences(*, user, now: datetime.datetime) -> int:
    """Enrol one person in every open, published, auto-enrolling programme whose audience
    they belong to (cheap: three or four queries); returns how many enrolments were added."""
    if not user.is_authenticated or not user.is_active:
        return 0
    profile = LearnerProfile.objects.filter(user=user).select_related("unit").first()
    if profile is None:
        return 0
    candidates = (
        Programme.objects.filter(
            is_published=True, auto_enrol=True, ends_on__gte=timezone.localdate(now)
        )
        .exclude(enrollments__user=user)
        .prefetch_related("audience_units")
        .only("pk", "audience_ranks")
    )
    new = [
        Enrollment(programme=p, user=user, source=Enrollment.Source.AUTO, enrolled_at=now)
        for p in candidates
        if matches_audience(
            ranks=list(p.audience_ranks or []),
            unit_paths=[unit.path for unit in p.audience_units.all()],
            rank=profile.rank,
            unit_path=profile.unit.path,
        )
    ]
    if new:
        Enrollment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def users_by_username(usernames: list[str]) -> dict[str, int]:
    """Username → user id for the given usernames (one query)."""
    User = get_user_model()
    field = User.USERNAME_FIELD
    return dict(User.objects.filter(**{f"{field}__in": usernames}).values_list(field, "pk"))
