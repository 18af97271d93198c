"""The segmenting database backend on the current database vendor (SQLite FTS5 or PostgreSQL)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from modelsearch.backends import get_search_backend
from modelsearch.query import Or, Phrase, PlainText
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from content.models import RegulationPage
from content.search.database_backend import segment_query
from tests.content.factories import (
    CaseStudyPageFactory,
    RegulationPageFactory,
    StudyMaterialPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_backend(settings):
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "content.search.database_backend"}}
    return get_search_backend()


def live_search(query, **kwargs) -> list[str]:
    return [page.title for page in Page.objects.live().specific().search(query, **kwargs)]


def test_backend_extends_the_vendor_full_text_backend(database_backend):
    """SQLite runs get the FTS5 backend, PostgreSQL runs the PostgreSQL one, both segmenting."""
    expected = {"sqlite": "SQLiteSearchBackend", "postgresql": "PostgresSearchBackend"}
    assert type(database_backend).__name__ == "Segmented" + expected[connection.vendor]


def test_word_inside_a_longer_word_is_found():
    """县委书记 and its part 书记 both find a title where they are not separate tokens."""
    RegulationPageFactory(title="有效监督县委书记用人方案")
    assert live_search("县委书记") == ["有效监督县委书记用人方案"]
    assert live_search("书记") == ["有效监督县委书记用人方案"]


def test_article_body_and_rich_text_are_searched():
    """Related article bodies and rich-text case bodies are indexed segmented."""
    RegulationPageFactory(title="票决办法", articles=[("范围", "提交全委会无记名投票表决")])
    CaseStudyPageFactory(title="举报核查案例", body="<p>群众通过12380举报反映问题。</p>")
    assert live_search("无记名投票") == ["票决办法"]
    assert live_search("12380") == ["举报核查案例"]


def test_all_words_must_match_and_stop_words_are_ignored():
    """A multi-word query needs every word; a stop-word-only query finds nothing."""
    StudyMaterialPageFactory(title="县委书记离任检查")
    StudyMaterialPageFactory(title="县委书记培训")
    assert live_search("县委书记的离任检查") == ["县委书记离任检查"]
    assert live_search("的") == []


def test_quoted_phrase_needs_adjacent_words():
    """A quoted phrase matches consecutive words only."""
    StudyMaterialPageFactory(title="提高选人用人公信度")
    StudyMaterialPageFactory(title="选人和用人都要讲公信度")
    assert live_search('"选人用人公信度"') == ["提高选人用人公信度"]


def test_autocomplete_matches_a_partly_typed_word():
    """The admin's autocomplete finds a title from its first characters."""
    RegulationPageFactory(title="有效监督县委书记用人方案")
    assert [p.title for p in Page.objects.autocomplete("有效监督县委书")] == [
        "有效监督县委书记用人方案"
    ]


def test_child_indexed_through_its_base_row_has_one_entry(database_backend):
    """Indexing a RegulationPage via its Page row keeps one entry and one search hit."""
    page = RegulationPageFactory(title="票决制实施细则")
    database_backend.add(Page.objects.get(pk=page.pk))
    assert IndexEntry.objects.filter(object_id=str(page.pk)).count() == 1
    assert live_search("票决制") == ["票决制实施细则"]


def test_update_index_rebuilds_segmented_entries():
    """update_index re-creates the segmented entries after a reset."""
    RegulationPageFactory(title="一报告两评议实施办法")
    get_search_backend().reset_indexes()
    assert live_search("评议") == []
    call_command("update_index", stdout=StringIO())
    assert [p.title for p in RegulationPage.objects.search("评议")] == ["一报告两评议实施办法"]


def test_segment_query_turns_quotes_into_phrases_and_drops_stop_words():
    """Query rewriting segments text, makes quoted parts phrases and drops stop-word parts."""
    query = segment_query(PlainText('的 "县委书记" 离任', operator="and"))
    assert repr(query) == (
        "<And <Phrase '县委 书记 县委书记'> <PlainText '离任' operator='and' boost=1>>"
    )
    assert segment_query(Or([PlainText("的"), Phrase("了")])) is None
