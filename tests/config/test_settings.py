"""The settings module read in a fresh interpreter with a given environment."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "SEARCH_BACKEND",
    "SEARCH_URL",
)


def read_settings(tmp_path, expression: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in KEYS}
    clean.update(env, VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    code = f"import json; from config import settings as s; print(json.dumps({expression}))"
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, cwd=ROOT
    )


def value(tmp_path, expression: str, **env: str):
    result = read_settings(tmp_path, expression, DJANGO_SECRET_KEY="k" * 50, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_secret_key(tmp_path):
    """With DEBUG off and no DJANGO_SECRET_KEY the WSGI application refuses to start."""
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    env.update(VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY 未设置" in result.stderr


def test_production_starts_with_a_secret_key(tmp_path):
    """With DJANGO_SECRET_KEY set the WSGI application loads."""
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    env.update(VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT), DJANGO_SECRET_KEY="k" * 50)
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


def test_migration_check_runs_without_a_secret_key(tmp_path):
    """Commands that sign nothing (the migration check) run without DJANGO_SECRET_KEY."""
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    env.update(VAR_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        env=env, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_sqlite_is_the_default_with_wal_and_immediate_transactions(tmp_path):
    """Without DATABASE_URL the site runs on SQLite in WAL mode with IMMEDIATE transactions."""
    db = value(tmp_path, 's.DATABASES["default"]')
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and db["OPTIONS"]["timeout"] >= 5


def test_database_url_switches_to_postgresql(tmp_path):
    """DATABASE_URL selects PostgreSQL."""
    db = value(tmp_path, 's.DATABASES["default"]', DATABASE_URL="postgres://u:p@db:5432/site")
    assert (db["ENGINE"], db["HOST"], db["NAME"]) == ("django.db.backends.postgresql", "db", "site")


def test_redis_url_moves_cache_and_sessions_to_redis(tmp_path):
    """REDIS_URL puts the cache on Redis and reads sessions from it, kept in the database too."""
    cache, sessions = value(
        tmp_path, '[s.CACHES["default"], s.SESSION_ENGINE]', REDIS_URL="redis://127.0.0.1:6379/1"
    )
    assert cache["BACKEND"].endswith("RedisCache") and cache["LOCATION"].startswith("redis://")
    assert cache["BACKEND"] == "common.cache.ForgivingRedisCache"
    assert sessions == "django.contrib.sessions.backends.cached_db"


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "content.search.whoosh_backend"),
        ({"SEARCH_BACKEND": "database"}, "content.search.database_backend"),
        ({"SEARCH_URL": "http://search:9200"}, "wagtail.search.backends.opensearch2"),
    ],
)
def test_search_backend_is_chosen_by_environment(tmp_path, env, backend):
    """Whoosh by default, the segmented database backend or OpenSearch on request."""
    assert value(tmp_path, 's.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]', **env) == backend


def test_language_and_time_zone(tmp_path):
    """The site speaks Simplified Chinese on Shanghai time."""
    assert value(tmp_path, "[s.LANGUAGE_CODE, s.TIME_ZONE]") == ["zh-hans", "Asia/Shanghai"]


CONCURRENT_WRITERS = textwrap.dedent(
    """
    import os, threading, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    django.setup()
    from django.db import connection, transaction
    with connection.cursor() as c:
        c.execute("CREATE TABLE counter (n INTEGER)")
        c.execute("INSERT INTO counter VALUES (0)")
    errors = []
    def work():
        from django.db import connection
        try:
            for _ in range(40):
                with transaction.atomic():
                    with connection.cursor() as c:
                        c.execute("SELECT n FROM counter")
                        n = c.fetchone()[0]
                        c.execute("UPDATE counter SET n = %s", [n + 1])
        except Exception as e:
            errors.append(repr(e))
        finally:
            connection.close()
    threads = [threading.Thread(target=work) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    with connection.cursor() as c:
        c.execute("SELECT n FROM counter")
        print(c.fetchone()[0], len(errors), errors[:1])
    """
)


def test_concurrent_sqlite_writers_never_see_database_locked(tmp_path):
    """Six threads doing read-then-write transactions lose no update and hit no lock error."""
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    env.update(VAR_DIR=str(tmp_path), DJANGO_DEBUG="1", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", CONCURRENT_WRITERS],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["240", "0"], result.stdout


def test_numbers_are_read_from_the_environment_or_refused_by_name(tmp_path):
    """A numeric variable is read as a number; one that is not a number stops start-up, named."""
    assert value(tmp_path, "s.QUIZ_SAVE_GRACE_SECONDS", QUIZ_SAVE_GRACE_SECONDS="90") == 90
    assert value(tmp_path, "s.SESSION_COOKIE_AGE", SESSION_IDLE_HOURS="0.5") == 1800
    result = read_settings(tmp_path, "1", QUIZ_SAVE_GRACE_SECONDS="一分钟")
    assert result.returncode != 0
    assert "环境变量 QUIZ_SAVE_GRACE_SECONDS 应为数字" in result.stderr
