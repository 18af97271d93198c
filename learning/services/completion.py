"""Completion and certificates: completing an enrolment when its rules are met, issuing the
numbered certificate, revoking it, and what the public verification page may show.

Certificate numbers are ``<前缀>-<年份>-<六位序号>``, e.g. ``ZG-2026-000123``: the prefix is
``settings.LEARNING_CERTIFICATE_PREFIX`` ("ZG" by default), the year is the local year of issue
and the sequence restarts every year. The next number is the year's highest plus one; the
unique constraint on ``Certificate.number`` settles two issues at once: the loser's insert
fails inside a savepoint and it takes the following number (``NUMBER_RETRIES`` tries).
"""

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone

from common.audit import audit
from learning import progress as progress_module
from learning.models import Certificate, Enrollment, Notice, Programme
from learning.services.base import ISSUE_ACTION, REVOKE_ACTION, LearningError, display_name

NUMBER_RETRIES = 8
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 8


def certificate_prefix() -> str:
    return getattr(settings, "LEARNING_CERTIFICATE_PREFIX", "ZG")


def next_certificate_number(year: int) -> str:
    """The year's highest number plus one (six digits, more after 999999)."""
    stem = f"{certificate_prefix()}-{year}-"
    last = (
        Certificate.objects.filter(number__startswith=stem)
        .order_by(Length("number").desc(), "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = 1
    if last:
        try:
            sequence = int(last[len(stem) :]) + 1
        except ValueError:
            sequence = Certificate.objects.filter(number__startswith=stem).count() + 1
    return f"{stem}{sequence:06d}"


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def issue_certificate(
    *,
    enrollment: Enrollment,
    hours: Decimal,
    now: datetime.datetime,
    regulation_hours: Decimal = Decimal(0),
) -> Certificate:
    """Create the enrollment's certificate with the next free number (see module docstring),
    and tell the learner on their dashboard."""
    year = timezone.localtime(now).year
    code = new_verification_code()
    for _ in range(NUMBER_RETRIES):
        number = next_certificate_number(year)
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    enrollment=enrollment,
                    number=number,
                    verification_code=code,
                    hours=hours,
                    regulation_hours=regulation_hours,
                    issued_at=now,
                )
                _notify_certificate(certificate, now)
                audit(
                    certificate, ISSUE_ACTION, learner=display_name(enrollment.user),
                    after={"number": number, "hours": hours},
                )  # fmt: skip
                return certificate
        except IntegrityError:
            existing = Certificate.objects.filter(enrollment=enrollment).first()
            if existing is not None:  # issued meanwhile by another request
                return existing
    raise LearningError("证书编号分配失败，请稍后重试。")


def _notify_certificate(certificate: Certificate, now: datetime.datetime) -> None:
    programme = certificate.enrollment.programme
    Notice.objects.create(
        user_id=certificate.enrollment.user_id,
        kind=Notice.Kind.CERTIFICATE,
        text=f"您已完成“{programme.title}”，结业证书编号 {certificate.number}。",
        url=reverse("learning:programme", args=[programme.slug]),
        created_at=now,
    )


def complete_if_done(*, enrollment: Enrollment, now: datetime.datetime) -> Certificate | None:
    """Mark the enrollment completed and issue its certificate when the rules are met.

    Returns the certificate (existing or new), or None while the learner is not done. A second
    call changes nothing; a revoked certificate is not replaced.
    """
    with transaction.atomic():
        # Lock the enrollment row only: completions in one programme must not queue up.
        locked = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("programme")
            .get(pk=enrollment.pk)
        )
        existing = Certificate.objects.filter(enrollment=locked).first()
        if (existing is not None and locked.completed_at is not None) or locked.withdrawn_at:
            return existing
        progress = progress_module.enrollment_progress(locked)
        if not progress.complete:
            return None
        if locked.completed_at is None:
            locked.completed_at = now
            locked.save(update_fields=["completed_at"])
        certificate = existing or issue_certificate(
            enrollment=locked,
            hours=progress.hours,
            regulation_hours=progress.regulation_hours,
            now=now,
        )
    enrollment.completed_at = locked.completed_at
    return certificate


