"""Headless Chromium (Debian's, never a downloaded build) driven through Playwright."""

import os
import shutil

import pytest
from django.db import connection

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (setting up data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _desktop_page(browser):
    """A page at desktop width in a browser context of its own (its own cookies)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser):
    context, page = _desktop_page(browser)
    yield page
    context.close()


@pytest.fixture
def second_page(browser):
    """Another person at another computer: a page in a second browser context."""
    context, page = _desktop_page(browser)
    yield page
    context.close()


@pytest.fixture
def committed_demo(request, settings, search_index):
    """The demo content and quizzes, committed for the live server, with their search index.

    On SQLite this is the demo loaded once per process, put back before each test
    (``demo_site``); on PostgreSQL the test loads it and the database is emptied after.
    """
    if connection.vendor == "sqlite":
        demo = request.getfixturevalue("demo_site")
        index = settings.WAGTAILSEARCH_BACKENDS["default"].get("PATH")
        if index and demo.index.exists():
            shutil.copytree(demo.index, index, dirs_exist_ok=True)
        return
    from django.utils import timezone

    from content.demo.loader import load_content
    from content.services import ensure_site_tree
    from quizzes.demo import load_quizzes

    ensure_site_tree()
    load_content(seeds_dir=settings.DEMO_SEEDS_DIR)
    load_quizzes(now=timezone.now())
