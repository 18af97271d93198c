"""Recall and precision of the public search on a fixed corpus, for every search backend.

The corpus is created once per backend (module scope, rolled back at the end); each query of
``search_corpus.QUERIES`` is then one test on the public search path
(``Page.objects.live().specific().search(q)``). The database backend runs on whatever vendor
the run uses (SQLite by default, PostgreSQL with DATABASE_URL).
"""

import pytest
from django.db import transaction
from django.test import override_settings
from wagtail.models import Page

from tests.content.search_corpus import ALL_TITLES, QUERIES, Case, create_corpus

# The corpus is built once per backend: the whole module runs on one xdist worker.
pytestmark = pytest.mark.xdist_group("search-corpus")

BACKENDS = {
    "whoosh": {"BACKEND": "content.search.whoosh_backend", "LOCK_TIMEOUT": 30},
    "database": {"BACKEND": "content.search.database_backend"},
}


@pytest.fixture(scope="module", params=list(BACKENDS))
def corpus_backends(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The corpus indexed by one backend; yields that WAGTAILSEARCH_BACKENDS setting."""
    config = dict(BACKENDS[request.param])
    if "LOCK_TIMEOUT" in config:
        config["PATH"] = str(tmp_path_factory.mktemp("corpus-index"))
    backends = {"default": config}
    with (
        django_db_blocker.unblock(),
        override_settings(WAGTAILSEARCH_BACKENDS=backends),
        transaction.atomic(),
    ):
        create_corpus()
        yield backends
        transaction.set_rollback(True)


@pytest.fixture
def corpus(corpus_backends, settings) -> None:
    # Runs after the suite-wide fixture that points every test at a fresh index folder.
    settings.WAGTAILSEARCH_BACKENDS = corpus_backends


@pytest.mark.django_db
@pytest.mark.parametrize("case", QUERIES, ids=[f"q{n:02d}" for n in range(len(QUERIES))])
def test_query_finds_expected_pages(corpus, case: Case):
    """Each query finds every page it must and none of those it must not."""
    found = {page.title for page in Page.objects.live().specific().search(case.query)}
    assert found <= ALL_TITLES
    assert case.must_find <= found, f"{case.query!r} missed {sorted(case.must_find - found)}"
    unexpected = sorted(case.must_not_find & found)
    assert not unexpected, f"{case.query!r} also found {unexpected}"
