"""Learner pages: quiz list, start, the attempt page and its JSON API, results, history."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from quizzes import drawing, presenters, selectors, services
from quizzes.models import Attempt, AttemptQuestion, Quiz
from quizzes.services import QuizError


@login_required
def quiz_list(request):
    now = timezone.now()
    quizzes = selectors.available_quizzes(now)
    return render(
        request,
        "quizzes/quiz_list.html",
        {"quizzes": quizzes, "mine": selectors.attempt_summary(request.user, quizzes), "now": now},
    )


@login_required
def quiz_detail(request, slug):
    quiz = get_object_or_404(Quiz, slug=slug, is_published=True)
    attempts = list(quiz.attempts.filter(user=request.user).order_by("-number"))
    return render(
        request,
        "quizzes/quiz_detail.html",
        {"quiz": quiz, "attempts": attempts, "is_open": quiz.is_open(timezone.now())},
    )


@login_required
@require_POST
def start(request, slug):
    quiz = get_object_or_404(Quiz, slug=slug, is_published=True)
    try:
        attempt = services.start_attempt(quiz=quiz, user=request.user, now=timezone.now())
    except (QuizError, drawing.BlueprintError) as error:
        messages.error(
            request,
            str(error) if isinstance(error, QuizError) else "试卷暂时无法生成,请联系管理员。",
        )
        return redirect("quizzes:detail", slug=slug)
    return redirect("quizzes:attempt", pk=attempt.pk)


def _own_attempt(request, pk) -> Attempt:
    attempt = Attempt.objects.select_related("quiz").filter(pk=pk, user=request.user).first()
    if attempt is None:
        raise Http404("找不到这次作答。")
    return attempt


@login_required
def attempt_page(request, pk):
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    if services.finalize_if_overdue(attempt=attempt, now=now) or attempt.is_finished:
        return redirect("quizzes:result", pk=attempt.pk)
    items = [presenters.paper_item(row) for row in selectors.paper_rows(attempt)]
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "remaining": services.remaining_seconds(attempt, now),
            "answered_count": sum(item.answered for item in items),
        },
    )


@login_required
@require_POST
def save(request, pk):
    """Save one answer (JSON in, JSON out). Time is the server's."""
    try:
        payload = json.loads(request.body or b"{}")
        position = int(payload["position"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"ok": False, "error": "请求格式不正确。"}, status=400)
    try:
        result = services.save_answer(
            attempt_id=pk,
            user=request.user,
            position=position,
            response=payload.get("response"),
            flagged=payload.get("flagged"),
            now=timezone.now(),
        )
    except QuizError as error:
        return JsonResponse({"ok": False, "error": str(error), "finished": True}, status=409)
    except AttemptQuestion.DoesNotExist:
        return JsonResponse({"ok": False, "error": "题号不存在。"}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "saved_at": timezone.localtime(result.saved_at).strftime("%H:%M:%S"),
            "remaining": result.remaining_seconds,
        }
    )


@login_required
@require_GET
def state(request, pk):
    """Remaining time by the server's clock, for the countdown to resynchronise."""
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    finished = services.finalize_if_overdue(attempt=attempt, now=now)
    return JsonResponse(
        {"finished": finished, "remaining": services.remaining_seconds(attempt, now)}
    )


@login_required
@require_POST
def finish(request, pk):
    attempt = _own_attempt(request, pk)
    services.finish_attempt(attempt_id=attempt.pk, user=request.user, now=timezone.now())
    return redirect("quizzes:result", pk=attempt.pk)


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
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "review": review,
        "rows": [(row, presenters.response_display(row)) for row in rows],
        "breakdown": selectors.category_breakdown(rows) if review else [],
        "time_used": attempt.finished_at - attempt.started_at,
    }
    return render(request, "quizzes/result.html", context)


@login_required
def history(request):
    return render(request, "quizzes/history.html", {"attempts": selectors.history(request.user)})
