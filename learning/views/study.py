"""The lesson page (a content page with the study panel) and its JSON heartbeat/presence API."""

import json
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

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
        heartbeat_seconds=getattr(settings, "STUDY_HEARTBEAT_SECONDS", 30),
        idle_seconds=study.rules().idle_seconds,
        presence_minutes=study.rules().presence_minutes,
    )
    return TemplateResponse(request, "learning/lesson.html", context)


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
