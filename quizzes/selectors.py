"""Read-side queries for quizzes: the blueprint's question pools, papers, results, history."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from quizzes import drawing
from quizzes.models import Attempt, AttemptQuestion, Question, Quiz
from quizzes.models.bank import regulation_category_paths


def _rule_q(rule) -> Q:
    condition = Q(difficulty__gte=rule.min_difficulty, difficulty__lte=rule.max_difficulty)
    if rule.category_id:
        condition &= rule.category.subtree_q(prefix="category__")
    if rule.question_type_id:
        condition &= Q(polymorphic_ctype_id=rule.question_type_id)
    if rule.knowledge_point_id:
        condition &= Q(knowledge_points=rule.knowledge_point_id)
    return condition


def blueprint_for(quiz: Quiz) -> drawing.Blueprint:
    """The quiz's blueprint with every rule's pool of published questions (constant queries)."""
    fixed = [(f.question_id, f.points) for f in quiz.fixed_questions.all()]
    rules = list(quiz.draw_rules.select_related("category", "knowledge_point", "question_type"))
    return build_blueprint(fixed=fixed, rules=rules, min_share=quiz.min_regulation_share)


def build_blueprint(
    *, fixed: list[tuple[int, Decimal]], rules: list, min_share: Decimal
) -> drawing.Blueprint:
    """A blueprint from fixed (question id, points) pairs and DrawRule objects, saved or not."""
    regulation_ids = _regulation_ids(regulation_category_paths(), [pk for pk, _ in fixed], rules)
    return drawing.Blueprint(
        fixed=tuple((drawing.Candidate(pk, pk in regulation_ids), points) for pk, points in fixed),
        rules=tuple(_rule(rule, regulation_ids) for rule in rules),
        min_share=min_share,
    )


def _regulation_ids(paths, fixed_ids, rules) -> set[int]:
    scope = Q(pk__in=fixed_ids)
    for rule in rules:
        scope |= _rule_q(rule) & Q(status=Question.Status.PUBLISHED)
    base = Question.objects.non_polymorphic().filter(scope)
    return set(base.filter(Question.objects.regulation_q(paths)).values_list("pk", flat=True))


def _rule(rule, regulation_ids: set[int]) -> drawing.Rule:
    pool_ids = (
        Question.objects.non_polymorphic()
        .filter(_rule_q(rule), status=Question.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    return drawing.Rule(
        label=str(rule),
        count=rule.count,
        points=rule.points,
        pool=tuple(drawing.Candidate(pk, pk in regulation_ids) for pk in pool_ids),
    )


def paper_rows(attempt: Attempt) -> list[AttemptQuestion]:
    """The paper in order, each row's ``question`` its real type (one query per question type)."""
    rows = list(attempt.paper.all())
    questions = Question.objects.filter(pk__in=[r.question_id for r in rows]).select_related(
        "category", "source_article__page", "source_page"
    )
    by_id = {q.pk: q for q in questions}
    for row in rows:
        row.question = by_id[row.question_id]
    return rows


def category_breakdown(rows: list[AttemptQuestion]) -> list[dict]:
    """Points earned and available per top-level category."""
    totals: dict[str, dict] = defaultdict(
        lambda: {"score": Decimal(0), "points": Decimal(0), "count": 0}
    )
    for row in rows:
        name = row.question.category.path.split("/")[0]
        totals[name]["score"] += row.score or 0
        totals[name]["points"] += row.points
        totals[name]["count"] += 1
    return [{"category": name, **values} for name, values in sorted(totals.items())]


def history(user) -> list[Attempt]:
    return list(Attempt.objects.filter(user=user).select_related("quiz").order_by("-started_at"))


def available_quizzes(now) -> list[Quiz]:
    """Published self-tests and exams that have not closed yet, open ones first."""
    quizzes = Quiz.objects.filter(is_published=True).exclude(mode=Quiz.Mode.PRACTICE)
    quizzes = quizzes.filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
    return sorted(quizzes, key=lambda q: (not q.is_open(now), q.mode, q.title))


def attempt_summary(user, quizzes: list[Quiz]) -> dict[int, dict]:
    """Per quiz: attempts used, best score and the attempt in progress (one query)."""
    summary: dict[int, dict] = {q.pk: {"used": 0, "best": None, "current": None} for q in quizzes}
    for attempt in Attempt.objects.filter(user=user, quiz__in=quizzes):
        entry = summary[attempt.quiz_id]
        entry["used"] += 1
        if attempt.status == Attempt.Status.IN_PROGRESS:
            entry["current"] = attempt
        elif attempt.percent is not None and (
            entry["best"] is None or attempt.percent > entry["best"]
        ):
            entry["best"] = attempt.percent
    return summary
