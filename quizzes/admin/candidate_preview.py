"""学员视角预览: a quiz or a question as a candidate's attempt page shows it, for those who may
edit it. A paper is drawn in memory as a start would draw it; no attempt is created and the
page has no save or finish script."""

import random
from functools import cached_property

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView
from wagtail.permissions import policy_registry

from common.admin import PolicyCheckedMixin
from quizzes import presenters, services
from quizzes.drawing import BlueprintError
from quizzes.models import AttemptQuestion, Question, Quiz

TEMPLATE = "quizzes/candidate_preview.html"
BANNER = "学员视角预览：不计成绩，答案不会保存。"


def preview_context(*, title: str, kind: str, rows: list[AttemptQuestion], problems=()) -> dict:
    """The template's context for some unsaved paper rows, each with its ``question`` set."""
    items = [presenters.paper_item(row) for row in rows]
    return {
        "title": title,
        "kind": kind,
        "items": items,
        "sections": presenters.sections(items),
        "banner": BANNER,
        "problems": list(problems),
    }


def with_questions(rows: list[AttemptQuestion]) -> list[AttemptQuestion]:
    """Each row's question as its real type (one query per question type)."""
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=[r.question_id for r in rows])}
    for row in rows:
        row.question = by_id[row.question_id]
    return rows


class QuizCandidatePreviewView(PolicyCheckedMixin, TemplateView):
    """A fresh random paper of the quiz, as its candidates' attempt page shows it."""

    model = Quiz
    any_permission_required = ["add", "change"]
    template_name = TEMPLATE

    def get_context_data(self, **kwargs):
        quiz = get_object_or_404(Quiz, pk=self.kwargs["pk"])
        try:
            rows = services.preview_paper(quiz=quiz, rng=random.SystemRandom())
        except BlueprintError as error:
            rows, problems = [], error.problems
        else:
            problems = [] if rows else ["本测试尚未设置试题。"]
        kind = f"{quiz.get_mode_display()} · 共 {len(rows)} 题"
        return preview_context(
            title=quiz.title, kind=kind, rows=with_questions(rows), problems=problems
        )


class QuestionCandidatePreviewView(PolicyCheckedMixin, TemplateView):
    """One question as it stands on a paper (options in their own order)."""

    any_permission_required = ["add", "change"]
    template_name = TEMPLATE

    @cached_property
    def question(self) -> Question:
        return get_object_or_404(Question, pk=self.kwargs["pk"])

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(type(self.question))

    def get_context_data(self, **kwargs):
        question = self.question
        count = len(getattr(question, "options", None) or [])
        row = AttemptQuestion(
            question=question, position=1, points=1, option_order=list(range(count))
        )
        return preview_context(title=f"{question.type_label}预览", kind="单题预览", rows=[row])