def complete_programme(
    *, programme: Programme, now: datetime.datetime, user_ids: list[int] | None = None
) -> list[Certificate]:
    """Complete every (or the given people's) enrollment of the programme that is done.

    Progress is computed for all of them at once; only those about to complete are locked
    and re-checked one by one.
    """
    enrollments = Enrollment.objects.filter(
        programme=programme, completed_at__isnull=True, withdrawn_at__isnull=True
    )
    if user_ids is not None:
        enrollments = enrollments.filter(user_id__in=user_ids)
    enrollments = list(enrollments.select_related("programme"))
    if not enrollments:
        return []
    progress = progress_module.programme_progress(programme, enrollments)
    issued = []
    for enrollment in enrollments:
        if progress[enrollment.pk].complete:
            certificate = complete_if_done(enrollment=enrollment, now=now)
            if certificate is not None:
                issued.append(certificate)
    return issued


def complete_for(
    *, user_id: int, now: datetime.datetime, programme_ids: list[int] | None = None
) -> list[Certificate]:
    """Complete the person's open enrolments (of the given programmes) that are now done:
    called when a fact changes, an exam finished or marked, a lesson's time reached."""
    enrollments = Enrollment.objects.filter(
        user_id=user_id,
        completed_at__isnull=True,
        withdrawn_at__isnull=True,
        programme__is_published=True,
    ).select_related("programme")
    if programme_ids is not None:
        enrollments = enrollments.filter(programme_id__in=programme_ids)
    done = (complete_if_done(enrollment=e, now=now) for e in enrollments)
    return [certificate for certificate in done if certificate is not None]


def complete_learner(*, user, now: datetime.datetime, progress=None) -> list[Certificate]:
    """Complete the user's enrollments that are done (``progress`` as from the dashboard)."""
    if progress is None:
        progress = progress_module.learner_progress(user)
    issued = []
    for entry in progress:
        if entry.complete and entry.enrollment and entry.enrollment.completed_at is None:
            certificate = complete_if_done(enrollment=entry.enrollment, now=now)
            if certificate is not None:
                issued.append(certificate)
    return issued


def revoke_certificate(
    *, certificate: Certificate, reason: str, now: datetime.datetime, by=None
) -> Certificate:
    """Revoke a certificate with a reason shown on the verification page; the audit trail
    records ``by`` (else the admin request's user)."""
    reason = (reason or "").strip()
    if not reason:
        raise LearningError("请填写撤销原因。")
    if len(reason) > 200:
        raise LearningError("撤销原因不能超过 200 字。")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise LearningError("该证书已经撤销。")
        locked.revoked_at = now
        locked.revoked_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_reason"])
        audit(
            locked, REVOKE_ACTION, user=by, reason=reason,
            before={"status": "有效"}, after={"status": "已撤销"},
        )  # fmt: skip
    certificate.revoked_at, certificate.revoked_reason = locked.revoked_at, locked.revoked_reason
    return certificate


@dataclass(frozen=True)
class Verification:
    """What the public verification page may show: never more than this."""

    status: str  # "valid" / "revoked" / "not_found"
    number: str
    name: str = ""
    programme: str = ""
    hours: Decimal | None = None
    completed_on: datetime.date | None = None
    revoked_on: datetime.date | None = None
    revoked_reason: str = ""


def verify_certificate(*, number: str, code: str) -> Verification:
    """Look a certificate up by number and code; a wrong code looks exactly like no number."""
    number = (number or "").strip()
    code = (code or "").strip().upper()
    certificate = (
        Certificate.objects.select_related("enrollment__user", "enrollment__programme")
        .filter(number__iexact=number)
        .first()
    )
    if (
        certificate is None
        or not code
        or not secrets.compare_digest(certificate.verification_code.upper(), code)
    ):
        return Verification("not_found", number)
    enrollment = certificate.enrollment
    completed = enrollment.completed_at or certificate.issued_at
    return Verification(
        status="valid" if certificate.revoked_at is None else "revoked",
        number=certificate.number,
        name=display_name(enrollment.user),
        programme=enrollment.programme.title,
        hours=certificate.hours,
        completed_on=timezone.localdate(completed),
        revoked_on=timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None,
        revoked_reason=certificate.revoked_reason,
    )
