"""Question drafts from a regulation's quantified clauses, into the bank, and their acceptance.

Drafts are saved as 草稿 with the origin 自动草拟（待审）: no paper and no practice shows them
(``quizzes.models.bank.drawable_q``) until a person edits one or accepts it here. Each draft
keeps a key computed from its article, clause and number, so drafting again skips what is there.
The three drafts of one clause share a same-fact group; when the bank already tests the fact
(a question citing the same article and holding the same number), the drafts join that
question's group and say so in 复核原因.
"""

from dataclasses import dataclass

from django.db import transaction

from content.models import RegulationArticle, RegulationPage
from quizzes import drafting
from quizzes.models import (
    Category,
    FillBlankQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

MAKERS = {"fill": FillBlankQuestion, "truefalse": TrueFalseQuestion, "single": SingleChoiceQuestion}
GROUP_LENGTH = Question._meta.get_field("fact_group").max_length


@dataclass(frozen=True)
class DraftReport:
    clauses: int  # quantified clauses found
    created: int  # drafts added to the bank
    skipped: int  # drafts already in the bank from an earlier run
    known: int  # created drafts of a fact the bank already tests (grouped and flagged)


@dataclass(frozen=True)
class Planned:
    article: RegulationArticle
    draft: drafting.Draft


def plan(page: RegulationPage, article: RegulationArticle | None = None) -> list[Planned]:
    """Every draft of the page (or of one of its articles), in article order."""
    articles = list(page.articles.all())
    found = [(a, f) for a in articles for f in drafting.find_clauses(a.body)]
    others = [f.quantity for _, f in found]
    unclear = drafting.ambiguous([f for _, f in found])
    planned = []
    for index, (item, finding) in enumerate(found):
        if article is not None and item.pk != article.pk:
            continue
        drafts = drafting.make_drafts(
            finding,
            citation=f"《{page.title}》{item.display_label}",
            others=others,
            anchor=str(item.pk),
            unclear=index in unclear,
        )
        planned += [Planned(item, draft) for draft in drafts]
    return planned


def known_facts(article_ids: list[int]) -> dict[tuple[int, str], Question]:
    """(article id, fact) → a question of the bank (not a pending draft) that tests it."""
    questions = (
        Question.objects.current()
        .filter(source_article_id__in=article_ids)
        .exclude(origin=Question.Origin.AUTO_DRAFT)
        .order_by("pk")
    )
    facts: dict[tuple[int, str], Question] = {}
    for question in questions:  # polymorphic: one query per question type
        text = "。".join([question.stem, question.source_quote, question.key_text()])
        for fact in drafting.fact_keys(text):
            facts.setdefault((question.source_article_id, fact), question)
    return facts


def draft_questions(
    *,
    page: RegulationPage,
    category: Category,
    user,
    now,
    article: RegulationArticle | None = None,
) -> DraftReport:
    """Adds the page's (or the article's) question drafts that are not in the bank yet."""
    planned = plan(page, article)
    with transaction.atomic():
        keys = [p.draft.key for p in planned]
        existing = set(
            Question.objects.filter(draft_key__in=keys).values_list("draft_key", flat=True)
        )
        facts = known_facts(sorted({p.article.pk for p in planned}))
        fresh = [p for p in planned if p.draft.key not in existing]
        known = sum(_save(p, category=category, user=user, facts=facts) for p in fresh)
    clauses = len({(p.article.pk, p.draft.quote, p.draft.fact) for p in planned})
    return DraftReport(clauses, len(fresh), len(planned) - len(fresh), known)


def _save(planned: Planned, *, category: Category, user, facts) -> bool:
    """Saves one draft; True when it joined the group of a question the bank already had."""
    draft, article = planned.draft, planned.article
    twin = facts.get((article.pk, draft.fact))
    group = f"草拟·{article.pk}·{draft.fact}"[:GROUP_LENGTH]
    note = draft.note
    if twin is not None:
        if not twin.fact_group:
            Question.objects.filter(pk=twin.pk).update(fact_group=group)
            twin.fact_group = group
        group = twin.fact_group
        note += f"题库已有考查同一事实的题目（编号 {twin.pk}：{twin.stem[:30]}），已归入其同题组。"
    MAKERS[draft.kind].objects.create(
        stem=draft.stem,
        explanation=draft.explanation,
        category=category,
        status=Question.Status.DRAFT,
        origin=Question.Origin.AUTO_DRAFT,
        draft_key=draft.key,
        source_article=article,
        source_quote=draft.quote,
        fact_group=group,
        review_note=note,
        created_by=user,
        **_answer(draft),
    )
    return twin is not None


def _answer(draft: drafting.Draft) -> dict:
    if draft.kind == "fill":
        return {"blanks": draft.blanks}
    if draft.kind == "single":
        return {"options": draft.options, "correct": draft.correct}
    return {"correct": draft.correct}


def accept_drafts(*, ids: list[int], now) -> int:
    """Publishes the pending drafts among ``ids`` as they stand; returns how many."""
    with transaction.atomic():
        pending = list(
            Question.objects.non_polymorphic()
            .pending_drafts()
            .filter(pk__in=ids)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        Question.objects.filter(pk__in=pending).update(
            status=Question.Status.PUBLISHED,
            origin=Question.Origin.AUTO_ACCEPTED,
            updated_at=now,
        )
    return len(pending)
