"""Practice pages: one question at a time with instant feedback, wrong-answer book, favourites."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from common.payload import LARGEST, BadPayload, bad_request, json_object, whole_number
from quizzes import presenters, selectors, services
from quizzes.models import (
    QUESTION_TYPES,
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
    context = selectors.practice_overview(request.user, timezone.now())
    context["modes"] = selectors.PRACTICE_MODES
    context["frequent"] = selectors.frequent_mistakes(limit=10)
    return render(request, "quizzes/practice_home.html", context)


def _category(request) -> Category | None:
    pk = request.GET.get("category") or request.POST.get("category")
    return get_object_or_404(Category, pk=pk) if pk else None


def _index(request) -> int | None:
    return _number(request, "i")


def _number(request, name: str) -> int | None:
    try:
        return int(request.GET[name])
    except (KeyError, ValueError):
        return None


@login_required
def question(request, mode):
    """One question of a practice mode, with its 答题卡; in 背题模式 (``recite``) the key and the
    explanation show at once (unless the question is held back for an unfinished paper)."""
    if mode not in selectors.PRACTICE_MODES:
        raise Http404
    category, now = _category(request), timezone.now()
    current = selectors.practice_step(
        mode, request.user, category, _index(request), now=now, question_id=_number(request, "q")
    )
    recite = request.GET.get("recite") == "1" and mode != "random"
    context = {
        "mode": mode,
        "mode_label": selectors.PRACTICE_MODES[mode],
        "category": category,
        "step": current,
        "recite": recite,
        "item": None,
    }
    if current.question:
        context.update(_question_context(request, current, recite, mode, now))
    return render(request, "quizzes/practice_question.html", context)


def _question_context(request, current, recite: bool, mode: str, now) -> dict:
    question = current.question
    row = AttemptQuestion(
        question=question,
        position=1,
        points=question.points,
        option_order=list(range(len(getattr(question, "options", [])))),
    )
    held_back = _answers_held_back(request.user, question, now)
    return {
        "item": presenters.paper_item(row),
        "sheet": selectors.practice_sheet(request.user, current) if mode != "random" else [],
        "shown": _feedback(request, question, None) if recite and not held_back else None,
        "held_back": recite and held_back,
        "is_favourite": Favourite.objects.filter(user=request.user, question=question).exists(),
    }


def _question(request) -> tuple[dict, Question]:
    """The request's JSON object and the published question it names; ``BadPayload`` when the
    body is not an object or names no question, 404 when there is no such question."""
    payload = json_object(request)
    question_id = whole_number(payload.get("question"))
    if question_id is None:
        raise BadPayload("缺少题目编号，或题目编号不是整数。")
    return payload, get_object_or_404(Question.objects.published(), pk=question_id)


@login_required
@require_POST
def answer(request):
    """Grade a practice answer and return the key, explanation and citation."""
    try:
        payload, question = _question(request)
    except BadPayload as error:
        return bad_request(str(error))
    if _answers_held_back(request.user, question, timezone.now()):
        message = "这道题在您尚未结束的测试或考试中，答案和解析将在测试结束后公布。"
        return JsonResponse({"error": message}, status=409)
    result = services.answer_practice(
        user=request.user, question=question, response=payload.get("response"), now=timezone.now()
    )
    if payload.get("mode") in ("sequential", "chapter"):
        category = Category.objects.filter(pk=whole_number(payload.get("category"))).first()
        services.record_practice_progress(
            user=request.user,
            category=category,
            position=(whole_number(payload.get("index", 0), largest=LARGEST - 1) or 0) + 1,
            correct=result.is_correct,
        )
    return JsonResponse(_feedback(request, question, result))


def _answers_held_back(user, question, now) -> bool:
    """The question, or an earlier version of it kept for papers, is on a paper of this person
    whose answers may not be shown yet."""
    papers = AttemptQuestion.objects.filter(attempt__user=user).filter(
        Q(question=question) | Q(question__current=question)
    )
    unfinished = Q(attempt__status=Attempt.Status.IN_PROGRESS)
    open_exam = Q(attempt__quiz__mode=Quiz.Mode.EXAM, attempt__quiz__closes_at__gt=now)
    return papers.filter(unfinished | open_exam).exists()


def _feedback(request, question, result) -> dict:
    """The key, explanation and citation, with the verdict when ``result`` is a graded answer
    (the options marked: chosen, right)."""
    cite = question.citation(request)
    still_wrong = WrongAnswer.objects.filter(
        user=request.user, question=question, cleared_at=None
    ).exists()
    return {
        "correct": result.is_correct if result else None,
        "score": str(result.score) if result else "",
        "right_options": _right_options(question),
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
    try:
        _, question = _question(request)
    except BadPayload as error:
        return bad_request(str(error))
    deleted, _ = Favourite.objects.filter(user=request.user, question=question).delete()
    if not deleted:
        Favourite.objects.create(user=request.user, question=question)
    return JsonResponse({"favourite": not deleted})


def _right_options(question) -> list:
    """The right answer in the page's terms: option positions, or True/False."""
    right = question.correct_response()
    if question.has_options:
        return right if isinstance(right, list) else [right]
    return [right] if isinstance(right, bool) else []


@login_required
def wrong_book(request):
    """The open entries, filtered by chapter and type, with when each comes back."""
    category = Category.objects.filter(pk=request.GET.get("category") or None).first()
    kind = request.GET.get("type", "")
    entries = selectors.wrong_book(request.user, category=category, kind=kind)
    context = {
        "entries": entries,
        "chapters": Category.objects.filter(parent=None).order_by("sort_order", "name"),
        "types": [(key, model.type_label) for key, model in QUESTION_TYPES.items()],
        "category": category,
        "kind": kind,
        "due_today": selectors.due_entries(request.user, timezone.now()).count(),
        "today": timezone.localdate().strftime("%Y%m%d"),
    }
    return render(request, "quizzes/wrong_book.html", context)


@login_required
@require_POST
def remove_wrong(request, question_id: int):
    """The learner takes a question out of their book."""
    if services.remove_from_book(user=request.user, question_id=question_id, now=timezone.now()):
        messages.success(request, "已移出错题本。")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("quizzes:wrong_book")
    return redirect(back)
