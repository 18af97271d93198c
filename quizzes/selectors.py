"""Read-side queries for quizzes: the blueprint's question pools, papers, results, history, a
quiz's statistics, and which question each practice mode shows next."""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from quizzes import audience, drawing, statistics
from quizzes.deadlines import Terms
from quizzes.models import (
    QUESTION_TYPES,
    Attempt,
    AttemptQuestion,
    Category,
    Favourite,
    PersonalSetting,
    PracticeProgress,
    PracticeRecord,
    Question,
    Quiz,
    WrongAnswer,
)
from quizzes.models.bank import drawable_q, regulation_category_paths


def _rule_q(rule) -> Q:
    condition = Q(difficulty__gte=rule.min_difficulty, difficulty__lte=rule.max_difficulty)
    if rule.category_id:
        condition &= rule.category.subtree_q(prefix="category__")
    if rule.question_type_id:
        condition &= Q(polymorphic_ctype_id=rule.question_type_id)
    if rule.knowledge_point_id:
        condition &= Q(knowledge_points=rule.knowledge_point_id)
    return condition


def terms(quiz: Quiz, setting: PersonalSetting | None) -> Terms:
    return Terms(
        time_limit_minutes=quiz.time_limit_minutes if quiz.is_timed else None,
        opens_at=quiz.opens_at,
        common_close=quiz.closes_at,
        attempt_limit=quiz.attempt_limit,
        extra_minutes=setting.minutes if setting else 0,
        personal_close=setting.closes_at if setting else None,
        extra_attempts=setting.extra_attempts if setting else 0,
    )


def terms_for(quiz: Quiz, user_id: int | None) -> Terms:
    """The person's terms for the quiz (the quiz's own for nobody in particular)."""
    setting = PersonalSetting.objects.filter(quiz=quiz, user_id=user_id).first()
    return terms(quiz, setting)


_BLUEPRINTS: dict = {}  # per process: (quiz, its rules, the bank's fingerprint) → blueprint
BLUEPRINTS_KEPT = 32


def blueprint_for(quiz: Quiz, *, fresh: bool = False) -> drawing.Blueprint:
    """The quiz's blueprint with every rule's pool of published questions (constant queries).

    Built once per state of the quiz's rules and of the bank and kept in the process: five
    small queries (the rules, the fixed questions and ``bank_fingerprint``) tell whether
    anything changed, so a start does not read every pool id again. ``fresh`` rebuilds."""
    fixed = [(f.question_id, f.points) for f in quiz.fixed_questions.all()]
    rules = list(quiz.draw_rules.select_related("category", "knowledge_point", "question_type"))
    key = (
        quiz.pk,
        quiz.min_regulation_share,
        tuple(fixed),
        tuple(tuple(getattr(r, f.attname) for f in r._meta.concrete_fields) for r in rules),
        bank_fingerprint(),
    )
    if not fresh and key in _BLUEPRINTS:
        return _BLUEPRINTS[key]
    blueprint = build_blueprint(fixed=fixed, rules=rules, min_share=quiz.min_regulation_share)
    if len(_BLUEPRINTS) >= BLUEPRINTS_KEPT:
        _BLUEPRINTS.clear()
    _BLUEPRINTS[key] = blueprint
    return blueprint


def bank_fingerprint() -> tuple:
    """Changes whenever a question is added, removed or saved, tagged or untagged, or a
    category is renamed, moved or classified (three aggregate queries)."""
    questions = Question.objects.non_polymorphic().aggregate(
        n=Count("pk"), top=Max("pk"), changed=Max("updated_at")
    )
    tags = Question.knowledge_points.through.objects.aggregate(n=Count("pk"), top=Max("pk"))
    categories = tuple(Category.objects.order_by("pk").values_list("pk", "path", "is_regulation"))
    return (*questions.values(), *tags.values(), categories)


