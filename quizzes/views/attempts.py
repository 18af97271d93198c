"""Learner pages: quiz list, start, the attempt page and its JSON API, results, history."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from common.payload import BAD_REQUEST, BadPayload, bad_request, json_object, whole_number
from quizzes import drawing, presenters, selectors, services
from quizzes.models import Attempt, AttemptQuestion, Quiz
from quizzes.services import AnswerFormatError, AttemptNotFound, QuizError


@login_required
@never_cache
def quiz_list(request):
    now = timezone.now()
    quizzes = selectors.available_quizzes(request.user, now)
    return render(
        request,
        "quizzes/quiz_list.html",
        {"quizzes": quizzes, "mine": selectors.attempt_summary(request.user, quizzes), "now": now},
    )


@login_required
@never_cache  # the Back button shows 继续作答 for an attempt started meanwhile
def quiz_detail(request, slug):
    """The quiz with the person's own terms (limit, end, attempts), and 开始作答, 继续作答 or why
    they cannot start."""
    quiz = get_object_or_404(Quiz, slug=slug, is_published=True)
    now = timezone.now()
    attempts = list(quiz.attempts.filter(user=request.user).order_by("-number"))
    running = next((a for a in attempts if not a.is_finished), None)
    own = selectors.terms_for(quiz, request.user.pk)
    refusal = "" if running else services.start_refusal(quiz, request.user, now, own)
    context = {"quiz": quiz, "attempts": attempts, "own": own, "running": running}
    return render(request, "quizzes/quiz_detail.html", {**context, "refusal": refusal})


@login_required
@require_POST
def start(request, slug):
    quiz = get_object_or_404(Quiz, slug=slug, is_published=True)
    try:
        attempt = services.start_attempt(quiz=quiz, user=request.user, now=timezone.now())
    except (QuizError, drawing.BlueprintError) as error:
        messages.error(
            request,
            str(error) if isinstance(error, QuizError) else "试卷暂时无法生成，请联系管理员。",
        )
        return redirect("quizzes:detail", slug=slug)
    return redirect("quizzes:attempt", pk=attempt.pk)


def _own_attempt(request, pk) -> Attempt:
    attempt = Attempt.objects.select_related("quiz").filter(pk=pk, user=request.user).first()
    if attempt is None:
        raise Http404(services.NOT_FOUND)
    return attempt


def _not_found() -> JsonResponse:
    """The JSON endpoints' 404: the page's script reads JSON, never the site's 404 page."""
    return JsonResponse({"ok": False, "error": services.NOT_FOUND}, status=404)


@login_required
def attempt_page(request, pk):
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    if services.finalize_if_overdue(attempt=attempt, now=now) or attempt.is_finished:
        return redirect("quizzes:result", pk=attempt.pk)
    items = [presenters.paper_item(row) for row in selectors.shown_paper(attempt)]
    presenters.render_widgets(items)
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "sections": presenters.sections(items),
            "remaining": services.remaining_seconds(attempt, now),
            # An untimed quiz counts down only in its last hour; before, it shows its close.
            "countdown_within": "" if attempt.quiz.is_timed else UNTIMED_COUNTDOWN_SECONDS,
            "sync_seconds": settings.QUIZ_STATE_SYNC_SECONDS,
            "answered_count": sum(item.answered for item in items),
        },
    )


UNTIMED_COUNTDOWN_SECONDS = 3600


def _save_numbers(payload: dict) -> tuple[int, int | None, int | None]:
    """The question's position and the optional ``seq`` and ``base`` of a save, each a whole
    number within the database's range; ``BadPayload`` otherwise."""
    position = whole_number(payload.get("position"))
    numbers = {key: payload.get(key) for key in ("seq", "base")}
    checked = {key: None if v is None else whole_number(v) for key, v in numbers.items()}
    if position is None or any(v is not None and checked[k] is None for k, v in numbers.items()):
        raise BadPayload(BAD_REQUEST)
    return position, checked["seq"], checked["base"]


