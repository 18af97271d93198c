"""The Redis path (cache and sessions) on a real Redis server, and a Redis outage mid-exam:
the site keeps serving, nobody is logged out and no answer is lost."""

import json
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common import cache as forgiving
from quizzes import services
from quizzes.models import AttemptQuestion
from tests.factories import UserFactory
from tests.quizzes import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]
PASSWORD = "Exam-day-2026"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away redis-server of the test's own, so stopping it disturbs nobody else."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        self.process.kill()
        self.process.wait()

    def pause(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.resume() if server.process.poll() is None else None
    server.kill()


@pytest.fixture
def on_redis(settings, redis_server, monkeypatch):
    """The production Redis settings, pointed at the test's own server."""
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{redis_server.port}/0",
            "KEY_PREFIX": "sxjd-test",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    monkeypatch.setattr(forgiving, "RETRY_SECONDS", 0.2)
    return redis_server


@pytest.fixture
def candidate(on_redis):
    """A logged-in candidate in a running exam of four questions."""
    user = UserFactory(password=PASSWORD)
    questions = factories.bank(factories.category("法规纪律", regulation=True), count=4)
    quiz = factories.fixed(
        factories.quiz(time_limit_minutes=60, shuffle_questions=False, shuffle_options=False),
        questions,
    )
    attempt = services.start_attempt(quiz=quiz, user=user, now=timezone.now())
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client, attempt


def save(client, attempt, position: int, choice: int):
    url = reverse("quizzes:save", args=(attempt.pk,))
    body = json.dumps({"position": position, "response": choice, "seq": 1, "base": 0})
    return client.post(url, body, content_type="application/json")


def logged_in(client, attempt) -> bool:
    reply = client.get(reverse("quizzes:attempt", args=(attempt.pk,)))
    return reply.status_code == 200


def stored(attempt) -> dict[int, object]:
    rows = AttemptQuestion.objects.filter(attempt=attempt).order_by("position")
    return {row.position: row.response for row in rows}


def test_sessions_and_cache_live_in_redis(candidate):
    """With REDIS_URL the session is read from Redis and the cache answers."""
    client, attempt = candidate
    key = client.session.session_key
    assert cache.get(f"django.contrib.sessions.cached_db{key}") is not None
    cache.set("probe", 42)
    assert cache.get("probe") == 42
    assert save(client, attempt, 1, 0).status_code == 200


def test_redis_killed_and_restarted_logs_nobody_out_and_loses_no_answer(candidate, on_redis):
    """Redis gone mid-exam: pages and saves go on; back empty: the session is still valid."""
    client, attempt = candidate
    assert save(client, attempt, 1, 0).json()["ok"]
    on_redis.kill()
    assert logged_in(client, attempt)
    assert save(client, attempt, 2, 1).json()["ok"]
    assert cache.get("anything", "miss") == "miss"
    on_redis.start()  # the same port, nothing kept
    time.sleep(0.3)  # past the retry pause
    assert logged_in(client, attempt)
    assert save(client, attempt, 3, 2).json()["ok"]
    assert [stored(attempt)[p] for p in (1, 2, 3)] == [0, 1, 2]
    cache.set("probe", 1)
    assert cache.get("probe") == 1  # the cache is used again


def test_a_hung_redis_costs_one_short_timeout_not_one_per_call(candidate, on_redis):
    """A Redis that stops answering delays one request by the socket timeout, then is skipped."""
    client, attempt = candidate
    on_redis.pause()
    try:
        started = time.monotonic()
        assert save(client, attempt, 1, 3).json()["ok"]
        for position in (2, 3, 4):
            assert save(client, attempt, position, 0).json()["ok"]
        elapsed = time.monotonic() - started
    finally:
        on_redis.resume()
    assert elapsed < 3 * forgiving.SHORT_TIMEOUTS["socket_timeout"] + 1
    assert stored(attempt)[1] == 3
