"""Process faults mid-exam under gunicorn: a worker SIGKILLed, then the master; after a restart
every acknowledged answer is stored and the candidate resumes with the server's time."""

import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from content.services import ensure_site_tree
from quizzes import services
from quizzes.models import Attempt, AttemptQuestion
from tests.factories import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Exam-day-2026"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, as the gunicorn processes must reach it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Gunicorn:
    """The production server (settings from the environment, two sync workers)."""

    def __init__(self, var_dir: Path):
        self.port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SECRET_KEY": "fault-test-key-" + "x" * 40,
            "DJANGO_SECURE_COOKIES": "0",
            "VAR_DIR": str(var_dir),
            "REDIS_URL": "",
        }
        self.env.pop("DJANGO_DEBUG", None)
        self.process = None

    def start(self):
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--preload"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "1"]
        self.log = open(Path(self.env["VAR_DIR"]) / "gunicorn.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stderr=self.log)
        deadline = time.monotonic() + 60
        while len(self.workers()) < 2 or not self.answers():
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)

    def answers(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_master(self):
        workers = self.workers()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        for pid in workers:  # orphaned workers notice their parent is gone and exit
            while Path(f"/proc/{pid}").exists() and _state(pid) != "Z":
                time.sleep(0.1)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (FileNotFoundError, IndexError):
        return "Z"


class Candidate:
    """A browser's worth of HTTP: cookies, CSRF token, and saves retried like the page does."""

    def __init__(self, server: Gunicorn):
        self.server = server
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def log_in(self, username: str):
        self.opener.open(self.url("/accounts/login/")).read()
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()}
        data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.url("/accounts/login/"), data=data)
        request.add_header("Referer", self.url("/accounts/login/"))
        self.opener.open(request).read()

    def get(self, path: str) -> tuple[int, str, bytes]:
        """Status, final address (after redirects) and body."""
        with self.opener.open(self.url(path)) as reply:
            return reply.status, reply.geturl(), reply.read()

    def save(self, attempt: Attempt, position: int, choice: int, seq: int) -> dict:
        body = {"position": position, "response": choice, "seq": seq, "base": 0}
        request = urllib.request.Request(
            self.url(f"/quizzes/attempts/{attempt.pk}/save/"), data=json.dumps(body).encode()
        )
        request.add_header("Content-Type", "application/json")
        request.add_header("X-CSRFToken", self.csrf())
        request.add_header("Referer", self.url("/"))
        for _ in range(50):  # a connection cut by a killed process is retried, as the page does
            try:
                with self.opener.open(request, timeout=10) as reply:
                    return json.loads(reply.read())
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.2)
        raise AssertionError("the save was never acknowledged")


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory) -> Path:
    """A production folder with the collected static files the pages are served with."""
    folder = tmp_path_factory.mktemp("var")
    env = {**os.environ, "VAR_DIR": str(folder), "DJANGO_SECRET_KEY": "collect"}
    command = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return folder


@pytest.fixture
def server(var_dir):
    gunicorn = Gunicorn(var_dir)
    gunicorn.start()
    yield gunicorn
    gunicorn.stop()


@pytest.fixture
def exam_attempt(settings):
    """A candidate in a running 60-minute exam of five questions, in fixed order."""
    # The server runs the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    ensure_site_tree()  # the home page a log-in lands on
    user = UserFactory(username="kaosheng", password=PASSWORD)
    quiz = factories.quiz(time_limit_minutes=60, shuffle_questions=False, shuffle_options=False)
    factories.fixed(quiz, factories.bank(factories.category("法规纪律", regulation=True), count=5))
    return services.start_attempt(quiz=quiz, user=user, now=timezone.now())


def stored(attempt: Attempt) -> dict[int, object]:
    return dict(AttemptQuestion.objects.filter(attempt=attempt).values_list("position", "response"))


def test_killed_worker_and_master_lose_no_acknowledged_answer(server, exam_attempt):
    """SIGKILL a worker, then the master; restarted, the answers are there and time ran on."""
    candidate = Candidate(server)
    candidate.log_in("kaosheng")
    acknowledged = {}
    for position in (1, 2):
        assert candidate.save(exam_attempt, position, position, seq=1)["ok"]
        acknowledged[position] = position

    os.kill(server.workers()[0], signal.SIGKILL)  # the master starts another worker
    for position in (3, 4):
        assert candidate.save(exam_attempt, position, 0, seq=1)["ok"]
        acknowledged[position] = 0
    server.kill_master()
    assert not server.answers()

    # A new master and workers. On a port of its own: the old one may have been taken by another
    # test's server meanwhile (cookies are per host, not per port, so the session goes along).
    server.port = free_port()
    server.start()
    status, address, _ = candidate.get(f"/quizzes/attempts/{exam_attempt.pk}/")
    assert status == 200 and address.endswith(f"/attempts/{exam_attempt.pk}/")  # still logged in
    assert candidate.save(exam_attempt, 5, 3, seq=1)["ok"]
    acknowledged[5] = 3
    assert stored(exam_attempt) == acknowledged
    state = json.loads(candidate.get(f"/quizzes/attempts/{exam_attempt.pk}/state/")[2])
    expected = (exam_attempt.deadline - timezone.now()).total_seconds()
    assert abs(state["remaining"] - expected) <= 2  # the server's clock, not paused by the crash
