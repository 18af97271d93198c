"""Demo question bank and quizzes, loaded from ``demo_data/questions.json``.

Each question cites its source passage by a short quotation; the loader resolves it to the
regulation article (or study material) the content demo created from the same documents. The
answer is written as in the Excel import's 答案 column, and read by the same question-type code.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from content.demo.loader import SourceIndex
from content.models import RegulationArticle
from content.search.bulk import index_objects, search_updates_deferred
from quizzes.models import (
    QUESTION_TYPES,
    Category,
    DrawRule,
    KnowledgePoint,
    Question,
    Quiz,
)

QUESTIONS_FILE = Path(__file__).resolve().parent / "demo_data" / "questions.json"
REGULATION_ROOT = "法规纪律"
DEFAULT_POINTS = {"single": 1, "multiple": 2, "truefalse": 1, "fill": 1, "essay": 5}


@dataclass
class QuizDemoReport:
    questions_created: int = 0
    quizzes_created: list[str] = field(default_factory=list)


def load_quizzes(*, now) -> QuizDemoReport:
    """Create the demo bank and quizzes; what exists already is left alone."""
    entries = json.loads(QUESTIONS_FILE.read_text(encoding="utf-8"))
    report = QuizDemoReport()
    created: dict[type, list[Question]] = {}
    with transaction.atomic(), search_updates_deferred(*QUESTION_TYPES.values()):
        existing = set(Question.objects.values_list("stem", flat=True))
        sources, categories = SourceIndex(), {}
        for entry in entries:
            if entry["stem"] not in existing:
                question = create_question(entry, sources, categories)
                created.setdefault(type(question), []).append(question)
        report.questions_created = sum(len(group) for group in created.values())
        report.quizzes_created = _create_quizzes(now)
    for model, questions in created.items():
        index_objects(model, questions)
    return report


def create_question(entry: dict, sources: SourceIndex, categories: dict) -> Question:
    kind = entry["type"]
    source = sources.resolve(entry["source"]["doc"], entry["source"]["quote"])
    if entry["category"] not in categories:
        categories[entry["category"]] = category_for(entry["category"])
    question = QUESTION_TYPES[kind].objects.create(
        stem=entry["stem"],
        explanation=entry["explanation"],
        difficulty=entry["difficulty"],
        points=Decimal(DEFAULT_POINTS[kind]),
        category=categories[entry["category"]],
        status=Question.Status.PUBLISHED,
        source_quote=entry["source"]["quote"],
        fact_group=entry.get("group", ""),
        **_citation(source),
        **_answer_fields(QUESTION_TYPES[kind], entry),
    )
    question.knowledge_points.set(
        [KnowledgePoint.objects.get_or_create(name=tag)[0] for tag in entry["tags"]]
    )
    return question


def _citation(source) -> dict:
    if isinstance(source, RegulationArticle):
        return {
            "source_article": source,
            "source_reference": f"《{source.page.title}》{source.display_label}",
        }
    return {"source_page": source, "source_reference": f"《{source.title}》"}


def _answer_fields(model, entry: dict) -> dict:
    """The type's own fields, read from the entry as the Excel import reads its columns."""
    options = entry.get("options", [])
    return model.excel_fields(stem=entry["stem"], options=options, answer=entry["answer"])


def category_for(path: str) -> Category:
    parent = None
    for name in path.split("/"):
        parent, created = Category.objects.get_or_create(
            name=name, parent=parent, defaults={"is_regulation": name == REGULATION_ROOT}
        )
    return parent


def _create_quizzes(now) -> list[str]:
    created = []
    for spec in _quiz_specs(now):
        rules = spec.pop("rules")
        quiz, made = Quiz.objects.get_or_create(slug=spec["slug"], defaults=spec)
        if made:
            for order, rule in enumerate(rules):
                DrawRule.objects.create(quiz=quiz, sort_order=order, **rule)
            created.append(quiz.title)
    return created


def _type(kind: str) -> ContentType:
    return ContentType.objects.get_for_model(QUESTION_TYPES[kind])


def _quiz_specs(now) -> list[dict]:
    regulation = Category.objects.get(name=REGULATION_ROOT, parent=None)
    objective = [("single", 12, "4"), ("multiple", 5, "4"), ("truefalse", 8, "4")]
    specs = [
        {
            "slug": "sixiang-jiandu-zice",
            "title": "四项监督制度自我测试",
            "mode": Quiz.Mode.SELF_TEST,
            "description": "面向县处级领导干部的限时自我测试：30 分钟，随机抽取 25 道客观题，"
            "交卷后即可查看每道题的解析和所依据的条文。可多次作答。",
            "time_limit_minutes": 30,
            "pass_percent": Decimal(60),
            "is_published": True,
            "rules": [
                {"question_type": _type(kind), "count": count, "points": Decimal(points)}
                for kind, count, points in objective
            ],
        },
        {
            "slug": "zugong-ganbu-tongyi-kaoshi",
            "title": "组工干部统一考试",
            "mode": Quiz.Mode.EXAM,
            "description": "组工干部岗前培训统一考试：60 分钟，限作答 1 次，法规纪律内容不少于 30%，"
            "含 1 道简答题（人工阅卷）。考试结束后公布答案和解析。",
            "time_limit_minutes": 60,
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=60),
            "attempt_limit": 1,
            "pass_percent": Decimal(60),
            "min_regulation_percent": Decimal(30),
            "is_published": True,
            "rules": [
                {
                    "category": regulation,
                    "question_type": _type("single"),
                    "count": 10,
                    "points": Decimal(2),
                },
                {"question_type": _type("single"), "count": 15, "points": Decimal(2)},
                {"question_type": _type("multiple"), "count": 10, "points": Decimal(3)},
                {"question_type": _type("truefalse"), "count": 10, "points": Decimal(1)},
                {"question_type": _type("fill"), "count": 5, "points": Decimal(2)},
                {"question_type": _type("essay"), "count": 1, "points": Decimal(10)},
            ],
        },
    ]
    return specs + _practice_specs()


def _practice_specs() -> list[dict]:
    """One untimed practice set per top-level category: up to 5 questions of each objective type."""
    specs = []
    for top in Category.objects.filter(parent=None).order_by("name"):
        in_category = Question.objects.filter(top.subtree_q(prefix="category__"))
        rules, taken = [], set()
        for kind in ("single", "multiple", "truefalse", "fill"):
            pool = in_category.filter(polymorphic_ctype=_type(kind)).values_list("pk", "fact_group")
            # One question per same-fact group, and no group another type's rule counted on.
            slots = {group or f"#{pk}" for pk, group in pool} - taken
            count = min(len(slots), 5)
            taken |= set(sorted(slots)[:count])
            if count:
                rules.append({"category": top, "question_type": _type(kind), "count": count})
        specs.append(
            {
                "slug": f"practice-{top.pk}",
                "title": f"专项练习：{top.name}",
                "mode": Quiz.Mode.PRACTICE,
                "description": f"“{top.name}”类题目随机练习，不限时，交卷后查看解析。",
                "is_published": True,
                "min_regulation_percent": Decimal(0),
                "rules": rules,
            }
        )
    return specs