def build_blueprint(
    *, fixed: list[tuple[int, Decimal]], rules: list, min_share: Decimal
) -> drawing.Blueprint:
    """A blueprint from fixed (question id, points) pairs and DrawRule objects, saved or not."""
    regulation_ids = _regulation_ids(regulation_category_paths(), [pk for pk, _ in fixed], rules)
    groups = dict(
        Question.objects.non_polymorphic()
        .filter(pk__in=[pk for pk, _ in fixed])
        .values_list("pk", "fact_group")
    )
    return drawing.Blueprint(
        fixed=tuple(
            (drawing.Candidate(pk, pk in regulation_ids, groups.get(pk, "")), points)
            for pk, points in fixed
        ),
        rules=tuple(_rule(rule, regulation_ids) for rule in rules),
        min_share=min_share,
    )


def pending_draft_counts(rules: list) -> list[int]:
    """Per draw rule, the automatic drafts awaiting review that its filters match: what the
    blueprint editor says it leaves out. One query, whatever the bank's size."""
    if not rules:
        return []
    counts = (
        Question.objects.non_polymorphic()
        .pending_drafts()
        .aggregate(
            **{
                f"rule{i}": Count("pk", filter=_rule_q(rule), distinct=True)
                for i, rule in enumerate(rules)
            }
        )
    )
    return [counts[f"rule{i}"] for i in range(len(rules))]


def question_shapes(ids: list[int]) -> dict[int, tuple[type, int]]:
    """Question id → (its type, number of options) of the published questions among ``ids``,
    in one query and without building a question."""
    with_options = [m for m in QUESTION_TYPES.values() if m.has_options]
    columns = [f"{m._meta.model_name}__options" for m in with_options]
    rows = (
        Question.objects.non_polymorphic()
        .filter(drawable_q(), pk__in=ids)
        .values_list("pk", "polymorphic_ctype_id", *columns)
    )
    return {
        pk: (
            ContentType.objects.get_for_id(ctype).model_class(),
            len(next((o for o in options if o is not None), [])),
        )
        for pk, ctype, *options in rows
    }


def _regulation_ids(paths, fixed_ids, rules) -> set[int]:
    scope = Q(pk__in=fixed_ids)
    for rule in rules:
        scope |= _rule_q(rule) & drawable_q()
    base = Question.objects.non_polymorphic().filter(scope)
    return set(base.filter(Question.objects.regulation_q(paths)).values_list("pk", flat=True))


def _rule(rule, regulation_ids: set[int]) -> drawing.Rule:
    pool = (
        Question.objects.non_polymorphic()
        .filter(_rule_q(rule), drawable_q())
        .order_by("pk")
        .values_list("pk", "fact_group")
        .distinct()
    )
    return drawing.Rule(
        label=str(rule),
        count=rule.count,
        points=rule.points,
        pool=tuple(drawing.Candidate(pk, pk in regulation_ids, group) for pk, group in pool),
    )


SHOWN_FIELDS = ("stem", "options")  # all a question shows while the paper is being answered
SHOWN_CACHE_SECONDS = 24 * 3600


def shown_paper(attempt: Attempt) -> list[AttemptQuestion]:
    """The paper for the attempt page. Each row's ``question`` is an unsaved instance of its
    real type holding only what the page shows (stem, options: no key, no citation), kept in
    the cache per question version (its key is left on the row as ``shown_key``); two
    queries, and the real types of the questions no page has shown yet."""
    rows = list(attempt.paper.all())
    versions = (
        Question.objects.non_polymorphic()
        .filter(pk__in=[r.question_id for r in rows])
        .values_list("pk", "version", "updated_at")
    )
    keys = {pk: f"quizzes:shown:{pk}:{v}:{at.timestamp()}" for pk, v, at in versions}
    cached = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in cached]
    if missing:
        fresh = {keys[q.pk]: _shown_facts(q) for q in Question.objects.filter(pk__in=missing)}
        cache.set_many(fresh, SHOWN_CACHE_SECONDS)
        cached.update(fresh)
    for row in rows:
        row.shown_key = keys[row.question_id]
        ctype, fields = cached[row.shown_key]
        model = ContentType.objects.get_for_id(ctype).model_class()
        row.question = model(id=row.question_id, pk=row.question_id, **fields)
    return rows


