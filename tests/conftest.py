"""What every test shares: private media and search index folders, one migrated SQLite
database per run under xdist, the demo site loaded once per test process, and the ``postgres``
marker for races that only PostgreSQL can show."""

import shutil
import sqlite3
from io import StringIO
from pathlib import Path

import pytest

POSTGRES_ONLY = (
    "needs PostgreSQL: SQLite lets one writer in at a time, so this race cannot happen there "
    "and the row lock it checks could be missing unnoticed"
)
DEMO_GROUP = "demo"
# Fixtures that give a test the demo. ``committed_demo`` (tests/e2e) shares the demo only on
# SQLite: on PostgreSQL it loads the demo itself, outside the rolled-back transaction.
DEMO_FIXTURES = {"demo_site"}
DEMO_FIXTURES_ON_SQLITE = {"committed_demo"}


@pytest.fixture(autouse=True)
def _isolated_media_and_index(settings, tmp_path):
    """Every test writes uploads and its search index into its own temporary folder.

    Saving an object updates the search index only in tests that ask for ``search_index``:
    the search backend logs indexing errors instead of raising them, so a test that does not
    search cannot notice the index, and indexing is a good part of the cost of saving.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    backend = {**settings.WAGTAILSEARCH_BACKENDS["default"], "AUTO_UPDATE": False}
    if "PATH" in backend:
        backend["PATH"] = str(tmp_path / "search_index")
    settings.WAGTAILSEARCH_BACKENDS = {"default": backend}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: nothing kept by an earlier test's rows."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def search_index(settings, _isolated_media_and_index):
    """Saved objects are indexed as in production: for tests that search, or that measure work
    which includes indexing."""
    backend = {**settings.WAGTAILSEARCH_BACKENDS["default"]}
    backend.pop("AUTO_UPDATE")
    settings.WAGTAILSEARCH_BACKENDS = {"default": backend}


# One migrated SQLite database per run --------------------------------------------------------
#
# Migrating the test database costs seconds of CPU. Under xdist the first worker migrates and
# leaves a copy in the run's shared temporary folder; the others copy it into place and keep it
# (pytest-django's "keepdb"), so their migrate finds nothing left to do.


class MigratedTemplate:
    """The run's migrated database, copied by xdist workers instead of migrating again."""

    def __init__(self):
        self.lock = None  # held by the worker that migrates, until the copy exists
        self.copied_to: Path | None = None

    def prepare(self, folder: Path, test_database: Path) -> bool:
        """Put the run's migrated copy in place of ``test_database``; False when this worker
        has to migrate (and then ``publish``)."""
        import fcntl

        self.template = folder / "migrated.sqlite3"
        self.lock = open(folder / "migrated.lock", "w")  # noqa: SIM115 - held across fixtures
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        if not self.template.exists():
            return False
        shutil.copyfile(self.template, test_database)
        self.copied_to = test_database
        self._release()
        return True

    def publish(self) -> None:
        if self.lock is None:
            return
        from django.db import connection

        partial = self.template.with_suffix(".partial")
        target = sqlite3.connect(partial)
        try:
            connection.ensure_connection()
            connection.connection.backup(target)
        finally:
            target.close()
        partial.rename(self.template)
        self._release()

    def remove_copy(self) -> None:
        """The copy is kept by Django (keepdb): remove it at the end of the run."""
        if self.copied_to is None:
            return
        from django.db import connections

        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.copied_to}{suffix}").unlink(missing_ok=True)

    def _release(self) -> None:
        self.lock.close()
        self.lock = None