@login_required
@require_POST
def save(request, pk):
    """Save one answer (JSON in, JSON out). Time is the server's. ``seq`` numbers the page's
    changes of one question and ``base`` is the number the page loaded it with: an older save
    is answered ``stale``, a page out of date ``conflict`` (409); neither changes anything."""
    try:
        payload = json_object(request)
        position, seq, base = _save_numbers(payload)
    except BadPayload as error:
        return bad_request(str(error))
    try:
        result = services.save_answer(
            attempt_id=pk,
            user=request.user,
            position=position,
            response=payload.get("response"),
            flagged=payload.get("flagged"),
            seq=seq,
            base=base,
            now=timezone.now(),
        )
    except AnswerFormatError as error:
        return JsonResponse({"ok": False, "error": str(error)}, status=400)
    except AttemptNotFound:
        return _not_found()
    except QuizError as error:
        return JsonResponse({"ok": False, "error": str(error), "finished": True}, status=409)
    except AttemptQuestion.DoesNotExist:
        return JsonResponse({"ok": False, "error": "题号不存在。"}, status=400)
    if result.outcome == services.CONFLICT:
        message = "本题答案已在其他窗口修改，本页已过期，请刷新页面后继续作答。"
        return JsonResponse({"ok": False, "error": message, "conflict": True}, status=409)
    return JsonResponse(
        {
            "ok": True,
            "saved_at": timezone.localtime(result.saved_at).strftime("%H:%M:%S"),
            "remaining": result.remaining_seconds,
            "stale": result.outcome == services.STALE,
        }
    )


@login_required
@require_GET
def state(request, pk):
    """Remaining time by the server's clock, for the countdown to resynchronise."""
    try:
        attempt = _own_attempt(request, pk)
    except Http404:
        return _not_found()
    now = timezone.now()
    finished = services.finalize_if_overdue(attempt=attempt, now=now)
    return JsonResponse(
        {"finished": finished, "remaining": services.remaining_seconds(attempt, now)}
    )


@login_required
@require_POST
def finish(request, pk):
    """Hand in. A hand-in the page makes because its own countdown reached zero ("timer") is
    ignored while the server says time remains (the end may have been moved later)."""
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    left = services.remaining_seconds(attempt, now)
    if request.POST.get("timer") and not attempt.is_finished and left and left > TIMER_TOLERANCE:
        messages.info(request, f"作答时间已调整，还剩约 {_minutes(left)}，请继续作答。")
        return redirect("quizzes:attempt", pk=attempt.pk)
    services.finish_attempt(attempt_id=attempt.pk, user=request.user, now=now)
    return redirect("quizzes:result", pk=attempt.pk)


TIMER_TOLERANCE = 2  # seconds: a page's clock may run slightly ahead of the server's


def _minutes(seconds: int) -> str:
    return f"{seconds // 60} 分 {seconds % 60} 秒" if seconds >= 60 else f"{seconds} 秒"


@login_required
def result(request, pk):
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    services.finalize_if_overdue(attempt=attempt, now=now)
    attempt.refresh_from_db()
    if not attempt.is_finished:
        return redirect("quizzes:attempt", pk=attempt.pk)
    review = attempt.quiz.review_available(now)
    rows = selectors.paper_rows(attempt) if review else []
    items = [presenters.review_item(row) for row in rows]
    show = request.GET.get("show", "")
    own = selectors.terms_for(attempt.quiz, request.user.pk)
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "review": review,
        "items": [i for i in items if not show or i.state == show],
        "counts": presenters.review_counts(items),
        "show": show,
        "breakdown": selectors.category_breakdown(rows) if review else [],
        "time_used": attempt.finished_at - attempt.started_at,
        "may_retake": not services.start_refusal(attempt.quiz, request.user, now, own),
    }
    return render(request, "quizzes/result.html", context)


@login_required
def history(request):
    """Every attempt, newest first, and the score chart of the last graded ones."""
    attempts = list(selectors.history(request.user))
    graded = [a for a in reversed(attempts) if a.percent is not None][-CHART_ATTEMPTS:]
    return render(request, "quizzes/history.html", {"attempts": attempts, "chart": graded})


CHART_ATTEMPTS = 20
