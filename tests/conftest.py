import pytest


@pytest.fixture(autouse=True)
def _isolated_media_and_index(settings, tmp_path):
    """Every test writes uploads and its search index into its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    backends = settings.WAGTAILSEARCH_BACKENDS
    if "PATH" in backends["default"]:
        settings.WAGTAILSEARCH_BACKENDS = {
            "default": {**backends["default"], "PATH": str(tmp_path / "search_index")}
        }


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo (pages, question bank, quizzes) loaded once per test module.

    It is written inside a transaction that is rolled back after the module; each test that
    also asks for ``db`` runs in a savepoint on top of it.
    """
    from django.conf import settings
    from django.db import transaction
    from django.test import override_settings
    from django.utils import timezone

    from content.demo.loader import load_content
    from quizzes.demo import load_quizzes

    backend = {**settings.WAGTAILSEARCH_BACKENDS["default"]}
    if "PATH" in backend:
        backend["PATH"] = str(tmp_path_factory.mktemp("demo-index"))
    with (
        django_db_blocker.unblock(),
        override_settings(WAGTAILSEARCH_BACKENDS={"default": backend}),
        transaction.atomic(),
    ):
        pages = load_content(seeds_dir=settings.DEMO_SEEDS_DIR)
        quizzes = load_quizzes(now=timezone.now())
        yield pages, quizzes
        transaction.set_rollback(True)