TEMPLATE = MigratedTemplate()


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_keepdb, django_db_modify_db_settings, tmp_path_factory):
    """pytest-django's option, or True when an xdist worker found the run's migrated copy."""
    from django.db import connection

    worker = getattr(request.config, "workerinput", None)
    if django_db_keepdb or worker is None or connection.vendor != "sqlite":
        return django_db_keepdb
    test_database = Path(connection.settings_dict["TEST"]["NAME"])
    return TEMPLATE.prepare(tmp_path_factory.getbasetemp().parent, test_database)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, then the migrated copy left for the other xdist workers."""
    with django_db_blocker.unblock():
        TEMPLATE.publish()
    yield
    with django_db_blocker.unblock():
        TEMPLATE.remove_copy()


# The demo site --------------------------------------------------------------------------------


class DemoDatabase:
    """The whole demo (pages, question bank, quizzes), loaded once per test process.

    The tests that use it run one after another (on one xdist worker: they share an xdist
    group). It is put in place before the first of them and taken away as soon as the next
    test does not use it, so no other test sees it:

    - SQLite: the demo is committed. The database file is copied (SQLite's backup API) before
      loading and after: the loaded copy is put back before each test that commits (the e2e
      tests, for the live server) and whenever the demo tests start again; the copy from before
      is put back when they stop.
    - PostgreSQL: the demo is loaded inside a transaction that is rolled back when they stop;
      each test runs in a savepoint on top of it. Tests that commit cannot share it there.
    """

    def __init__(self):
        self.pages = self.quizzes = None  # the reports of the two loaders
        self.active = False
        self.folder: Path | None = None
        self._blocker = None
        self._atomic = None

    @property
    def on_sqlite(self) -> bool:
        from django.db import connection

        return connection.vendor == "sqlite"

    @property
    def index(self) -> Path:
        """The search index folder built with the demo (file-based search backends)."""
        return self.folder / "index"

    def load(self, blocker, folder: Path) -> None:
        from django.conf import settings
        from django.core.management import call_command
        from django.test import override_settings
        from django.utils import timezone

        from content.demo.loader import load_content
        from content.services import ensure_site_tree
        from quizzes.demo import load_quizzes

        self._blocker, self.folder = blocker, folder
        backend = {**settings.WAGTAILSEARCH_BACKENDS["default"]}
        backend.pop("AUTO_UPDATE", None)
        if "PATH" in backend:
            backend["PATH"] = str(self.index)
        with blocker.unblock():
            self._begin()
            with override_settings(
                WAGTAILSEARCH_BACKENDS={"default": {**backend, "AUTO_UPDATE": False}}
            ):
                ensure_site_tree()  # after a transactional test the database is empty
                pages = load_content(seeds_dir=settings.DEMO_SEEDS_DIR)
                quizzes = load_quizzes(now=timezone.now())
            # One rebuild of the search index costs less than indexing object by object.
            with override_settings(WAGTAILSEARCH_BACKENDS={"default": backend}):
                call_command("update_index", verbosity=0, stdout=StringIO())
            if self.on_sqlite:
                self._copy(to=self.folder / "loaded.sqlite3")
        self.pages, self.quizzes = pages, quizzes
        self.active = True

    def enter(self, *, commits: bool) -> None:
        """Before a test that uses the demo (after the first: the fixture loads it)."""
        if self.pages is None:
            return
        if not self.active:
            with self._blocker.unblock():
                if self.on_sqlite:
                    self._begin()
                    self._put_back(self.folder / "loaded.sqlite3")
                else:  # the loading transaction is gone: load again
                    self.load(self._blocker, self.folder)
            self.active = True
        elif commits and self.on_sqlite:
            with self._blocker.unblock():
                self._put_back(self.folder / "loaded.sqlite3")

    def leave(self) -> None:
        """After the last of a run of tests that use the demo."""
        if not self.active:
            return
        with self._blocker.unblock():
            if self.on_sqlite:
                self._put_back(self.folder / "before.sqlite3")
            else:
                from django.db import transaction

                transaction.set_rollback(True)
                self._atomic.__exit__(None, None, None)
                self._atomic = None
        self.active = False

    def _begin(self) -> None:
        if self.on_sqlite:
            self._copy(to=self.folder / "before.sqlite3")
        else:
            from django.db import transaction

            self._atomic = transaction.atomic()
            self._atomic.__enter__()

    @staticmethod
    def _raw():
        from django.db import connection

        connection.ensure_connection()
        return connection.connection

    def _copy(self, *, to: Path) -> None:
        target = sqlite3.connect(to)
        try:
            self._raw().backup(target)
        finally:
            target.close()

    def _put_back(self, source: Path) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.core.cache import caches

        copy = sqlite3.connect(source)
        try:
            copy.backup(self._raw())
        finally:
            copy.close()
        # Rows changed behind Django's back: forget what was cached about them.
        ContentType.objects.clear_cache()
        for cache in caches.all():
            cache.clear()


DEMO = DemoDatabase()


def uses_demo(item: pytest.Item) -> bool:
    from django.db import connection

    names = set(getattr(item, "fixturenames", ()))
    return bool(
        names & DEMO_FIXTURES or (connection.vendor == "sqlite" and names & DEMO_FIXTURES_ON_SQLITE)
    )


def commits(item: pytest.Item) -> bool:
    """Whether the test commits (a transactional test, which empties the database after)."""
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker and marker.kwargs.get("transaction")) or names & {"transactional_db", "live_server"}
    )


@pytest.fixture(scope="session")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory) -> DemoDatabase:
    """The whole demo, loaded once per test process (see ``DemoDatabase``); ``.pages`` and
    ``.quizzes`` are the reports of its two loaders. Tests that do not commit also need ``db``,
    as usual."""
    DEMO.load(django_db_blocker, tmp_path_factory.mktemp("demo"))
    yield DEMO
    DEMO.leave()
    shutil.rmtree(DEMO.folder, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` are skipped on other databases. The tests that use the demo
    run one after another, on one xdist worker: each run of them (those that commit come with
    the other transactional tests, at the end) is moved to where its first test was."""
    from django.db import connection

    if connection.vendor != "postgresql":
        for item in items:
            if item.get_closest_marker("postgres"):
                item.add_marker(pytest.mark.skip(reason=POSTGRES_ONLY))
    demo = [item for item in items if uses_demo(item)]
    for item in demo:
        item.add_marker(pytest.mark.xdist_group(DEMO_GROUP))
    for run in ([i for i in demo if not commits(i)], [i for i in demo if commits(i)]):
        if run:
            position = items.index(run[0])
            moved = set(map(id, run))
            rest = [item for item in items if id(item) not in moved]
            items[:] = rest[:position] + run + rest[position:]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    if uses_demo(item):
        DEMO.enter(commits=commits(item))
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    yield
    if DEMO.active and (nextitem is None or not uses_demo(nextitem)):
        DEMO.leave()


@pytest.fixture
def editor(db):
    """A member of Wagtail's Editors group: adds and edits pages, cannot publish, holds no quiz
    or training rights."""
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory()
    user.groups.add(Group.objects.get(name="Editors"))
    return user
