"""The Whoosh backend: indexing through page events, queries, rebuild, concurrency, damage."""

import logging
import multiprocessing
import shutil
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.paginator import Paginator
from modelsearch.backends import get_search_backend
from modelsearch.query import MATCH_ALL, Boost, Fuzzy, Not, Or, PlainText
from wagtail.documents.models import Document
from wagtail.models import Page
from whoosh.index import LockError

from content.models import (
    CaseStudyPage,
    RegulationPage,
    StudyMaterialIndexPage,
    StudyMaterialPage,
)
from content.search.whoosh_backend import WhooshSearchBackend
from tests.content.factories import (
    CaseStudyPageFactory,
    RegulationPageFactory,
    StudyMaterialPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def whoosh(settings, tmp_path) -> WhooshSearchBackend:
    """Every test gets its own, empty Whoosh index as the default backend."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "content.search.whoosh_backend",
            "PATH": str(tmp_path / "whoosh"),
            "LOCK_TIMEOUT": 10,
        }
    }
    return get_search_backend()


def titles(results) -> list[str]:
    return [page.title for page in results]


def live_search(query, **kwargs) -> list[str]:
    return titles(Page.objects.live().specific().search(query, **kwargs))


# Indexing follows page events -------------------------------------------------------------------


def test_published_page_is_found_by_its_words_and_sub_words():
    """A published title is found by a whole word and by a shorter word inside it."""
    RegulationPageFactory(title="有效监督县委书记用人方案")
    assert live_search("县委书记") == ["有效监督县委书记用人方案"]
    assert live_search("书记") == ["有效监督县委书记用人方案"]


def test_article_body_is_searchable():
    """Words found only in a regulation article body find the regulation."""
    RegulationPageFactory(title="全程纪实办法", articles=[("动议", "记录动议时间和参与人员。")])
    assert live_search("参与人员") == ["全程纪实办法"]


def test_republished_page_replaces_its_old_text():
    """After an edit is published, the old title no longer matches and the new one does."""
    page = RegulationPageFactory(title="干部考察工作条例")
    page.title = "干部监督工作条例"
    page.save_revision().publish()
    assert live_search("考察") == []
    assert live_search("监督") == ["干部监督工作条例"]


def test_unpublished_page_leaves_public_results_but_not_the_admin_search():
    """Unpublishing hides a page from live searches; the admin still finds the draft."""
    page = CaseStudyPageFactory(title="带病提拔典型案例")
    page.unpublish()
    assert live_search("带病提拔") == []
    assert titles(Page.objects.search("带病提拔")) == ["带病提拔典型案例"]


def test_moved_page_is_found_under_its_new_parent():
    """A moved page is found when the search is limited to its new section."""
    page = StudyMaterialPageFactory(title="岗前培训通知")
    old_parent = page.get_parent()
    new_parent = old_parent.get_parent().add_child(
        instance=StudyMaterialIndexPage(title="培训专栏", slug="training")
    )
    page.move(new_parent, pos="last-child")
    assert titles(Page.objects.descendant_of(new_parent).search("岗前培训")) == ["岗前培训通知"]
    assert titles(Page.objects.descendant_of(old_parent).search("岗前培训")) == []


def test_deleted_page_leaves_the_index(whoosh):
    """Deleting a page removes its document."""
    page = CaseStudyPageFactory(title="突击提拔案例")
    page.delete()
    assert live_search("突击提拔") == []
    assert f"wagtailcore.page:{page.pk}" not in whoosh.document_ids()


def test_multi_table_child_is_indexed_once_under_its_own_model(whoosh):
    """Indexing a page through its base Page row still yields one RegulationPage document."""
    page = RegulationPageFactory(title="票决制实施细则")
    whoosh.add(Page.objects.get(pk=page.pk))
    labels = whoosh.document_ids()[f"wagtailcore.page:{page.pk}"]
    assert labels.split() == ["content.regulationpage", "wagtailcore.page"]
    assert titles(Page.objects.search("票决制")) == ["票决制实施细则"]


# Queries ------------------------------------------------------------------------------------


def test_quoted_phrase_needs_adjacent_words():
    """A quoted phrase matches consecutive words only; unquoted, the words may be apart."""
    StudyMaterialPageFactory(title="提高选人用人公信度")
    StudyMaterialPageFactory(title="选人和用人都要讲公信度")
    assert live_search('"选人用人公信度"') == ["提高选人用人公信度"]
    assert live_search("“选人用人公信度”") == ["提高选人用人公信度"]
    assert len(live_search("选人用人公信度")) == 2


def test_phrase_matches_across_a_longer_word():
    """A phrase still matches when the page holds one of its words inside a longer word."""
    CaseStudyPageFactory(title="县委突击提拔干部被查处")
    assert live_search('"突击提拔"') == ["县委突击提拔干部被查处"]


def test_several_words_must_all_match_by_default():
    """A multi-word query finds only pages holding every word."""
    RegulationPageFactory(title="县委书记离任检查办法")
    RegulationPageFactory(title="县委书记培训办法")
    assert live_search("县委书记 离任检查") == ["县委书记离任检查办法"]


def test_operator_or_ranks_pages_with_every_word_first():
    """With operator "or" any word matches, and a page holding all the words comes first."""
    StudyMaterialPageFactory(title="离任检查", summary="离任检查" * 5)
    StudyMaterialPageFactory(title="县委书记离任检查")
    StudyMaterialPageFactory(title="县委书记", summary="县委书记" * 5)
    results = live_search("县委书记 离任检查", operator="or")
    assert results[0] == "县委书记离任检查"
    assert sorted(results[1:]) == ["县委书记", "离任检查"]


def test_title_match_outranks_body_match_and_scores_are_annotated():
    """The boosted title field ranks a title match first; annotate_score exposes scores."""
    StudyMaterialPageFactory(title="干部培训通知", summary="新任干部参加离任检查工作培训。")
    StudyMaterialPageFactory(title="离任检查工作规定", summary="新任干部参加工作培训。")
    results = list(Page.objects.live().search("离任检查").annotate_score("score"))
    assert titles(results) == ["离任检查工作规定", "干部培训通知"]
    assert results[0].score > results[1].score > 0


def test_fields_argument_limits_the_searched_fields():
    """``fields=["title"]`` ignores matches in other fields."""
    StudyMaterialPageFactory(title="学时管理规定")
    StudyMaterialPageFactory(title="培训通知", summary="每年不少于50学时")
    assert live_search("学时", fields=["title"]) == ["学时管理规定"]


def test_queryset_filters_and_type_restrict_results():
    """``.type()`` and ordinary ORM filters narrow the matches."""
    CaseStudyPageFactory(title="动议环节违规案例", kind=CaseStudyPage.Kind.WARNING)
    CaseStudyPageFactory(title="动议环节规范案例", kind=CaseStudyPage.Kind.POSITIVE)
    StudyMaterialPageFactory(title="动议环节解读")
    assert sorted(titles(Page.objects.type(CaseStudyPage).search("动议"))) == [
        "动议环节规范案例",
        "动议环节违规案例",
    ]
    warning = CaseStudyPage.objects.filter(kind="warning", slug__isnull=False)
    assert titles(warning.search("动议")) == ["动议环节违规案例"]


def test_results_paginate_without_gaps_or_repeats():
    """Slices, count() and Django's Paginator cover every match exactly once."""
    for n in range(5):
        StudyMaterialPageFactory(title=f"民主推荐材料{n}")
    results = Page.objects.live().search("民主推荐")
    pages = Paginator(results, 2)
    seen = [title for number in pages.page_range for title in titles(pages.page(number))]
    assert results.count() == 5 and len(results[1:3]) == 2
    assert sorted(seen) == [f"民主推荐材料{n}" for n in range(5)]


def test_order_by_relevance_false_keeps_the_queryset_ordering():
    """Without relevance ordering the queryset's own ordering applies."""
    for title in ["任前公示乙", "任前公示甲", "任前公示丙"]:
        StudyMaterialPageFactory(title=title)
    ordered = StudyMaterialPage.objects.order_by("title")
    results = ordered.search("任前公示", order_by_relevance=False)
    assert titles(results) == sorted(["任前公示乙", "任前公示甲", "任前公示丙"])


def test_query_objects_combine_like_boolean_logic():
    """modelsearch's And, Or, Not, Boost and Fuzzy query objects are honoured."""
    StudyMaterialPageFactory(title="县委书记离任检查")
    StudyMaterialPageFactory(title="县委书记任前公示")
    StudyMaterialPageFactory(title="Wagtail 手册")
    pages = Page.objects.type(StudyMaterialPage)
    either = Or([PlainText("离任检查"), PlainText("任前公示")])
    assert len(titles(pages.search(either))) == 2
    assert titles(pages.search(PlainText("县委书记") & Not(PlainText("离任")))) == [
        "县委书记任前公示"
    ]
    assert titles(pages.search(Boost(PlainText("离任检查"), 2))) == ["县委书记离任检查"]
    assert titles(pages.search(Fuzzy("wagtall"))) == ["Wagtail 手册"]


def test_match_all_returns_every_page_of_the_queryset():
    """MATCH_ALL returns the whole queryset."""
    StudyMaterialPageFactory(title="甲")
    StudyMaterialPageFactory(title="乙")
    assert StudyMaterialPage.objects.search(MATCH_ALL).count() == 2


@pytest.mark.parametrize("query", ["", "   ", "的", "的 了", '""'])
def test_empty_or_stop_word_queries_return_nothing(query):
    """Queries without a meaningful word return no results instead of failing."""
    StudyMaterialPageFactory(title="的了")
    assert live_search(query) == []


def test_facet_counts_matches_per_value():
    """facet() counts the matching pages per value of a filter field."""
    CaseStudyPageFactory(title="换届案例一", kind=CaseStudyPage.Kind.WARNING)
    CaseStudyPageFactory(title="换届案例二", kind=CaseStudyPage.Kind.WARNING)
    CaseStudyPageFactory(title="换届案例三", kind=CaseStudyPage.Kind.POSITIVE)
    assert dict(CaseStudyPage.objects.search("换届").facet("kind")) == {"warning": 2, "positive": 1}


def test_autocomplete_matches_partly_typed_chinese_and_latin():
    """Autocomplete finds a title from a partial Chinese run or a Latin prefix."""
    RegulationPageFactory(title="有效监督县委书记用人方案")
    RegulationPageFactory(title="Wagtail 使用手册")
    assert titles(Page.objects.autocomplete("委书")) == ["有效监督县委书记用人方案"]
    assert titles(Page.objects.autocomplete("wag")) == ["Wagtail 使用手册"]
    assert titles(Page.objects.autocomplete("书委")) == []


def test_public_search_page_lists_the_matching_page(client):
    """The site's search page finds a page by a word inside its title, filtered by type."""
    RegulationPageFactory(title="有效监督县委书记用人方案")
    CaseStudyPageFactory(title="县委书记违规用人案例")
    page = client.get("/search/", {"q": "县委书记", "type": "regulation"}).content.decode()
    assert "有效监督县委书记用人方案" in page
    assert "县委书记违规用人案例" not in page


def test_admin_search_box_finds_chinese_words(admin_client):
    """The Wagtail admin page search finds a page by a word inside its title."""
    RegulationPageFactory(title="有效监督县委书记用人方案")
    response = admin_client.get("/admin/pages/search/", {"q": "县委书记"})
    assert "有效监督县委书记用人方案" in response.content.decode()


def test_admin_document_search_finds_chinese_words(admin_client):
    """Documents are indexed with segmentation, so the admin's document search finds them."""
    Document.objects.create(title="干部选拔任用条例解读", file=ContentFile(b"x", name="a.txt"))
    Document.objects.create(title="年度工作总结", file=ContentFile(b"x", name="b.txt"))
    assert titles(Document.objects.search("选拔任用")) == ["干部选拔任用条例解读"]
    response = admin_client.get("/admin/documents/", {"q": "选拔"})
    assert "干部选拔任用条例解读" in response.content.decode()
    assert "年度工作总结" not in response.content.decode()


# Rebuild ----------------------------------------------------------------------------------------


def test_update_index_refills_a_reset_index():
    """After reset_indexes() nothing matches; update_index brings every page back."""
    RegulationPageFactory(title="一报告两评议实施办法")
    get_search_backend().reset_indexes()
    assert live_search("评议") == []
    call_command("update_index", stdout=StringIO())
    assert live_search("评议") == ["一报告两评议实施办法"]


def test_searches_during_a_rebuild_use_the_previous_index(whoosh):
    """While a rebuild fills a new index, searches read the old one; live updates reach both."""
    RegulationPageFactory(title="干部任职试用期规定")
    rebuilder = whoosh.rebuilder_class(whoosh.get_index_for_model(Page))
    rebuilder.start()
    StudyMaterialPageFactory(title="试用期满考核通知")
    assert sorted(live_search("试用期")) == ["干部任职试用期规定", "试用期满考核通知"]
    rebuilder.finish()
    assert live_search("试用期") == ["试用期满考核通知"]


def test_abandoned_rebuild_stops_receiving_live_updates(whoosh):
    """If update_index dies before finishing, its half-built index is dropped."""
    rebuilder = whoosh.rebuilder_class(whoosh.get_index_for_model(Page))
    rebuilder.start()
    building = whoosh.store.building_dir()
    del rebuilder
    assert whoosh.store.building_dir() is None and not building.exists()
    StudyMaterialPageFactory(title="试用期满考核通知")
    assert live_search("试用期") == ["试用期满考核通知"]


def test_rebuild_does_not_overwrite_a_change_published_meanwhile(whoosh):
    """A page edited during a rebuild keeps its new text, even if the rebuild read the old."""
    page = RegulationPageFactory(title="干部考察办法")
    stale = RegulationPage.objects.get(pk=page.pk)
    rebuilder = whoosh.rebuilder_class(whoosh.get_index_for_model(Page))
    rebuilt = rebuilder.start()
    page.title = "干部监督办法"
    page.save_revision().publish()
    rebuilt.add_items(RegulationPage, [stale])
    rebuilder.finish()
    assert live_search("考察") == []
    assert live_search("监督") == ["干部监督办法"]


# Concurrency and damage ---------------------------------------------------------------------------


def _add_pages(path: str, worker: int, count: int) -> None:
    """Runs in a child process: index ``count`` unsaved pages, one commit each."""
    backend = WhooshSearchBackend({"PATH": path, "LOCK_TIMEOUT": 30})
    for n in range(count):
        pk = 10_000 + worker * 100 + n
        backend.add(StudyMaterialPage(id=pk, page_ptr_id=pk, title=f"并发写入{worker}-{n}"))


def test_concurrent_writer_processes_lose_no_document(whoosh):
    """Several OS processes writing one index at once all get their documents in."""
    context = multiprocessing.get_context("fork")
    path = str(whoosh.store.path)
    workers = [context.Process(target=_add_pages, args=(path, w, 15)) for w in range(3)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
    assert [process.exitcode for process in workers] == [0, 0, 0]
    expected = {f"wagtailcore.page:{10_000 + w * 100 + n}" for w in range(3) for n in range(15)}
    assert expected <= set(whoosh.document_ids())


def test_writer_waits_for_the_lock_then_gives_up_after_the_timeout(whoosh):
    """A writer blocked longer than LOCK_TIMEOUT raises LockError instead of hanging."""
    whoosh.store.lock_timeout = 0.2
    held, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with whoosh.store.locked():
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    held.wait(5)
    with pytest.raises(LockError):
        whoosh.get_index_for_model(Page).add_items(Page, [Page(id=1, title="锁")])
    release.set()
    holder.join()


def _garble(directory: Path) -> None:
    for path in directory.iterdir():
        path.write_bytes(b"\x00garbage")


def _delete(directory: Path) -> None:
    shutil.rmtree(directory)


def _old_schema(directory: Path) -> None:
    for path in directory.glob("*modelsearch_v*"):
        path.rename(path.with_name(path.name.replace("modelsearch_v", "modelsearch_old")))


@pytest.mark.parametrize("damage", [_garble, _delete, _old_schema])
def test_damaged_index_returns_nothing_until_update_index(whoosh, caplog, damage):
    """A damaged index logs a warning and yields no results; update_index restores them."""
    RegulationPageFactory(title="有效监督县委书记用人方案")
    damage(whoosh.store.current_dir())
    with caplog.at_level(logging.WARNING, logger="content.search.whoosh_backend"):
        assert live_search("县委书记") == []
    assert "update_index" in caplog.text
    call_command("update_index", stdout=StringIO())
    assert live_search("县委书记") == ["有效监督县委书记用人方案"]


def test_publishing_into_a_damaged_index_replaces_it(whoosh):
    """A page saved while the index is damaged is still indexed (into a fresh index)."""
    _garble(whoosh.store.current_dir())
    StudyMaterialPageFactory(title="离任检查通知")
    assert live_search("离任检查") == ["离任检查通知"]
