"""Learner pages of programmes: the dashboard, a programme's detail, the certificate PDF, and
the public certificate verification page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from learning import services
from learning.certificate_pdf import pdf_response
from learning.models import Certificate, Enrollment, Notice, ProgrammeItem
from learning.progress import ItemStatus, ProgrammeProgress, enrollment_progress, learner_progress
from quizzes import selectors as quiz_selectors

NOTICE_DAYS = datetime.timedelta(days=30)

# Presenting progress ---------------------------------------------------------------------------


def item_url(item: ProgrammeItem) -> str | None:
    """Where the learner does an item: the lesson page, the quiz; None for offline items."""
    if item.kind == ProgrammeItem.Kind.LESSON:
        return reverse("learning:lesson", args=[item.pk])
    if item.kind == ProgrammeItem.Kind.QUIZ and item.quiz_id:
        return reverse("quizzes:detail", args=[item.quiz.slug])
    return None


ACTION_LABELS = {
    ProgrammeItem.Kind.LESSON: "去学习",
    ProgrammeItem.Kind.QUIZ: "去测试",
    ProgrammeItem.Kind.OFFLINE: "线下参加",
}


@dataclass(frozen=True)
class ItemRow:
    status: ItemStatus
    url: str | None

    @property
    def action(self) -> str:
        return ACTION_LABELS.get(self.status.kind, "查看")


@dataclass(frozen=True)
class Entry:
    """One programme on the dashboard or its detail page."""

    progress: ProgrammeProgress
    rows: list[ItemRow]
    next_row: ItemRow | None
    days_left: int
    certificate: Certificate | None

    @property
    def programme(self):
        return self.progress.programme

    @property
    def completed(self) -> bool:
        enrollment = self.progress.enrollment
        return enrollment is not None and enrollment.completed_at is not None

    @property
    def overdue(self) -> bool:
        return self.days_left < 0 and not self.completed

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)

    @property
    def due_soon(self) -> bool:
        return 0 <= self.days_left <= 7 and not self.completed


def entry_for(progress: ProgrammeProgress, today) -> Entry:
    rows = [ItemRow(status, item_url(status.item)) for status in progress.items]
    by_item = {row.status.item.pk: row for row in rows}
    upcoming = progress.next_item
    return Entry(
        progress=progress,
        rows=rows,
        next_row=by_item.get(upcoming.item.pk) if upcoming else None,
        days_left=progress.days_left(today),
        certificate=progress.certificate,
    )


# Pages -----------------------------------------------------------------------------------------


@login_required
def dashboard(request):
    """Every published programme the learner is enrolled in, with progress and what's next."""
    now = timezone.now()
    services.sync_person(user_id=request.user.pk, now=now)  # a safety net, not the mechanism
    progress = learner_progress(request.user)
    if services.complete_learner(user=request.user, now=now, progress=progress):
        progress = learner_progress(request.user)
    today = timezone.localdate(now)
    entries = [entry_for(p, today) for p in progress]
    return render(
        request,
        "learning/dashboard.html",
        {
            "entries": entries,
            "open_count": sum(not e.completed for e in entries),
            "completed_count": sum(e.completed for e in entries),
            "notices": recent_notices(request.user, now),
            "due_reviews": quiz_selectors.due_entries(request.user, now).count(),
        },
    )


def recent_notices(user, now) -> list[Notice]:
    """The last month's messages, newest first; shown now, so the new ones become read."""
    notices = list(Notice.objects.filter(user=user, created_at__gte=now - NOTICE_DAYS)[:5])
    if any(notice.read_at is None for notice in notices):
        services.read_notices(user=user, now=now)
    return notices


@login_required
def programme_detail(request, slug):
    """One enrolled programme: every item with its state, hours and the certificate."""
    enrollment = (
        Enrollment.objects.select_related("programme", "certificate")
        .filter(programme__slug=slug, programme__is_published=True, user=request.user)
        .first()
    )
    if enrollment is None:
        raise Http404("您没有报名该培训项目。")
    now = timezone.now()
    progress = enrollment_progress(enrollment)
    if progress.complete and enrollment.completed_at is None:
        services.complete_if_done(enrollment=enrollment, now=now)
        enrollment = Enrollment.objects.select_related("programme", "certificate").get(
            pk=enrollment.pk
        )
        progress = enrollment_progress(enrollment)
    return render(
        request,
        "learning/programme_detail.html",
        {"entry": entry_for(progress, timezone.localdate(now))},
    )


@login_required
def certificate_pdf(request, number):
    """The learner's own certificate as PDF; anyone else's is 404."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("enrollment__user", "enrollment__programme"),
        number=number,
        enrollment__user=request.user,
    )
    return pdf_response(request, certificate)


@require_GET
def verify(request, number=None):
    """Public: is this certificate genuine? Needs the number and its verification code."""
    typed_number = request.GET.get("number", "").strip()
    code = request.GET.get("c", "").strip()
    if number is None and typed_number:
        url = reverse("learning:verify", args=[typed_number.upper()])
        return redirect(f"{url}?{urlencode({'c': code})}" if code else url)
    result = None
    if number is not None:
        result = services.verify_certificate(number=number, code=code)
    response = render(
        request,
        "learning/verify.html",
        {"result": result, "number": number or "", "code": code},
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
