import json

import pytest
from django.conf import settings
from django.utils import timezone

from content.demo import seeds
from content.demo.loader import article_text, material_text
from quizzes import selectors
from quizzes.demo import QUESTIONS_FILE, load_quizzes
from quizzes.drawing import check
from quizzes.grading import normalize_text
from quizzes.models import FillBlankQuestion, Question, Quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_quizzes(demo_site, db):
    """The report of the demo's quiz loader (the whole demo is in the database)."""
    return demo_site.quizzes


def cited_text(question: Question) -> str:
    if question.source_article_id:
        return question.source_article.section + article_text(question.source_article)
    page = question.source_page.specific
    return material_text(page) if hasattr(page, "body") else page.preamble


def test_demo_bank_is_large_and_has_every_type(demo_quizzes):
    """The demo bank holds at least 150 published questions of all five types."""
    assert demo_quizzes.questions_created >= 150
    types = set(Question.objects.values_list("polymorphic_ctype__model", flat=True))
    assert types == {
        "singlechoicequestion",
        "multiplechoicequestion",
        "truefalsequestion",
        "fillblankquestion",
        "essayquestion",
    }


def test_every_demo_question_cites_the_passage_holding_its_key_fact(demo_quizzes):
    """Each question's quoted key fact is found in the article or material it cites."""
    for question in Question.objects.select_related("source_article__page", "source_page"):
        assert question.source_article_id or question.source_page_id, question.stem
        passage = seeds.compact(seeds.anonymize(cited_text(question)))
        assert seeds.compact(seeds.anonymize(question.source_quote)) in passage, question.stem


def test_fill_answers_appear_in_the_cited_passage(demo_quizzes):
    """For fill-in questions, an accepted answer of every blank is in the cited passage."""
    for question in FillBlankQuestion.objects.select_related("source_article__page", "source_page"):
        passage = normalize_text(cited_text(question))
        for accepted in question.blanks:
            assert any(normalize_text(a) in passage for a in accepted), (question.stem, accepted)


def test_demo_quizzes_have_feasible_blueprints(demo_quizzes):
    """The self-test, the unified exam and every practice set can always be drawn."""
    titles = set(Quiz.objects.values_list("title", flat=True))
    assert {"四项监督制度自我测试", "组工干部统一考试"} <= titles
    for quiz in Quiz.objects.all():
        assert check(selectors.blueprint_for(quiz)) == [], quiz.title


def test_self_test_matches_the_brief(demo_quizzes):
    """The self-test is 30 minutes, 25 drawn questions, at least 15% regulation content."""
    quiz = Quiz.objects.get(title="四项监督制度自我测试")
    assert quiz.time_limit_minutes == 30 and quiz.min_regulation_share >= 0.15
    assert sum(rule.count for rule in quiz.draw_rules.all()) == 25


def test_demo_question_file_is_the_projects_own_words():
    """No demo question copies 40 or more consecutive characters of a source document."""
    windows = set()
    for path in settings.DEMO_SEEDS_DIR.glob("*.txt"):
        text = seeds.compact(path.read_text(encoding="utf-8"))
        windows.update(text[i : i + 40] for i in range(len(text) - 39))
    data = seeds.compact(
        json.dumps(json.loads(QUESTIONS_FILE.read_text(encoding="utf-8")), ensure_ascii=False)
    )
    assert not any(data[i : i + 40] in windows for i in range(len(data) - 39))


def test_loading_twice_changes_nothing(demo_quizzes):
    """The quiz demo loader is idempotent."""
    again = load_quizzes(now=timezone.now())
    assert again.questions_created == 0 and again.quizzes_created == []
