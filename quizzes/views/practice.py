"""Practice pages: one question at a time with instant feedback, wrong-answer book, favourites."""

import json

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from quizzes import presenters, selectors, services
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Category,
    Favourite,
    Question,
    Quiz,
    WrongAnswer,
)


@login_required
def home(request):
    context = selectors.practice_overview(request.user)
    context["modes"] = selectors.PRACTICE_MODES
    return render(request, "quizzes/practice_home.html", context)


def _category(request) -> Category | None:
    pk = request.GET.get("category") or request.POST.get("category")
    return get_object_or_404(Category, pk=pk) if pk else None


def _index(request) -> int | None:
    try:
        return int(request.GET["i"])
    except (KeyError, ValueError):
        return None


@login_required
def question(request, mode):
    if mode not in selectors.PRACTICE_MODES:
        raise Http404
    category = _category(request)
    current = selectors.practice_step(mode, request.user, category, _index(request))
    item = None
    if current.question:
        question = current.question
        options = getattr(question, "options", [])
        row = AttemptQuestion(
            question=question,
            position=1,
            points=question.points,
            option_order=list(range(len(options))),
        )
        item = presenters.paper_item(row)
    context = {
        "mode": mode,
        "mode_label": selectors.PRACTICE_MODES[mode],
        "category": category,
        "step": current,
        "item": item,
        "is_favourite": bool(current.question)
        and Favourite.objects.filter(user=request.user, question=current.question).exists(),
    }
    return render(request, "quizzes/practice_question.html", context)


def _payload(request) -> dict:
    try:
        return json.loads(request.body or b"{}")
    except ValueError:
        return {}


@login_required
@require_POST
def answer(request):
    """Grade a practice answer and return the key, explanation and citation."""
    payload = _payload(request)
    question = get_object_or_404(Question.objects.published(), pk=payload.get("question"))
    if _answers_held_back(request.user, question, timezone.now()):
        message = "这道题在您尚未结束的测试或考试中，答案和解析将在测试结束后公布。"
        return JsonResponse({"error": message}, status=409)
    result = services.answer_practice(
        user=request.user, question=question, response=payload.get("response"), now=timezone.now()
    )
    if payload.get("mode") in ("sequential", "chapter"):
        category = Category.objects.filter(pk=payload.get("category")).first()
        services.record_practice_progress(
            user=request.user,
            category=category,
            position=int(payload.get("index", 0)) + 1,
            correct=result.is_correct,
        )
    return JsonResponse(_feedback(request, question, result))


def _answers_held_back(user, question, now) -> bool:
    """The question is on a paper of this person whose answers may not be shown yet."""
    papers = AttemptQuestion.objects.filter(attempt__user=user, question=question)
    unfinished = Q(attempt__status=Attempt.Status.IN_PROGRESS)
    open_exam = Q(attempt__quiz__mode=Quiz.Mode.EXAM, attempt__quiz__closes_at__gt=now)
    return papers.filter(unfinished | open_exam).exists()


def _feedback(request, question, result) -> dict:
    cite = question.citation(request)
    still_wrong = WrongAnswer.objects.filter(
        user=request.user, question=question, cleared_at=None
    ).exists()
    return {
        "correct": result.is_correct,
        "score": str(result.score),
        "answer": question.answer_display(),
        "explanation": question.explanation,
        "citation": {"url": cite[0], "label": cite[1]} if cite else None,
        "reference": question.source_reference,
        "in_wrong_book": still_wrong,
    }


@login_required
@require_POST
def favourite(request):
    """Add a question to favourites, or take it out again."""
    question = get_object_or_404(Question.objects.published(), pk=_payload(request).get("question"))
    deleted, _ = Favourite.objects.filter(user=request.user, question=question).delete()
    if not deleted:
        Favourite.objects.create(user=request.user, question=question)
    return JsonResponse({"favourite": not deleted})


@login_required
def wrong_book(request):
    entries = (
        WrongAnswer.objects.filter(user=request.user, cleared_at=None)
        .select_related("question__category")
        .order_by("-last_wrong_at")
    )
    return render(request, "quizzes/wrong_book.html", {"entries": entries})