def _shown_facts(question: Question) -> tuple[int, dict]:
    fields = {name: getattr(question, name) for name in SHOWN_FIELDS if hasattr(question, name)}
    return question.polymorphic_ctype_id, fields


def paper_rows(attempt: Attempt, *, related: bool = True) -> list[AttemptQuestion]:
    """The paper in order, each row's ``question`` its real type (one query per question type);
    with ``related`` each question's category, cited article and page too (the review shows
    them, grading needs none)."""
    rows = list(attempt.paper.all())
    questions = Question.objects.filter(pk__in=[r.question_id for r in rows])
    if related:
        questions = questions.select_related("category", "source_article__page", "source_page")
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


def available_quizzes(user, now) -> list[Quiz]:
    """The published self-tests and exams the user may sit that have not closed for them (the
    common close, a personal close, or an attempt still running), open ones first."""
    quizzes = Quiz.objects.filter(is_published=True).exclude(mode=Quiz.Mode.PRACTICE)
    running = Attempt.objects.filter(user=user, status=Attempt.Status.IN_PROGRESS)
    personal = PersonalSetting.objects.filter(user=user, closes_at__gt=now)
    quizzes = quizzes.filter(
        Q(closes_at__isnull=True)
        | Q(closes_at__gt=now)
        | Q(pk__in=running.values("quiz_id"))
        | Q(pk__in=personal.values("quiz_id"))
    )
    quizzes = audience.policy().visible(quizzes, user)
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


# Practice ------------------------------------------------------------------------------------------

PRACTICE_MODES = {
    "review": "今日复习",
    "sequential": "顺序练习",
    "random": "随机练习",
    "chapter": "章节练习",
    "wrong": "错题重练",
    "favourites": "我的收藏",
    "frequent": "高频错题",
}
FREQUENT_SHOWN = 50
SHEET_SIZE = 100  # the practice 答题卡 shows this many numbers around the current question
FREQUENT_MIN_ANSWERS = 3  # a question enters 高频错题 once answered this often


@dataclass
class PracticeStep:
    question: Question | None
    index: int  # 0-based position in the sequence
    total: int
    ids: list[int] = field(default_factory=list)


def practice_bank(category: Category | None) -> QuerySet:
    questions = Question.objects.non_polymorphic().published()
    if category:
        questions = questions.filter(category.subtree_q(prefix="category__"))
    return questions.order_by("category__path", "pk")


def end_of_today(now) -> datetime:
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def open_wrong_entries(user) -> QuerySet:
    return WrongAnswer.objects.filter(
        user=user, cleared_at=None, question__status=Question.Status.PUBLISHED
    )


def due_entries(user, now) -> QuerySet:
    """今日复习: the book's entries due by the end of today, the most overdue first."""
    return open_wrong_entries(user).filter(due_at__lt=end_of_today(now)).order_by("due_at", "pk")


def practice_sequence(mode: str, user, category: Category | None, now=None) -> list[int]:
    """The ordered question ids this mode walks through."""
    if mode == "review":
        return list(due_entries(user, now or timezone.now()).values_list("question_id", flat=True))
    if mode == "wrong":
        entries = open_wrong_entries(user).order_by("last_wrong_at")
        return list(entries.values_list("question_id", flat=True))
    if mode == "frequent":
        return [mistake.question.pk for mistake in frequent_mistakes(limit=FREQUENT_SHOWN)]
    if mode == "favourites":
        return list(
            Favourite.objects.filter(user=user)
            .order_by("-created_at")
            .values_list("question_id", flat=True)
        )
    return list(practice_bank(category).values_list("pk", flat=True))


def practice_step(
    mode: str,
    user,
    category: Category | None,
    index: int | None,
    rng=random,
    now=None,
    question_id: int | None = None,
) -> PracticeStep:
    """Where the learner is in the mode's sequence: ``index``, or the place of ``question_id``,
    or where sequential practice stopped, or (random) anywhere."""
    ids = practice_sequence(mode, user, category, now)
    if not ids:
        return PracticeStep(None, 0, 0)
    if question_id in ids:
        index = ids.index(question_id)
    if mode == "random" and index is None:
        index = rng.randrange(len(ids))
    elif index is None:
        index = resume_position(user, category) if mode in ("sequential", "chapter") else 0
    index = min(max(index, 0), len(ids) - 1)
    question = Question.objects.select_related("category", "source_article__page").get(
        pk=ids[index]
    )
    return PracticeStep(question, index, len(ids), ids)


