"""The lesson page (a content page with the study panel) and its JSON heartbeat/presence API."""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from learning.models import AttendanceRecord, Enrollment, StudyCredit
from learning.progress import enrollment_progress
from learning.services import study
from learning.services.study import BeatResult, StudyError


@login_required
def lesson(request, item_id: int):
    """The lesson's content page, in its own template, with the live study panel."""
    try:
        item = study.lesson_for(request.user, item_id)
    except StudyError as error:
        if error.status == 404:
            raise Http404(str(error)) from error
        context = {"denied": str(error), "page_template": "base.html"}
        return TemplateResponse(request, "learning/lesson.html", context, status=403)
    page = item.page.specific
    context = page.get_context(request)
    context.update(
        page_template=page.get_template(request),
        lesson=item,
        programme=item.programme,
        progress=study.lesson_progress(user=request.user, item=item),
        programme_progress=programme_progress(request.user, item),
        heartbeat_seconds=getattr(settings, "STUDY_HEARTBEAT_SECONDS", 30),
        idle_seconds=study.rules().idle_seconds,
        presence_minutes=study.rules().presence_minutes,
    )
    return TemplateResponse(request, "learning/lesson.html", context)


def programme_progress(user, item):
    """The learner's progress in the lesson's programme, for the hours bar under the panel."""
    enrollment = (
        Enrollment.objects.filter(user=user, programme_id=item.programme_id)
        .select_related("programme")
        .first()
    )
    return enrollment_progress(enrollment) if enrollment else None


def _json_login_required(view):
    """Like login_required, but answers a script with JSON instead of a redirect."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _error("登录已失效，请重新登录后继续学习。", 401)
        return view(request, *args, **kwargs)

    return wrapper


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def _beat_flags(body: bytes) -> dict[str, bool]:
    """``{"visible": bool, "interacted": bool}`` from the request body; ValueError otherwise."""
    payload = json.loads(body or b"null")
    if not isinstance(payload, dict):
        raise ValueError("not an object")
    flags = {name: payload.get(name) for name in ("visible", "interacted")}
    if not all(isinstance(value, bool) for value in flags.values()):
        raise ValueError("flags must be booleans")
    return flags


def payload(result: BeatResult) -> dict:
    """The panel's figures, as the JSON endpoints answer them."""
    return {
        "ok": True,
        "item_id": result.item_id,
        "credited": result.credited,
        "total_seconds": result.total_seconds,
        "duration_text": result.duration_text,
        "hours": str(result.hours),
        "nominal_seconds": result.nominal_seconds,
        "remaining_seconds": result.remaining_seconds,
        "percent": result.percent,
        "state": result.state,
        "presence_required": result.presence_required,
    }


@require_POST
@_json_login_required
def heartbeat(request, item_id: int):
    """One beat from the lesson page; the time is the server's, never the browser's."""
    try:
        flags = _beat_flags(request.body)
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        return _error("请求格式不正确。", 400)
    try:
        result = study.heartbeat(user=request.user, item_id=item_id, now=timezone.now(), **flags)
    except StudyError as error:
        return _error(str(error), error.status)
    return JsonResponse(payload(result))


@require_POST
@_json_login_required
def presence(request):
    """The learner answered 继续学习: credit resumes."""
    try:
        result = study.confirm_presence(user=request.user, now=timezone.now())
    except StudyError as error:
        return _error(str(error), error.status)
    return JsonResponse(payload(result))


@dataclass(frozen=True)
class RecordLine:
    title: str
    programme: str
    minutes: int | None  # lessons: minutes studied that day
    hours: object = None  # offline sessions: hours recorded


@dataclass(frozen=True)
class RecordDay:
    day: datetime.date
    lines: list[RecordLine]

    @property
    def minutes(self) -> int:
        return sum(line.minutes or 0 for line in self.lines)


@login_required
def record(request):
    """学习档案: per day, what the learner studied online and for how long, and the offline
    sessions they attended; printable (two queries)."""
    days: dict[datetime.date, list[RecordLine]] = defaultdict(list)
    credits = (
        StudyCredit.objects.filter(user=request.user, seconds__gt=0)
        .select_related("item__page", "item__programme")
        .order_by("-day", "item__sort_order")
    )
    for credit in credits:
        title, programme = credit.item.display_title, credit.item.programme.title
        days[credit.day].append(RecordLine(title, programme, credit.seconds // 60))
    attended = AttendanceRecord.objects.filter(user=request.user).select_related("item__programme")
    for entry in attended:
        line = RecordLine(entry.item.display_title, entry.item.programme.title, None, entry.hours)
        days[entry.attended_on].append(line)
    timeline = [RecordDay(day, days[day]) for day in sorted(days, reverse=True)]
    context = {"days": timeline, "total_minutes": sum(d.minutes for d in timeline)}
    return TemplateResponse(request, "learning/study_record.html", context)