def resume_position(user, category: Category | None) -> int:
    progress = PracticeProgress.objects.filter(user=user, category=category).first()
    return progress.position if progress else 0


@dataclass(frozen=True)
class SheetCell:
    index: int
    state: str  # "" (not practised), "right", "wrong"
    current: bool


def practice_sheet(user, step: PracticeStep) -> list[SheetCell]:
    """The 答题卡 around the current question: each number with how the learner last did (one
    query)."""
    start = max(0, min(step.index - SHEET_SIZE // 2, step.total - SHEET_SIZE))
    window = step.ids[start : start + SHEET_SIZE]
    last = dict(
        PracticeRecord.objects.filter(user=user, question_id__in=window).values_list(
            "question_id", "last_correct"
        )
    )
    states = {True: "right", False: "wrong"}
    return [
        SheetCell(start + n, states.get(last.get(pk), ""), start + n == step.index)
        for n, pk in enumerate(window)
    ]


@dataclass(frozen=True)
class ChapterProgress:
    category: Category
    total: int
    practised: int
    graded: int  # automatically graded answers (essays are checked by the learner)
    right: int

    @property
    def accuracy(self) -> int | None:
        return round(self.right * 100 / self.graded) if self.graded else None


def chapter_progress(user) -> list[ChapterProgress]:
    """Each top-level chapter: questions, how many the learner practised, and their 正确率 (three
    queries whatever the number of chapters)."""
    tops = list(Category.objects.filter(parent=None).order_by("sort_order", "name"))
    top_of = {c.pk: c.path.split("/")[0] for c in Category.objects.only("pk", "path")}
    totals: dict[str, int] = defaultdict(int)
    for category_id in practice_bank(None).values_list("category_id", flat=True):
        totals[top_of[category_id]] += 1
    done: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    records = PracticeRecord.objects.filter(user=user, question__status=Question.Status.PUBLISHED)
    for category_id, graded, right in records.values_list(
        "question__category_id", "graded", "right"
    ):
        entry = done[top_of[category_id]]
        entry[0], entry[1], entry[2] = entry[0] + 1, entry[1] + graded, entry[2] + right
    return [ChapterProgress(top, totals[top.path], *done[top.path]) for top in tops]


@dataclass(frozen=True)
class FrequentMistake:
    question: Question
    answered: int
    wrong: int

    @property
    def wrong_rate(self) -> int:
        return round(self.wrong * 100 / self.answered)


def frequent_mistakes(limit: int = 20) -> list[FrequentMistake]:
    """高频错题: the automatically graded questions all learners get wrong most often, from
    practice (first answer of each day) and handed-in papers (four queries)."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    practice = PracticeRecord.objects.filter(question__status=Question.Status.PUBLISHED)
    for pk, graded, right in (
        practice.values("question_id")
        .annotate(a=Sum("graded"), r=Sum("right"))
        .values_list("question_id", "a", "r")
    ):
        counts[pk][0] += graded
        counts[pk][1] += graded - right
    essays = ContentType.objects.get_for_model(QUESTION_TYPES["essay"], False)
    papers = AttemptQuestion.objects.filter(
        is_correct__isnull=False, question__status=Question.Status.PUBLISHED
    ).exclude(question__polymorphic_ctype=essays)  # a marked essay is not right or wrong
    for pk, answered, wrong in (
        papers.values("question_id")
        .annotate(a=Count("pk"), w=Count("pk", filter=Q(is_correct=False)))
        .values_list("question_id", "a", "w")
    ):
        counts[pk][0] += answered
        counts[pk][1] += wrong
    ranked = sorted(
        ((pk, a, w) for pk, (a, w) in counts.items() if a >= FREQUENT_MIN_ANSWERS and w),
        key=lambda row: (-row[2] / row[1], -row[2], row[0]),
    )[:limit]
    questions = (
        Question.objects.non_polymorphic()
        .select_related("category")
        .in_bulk([pk for pk, _, _ in ranked])
    )
    return [FrequentMistake(questions[pk], a, w) for pk, a, w in ranked if pk in questions]


def wrong_book(user, *, category: Category | None = None, kind: str = "") -> QuerySet:
    """The open entries of the book, filtered by chapter (with sub-chapters) and type."""
    entries = open_wrong_entries(user).select_related("question__category")
    if category:
        entries = entries.filter(category.subtree_q(prefix="question__category__"))
    if kind in QUESTION_TYPES:
        content_type = ContentType.objects.get_for_model(QUESTION_TYPES[kind], False)
        entries = entries.filter(question__polymorphic_ctype=content_type)
    return entries.order_by("due_at", "-last_wrong_at")


def practice_overview(user, now) -> dict:
    return {
        "bank_size": Question.objects.published().count(),
        "wrong_open": open_wrong_entries(user).count(),
        "due_today": due_entries(user, now).count(),
        "favourites": Favourite.objects.filter(user=user).count(),
        "chapters": chapter_progress(user),
    }


# Statistics ----------------------------------------------------------------------------------------


def question_type_labels() -> dict[int, str]:
    """Content type id → 单选题 / 多选题 …, from the content type cache."""
    models = ContentType.objects.get_for_models(*QUESTION_TYPES.values(), for_concrete_models=False)
    return {ct.pk: model.type_label for model, ct in models.items()}


@dataclass(frozen=True)
class ItemRow:
    number: int
    question_id: int
    stem: str
    type_label: str
    stats: statistics.ItemStats


@dataclass(frozen=True)
class QuizReport:
    quiz: Quiz
    summary: statistics.Summary
    items: list[ItemRow]


def quiz_report(quiz: Quiz) -> QuizReport:
    """Summary and item analysis of a quiz's finished attempts, in a constant number of queries."""
    finished = Attempt.objects.filter(quiz=quiz, status=Attempt.Status.FINISHED)
    results = [
        statistics.AttemptResult(
            user_id=user_id,
            score=None if pending else score,
            max_score=max_score,
            passed=None if pending else passed,
        )
        for user_id, score, max_score, passed, pending in finished.values_list(
            "user_id", "score", "max_score", "passed", "pending_marking"
        )
    ]
    items = statistics.item_analysis(_item_scores(finished.filter(pending_marking=False)))
    return QuizReport(quiz, statistics.summarize(results), _item_rows(items))


def _item_scores(attempts) -> list[dict]:
    """One {question id: (score, points)} per graded attempt (one query)."""
    papers: dict[int, dict] = {}
    rows = AttemptQuestion.objects.filter(attempt__in=attempts).values_list(
        "attempt_id", "question_id", "score", "points"
    )
    for attempt_id, question_id, score, points in rows:
        papers.setdefault(attempt_id, {})[question_id] = (score, points)
    return list(papers.values())


def _versioned(stem: str, current_id: int | None, version: int) -> str:
    """A version kept for old papers is named as such beside the question's current one."""
    return f"{stem}（第{version}版，已修改）" if current_id else stem


def _item_rows(items: dict[int, statistics.ItemStats]) -> list[ItemRow]:
    """Rows in paper order: by question type (单选 … 简答), then by question id."""
    labels = question_type_labels()
    order = {model.type_label: i for i, model in enumerate(QUESTION_TYPES.values())}
    questions = Question.objects.non_polymorphic().filter(pk__in=list(items))
    values = questions.values_list("pk", "stem", "polymorphic_ctype_id", "current_id", "version")
    found = {
        pk: (_versioned(stem, current, version), labels.get(ct, "题目"))
        for pk, stem, ct, current, version in values
    }
    ids = sorted(items, key=lambda pk: (order.get(found.get(pk, ("", ""))[1], 99), pk))
    return [
        ItemRow(n, pk, *found.get(pk, ("（题目已删除）", "")), items[pk])
        for n, pk in enumerate(ids, start=1)
    ]
