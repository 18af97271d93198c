"""An exam morning against the site under gunicorn: it prints figures, it passes or fails nothing.

    .venv/bin/python bench/exam_day.py [--candidates 2000] [--workers 3] [--exam-minutes 60]
        [--login-minutes 15] [--honest-logins all|N] [--database sqlite|postgres]

What it does, in a temporary VAR_DIR (see bench/README.md for the figures and the options):

1. Builds its own site: migrate, collectstatic, ``load_demo`` (the demo bank of 240 questions),
   an exam drawn like the demo's 统一考试 (50 questions, one essay, 30 % regulation content)
   opening after the log-in period, and N candidate accounts.
2. Starts gunicorn (``config/gunicorn.conf.py``: sync workers) on a free local port.
3. Plays N candidates with asyncio (one coroutine each, plain HTTP/1.1 over asyncio streams):
   each logs in at a random moment of the log-in period (GET the form, POST the password: one
   PBKDF2 on the server), opens the quiz page and starts within the first minute after the
   opening, loads the attempt page and parses it, then saves an answer about every 30 s as the
   page does (sequence numbers, the base it loaded, the page's own state checks when no save has
   brought the server's clock for ``sync`` seconds, one more when a hidden tab comes back), a
   share reloads the page once, and everybody hands in between 70 % and 95 % of the time limit.
   A refused request (503 请稍候重试) is retried the way the page retries it.
4. Measures the answer-save and trivial-view (the state check) throughput ceilings with a
   closed loop on the same server, one after the other.
5. Checks the database: every acknowledged save is stored (same sequence number and the same
   answer) and every acknowledged hand-in is finished.

``--database postgres`` uses ``BENCH_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/sxjd_bench, WIPED: its public schema is dropped) and
``BENCH_REDIS_URL`` (default redis://127.0.0.1:6379/12, FLUSHED) for cache and sessions.
"""

import argparse
import asyncio
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SLUG = "exam-day-bench"
CEILING_SLUG = "exam-day-ceiling"
PASSWORD = "Exam-day-2026!"
PAGE_SPACE = 2**20
REQUEST_TIMEOUT = 30.0  # seconds a candidate waits before giving up on a request
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/sxjd_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"


# Options ---------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--candidates", type=int, default=2000)
    add("--workers", type=int, default=3, help="gunicorn sync workers")
    add("--database", choices=["sqlite", "postgres"], default="sqlite")
    add("--exam-minutes", type=float, default=60, help="the exam's time limit")
    add("--login-minutes", type=float, default=15, help="log-ins spread before the opening")
    add(
        "--honest-logins",
        default="all",
        help="how many candidates log in through the form (all, or a number; the others get "
        "a session created in the database/Redis exactly as a log-in stores it, without PBKDF2)",
    )
    add("--start-seconds", type=float, default=60, help="candidates start within this window")
    add("--save-every", type=float, default=30, help="seconds between a candidate's saves")
    add("--reload-share", type=float, default=0.1, help="share of candidates who reload once")
    add("--return-share", type=float, default=0.2, help="share who come back to a hidden tab")
    add("--ceiling-seconds", type=float, default=15, help="length of each ceiling measurement")
    add("--ceiling-clients", type=int, default=12, help="closed-loop clients for the ceilings")
    add("--keep", action="store_true", help="keep the temporary VAR_DIR and print its path")
    add("--seed", type=int, default=None)
    return parser.parse_args(argv)


# Environment and set-up ------------------------------------------------------------------------


def server_env(args, var_dir: Path, port: int) -> dict:
    env = dict(os.environ)
    env.update(
        VAR_DIR=str(var_dir),
        DJANGO_SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SETTINGS_MODULE="config.settings",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(args.workers),
        LOG_LEVEL="WARNING",
    )
    for name in ("DJANGO_DEBUG", "DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    if args.database == "postgres":
        env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
        env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    return env


def wipe_services(env: dict) -> None:
    """Empty the bench's own PostgreSQL database and Redis db (never any other)."""
    import psycopg
    import redis

    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def manage(env: dict, *command: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *command],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def setup_django(env: dict) -> None:
    os.environ.update(env)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if name not in env:
            os.environ.pop(name, None)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def build_site(args, env: dict) -> list[tuple[str, str]]:
    """Migrate, load the demo, create the exam and the candidates; return (username, session
    key or "") per candidate."""
    print("== 建库：migrate, collectstatic, load_demo …", flush=True)
    if args.database == "postgres":
        wipe_services(env)
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    manage(env, "load_demo")
    setup_django(env)
    quiz = create_exams(args)
    return create_candidates(args, quiz)


def create_exams(args):
    from decimal import Decimal

    from django.utils import timezone

    from quizzes.models import DrawRule, Quiz

    demo = Quiz.objects.get(slug="zugong-ganbu-tongyi-kaoshi")
    rules = list(demo.draw_rules.all())
    now = timezone.now()
    exam = Quiz.objects.create(
        slug=SLUG,
        title="统一考试（压力测试）",
        mode=Quiz.Mode.EXAM,
        time_limit_minutes=max(1, round(args.exam_minutes)),
        opens_at=now + timezone.timedelta(days=1),  # set when the log-ins are done
        closes_at=now + timezone.timedelta(days=2),
        attempt_limit=1,
        pass_percent=Decimal(60),
        min_regulation_percent=demo.min_regulation_percent,
        is_published=True,
    )
    ceiling = Quiz.objects.create(
        slug=CEILING_SLUG,
        title="吞吐测量（压力测试）",
        mode=Quiz.Mode.SELF_TEST,
        is_published=True,
        pass_percent=Decimal(60),
    )
    for quiz in (exam, ceiling):
        DrawRule.objects.bulk_create(
            DrawRule(
                quiz=quiz,
                sort_order=r.sort_order,
                category_id=r.category_id,
                question_type_id=r.question_type_id,
                count=r.count,
                points=r.points,
            )
            for r in rules
        )
    return exam


def create_candidates(args, quiz) -> list[tuple[str, str]]:
    """N accounts sharing one password hash (hashed once here, verified in full at each log-in);
    the candidates beyond --honest-logins get a session stored as ``login()`` stores it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    encoded = make_password(PASSWORD)
    User.objects.bulk_create(
        User(username=f"bench{i:05d}", password=encoded, first_name=f"考生{i}")
        for i in range(args.candidates)
    )
    honest = args.candidates if args.honest_logins == "all" else int(args.honest_logins)
    store = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"]).SessionStore
    result = []
    for i, user in enumerate(User.objects.filter(username__startswith="bench").order_by("pk")):
        key = ""
        if i >= honest:
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            key = session.session_key
        result.append((user.username, key))
    return result


def open_exam(opens_at_epoch: float) -> None:
    from datetime import UTC, datetime

    from quizzes.models import Quiz

    opens = datetime.fromtimestamp(opens_at_epoch, tz=UTC)
    Quiz.objects.filter(slug=SLUG).update(opens_at=opens)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, log: Path) -> subprocess.Popen:
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    command = [gunicorn, "-c", "config/gunicorn.conf.py", "config.wsgi"]
    process = subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    host, port = env["GUNICORN_BIND"].split(":")
    for _ in range(600):
        time.sleep(0.1)
        with socket.socket() as sock:
            if sock.connect_ex((host, int(port))) == 0:
                return process
    process.kill()
    raise SystemExit(f"gunicorn did not start; see {log}")


# A minimal HTTP/1.1 client over asyncio streams -------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class Refused(Exception):
    """503 from the admission control: the page retries later."""


class Failed(Exception):
    """A request that went wrong: timeout, connection error, an unexpected status."""


class Browser:
    def __init__(self, host: str, port: int, stats: "Stats"):
        self.host, self.port, self.stats = host, port, stats
        self.cookies: dict[str, str] = {}

    async def request(self, kind: str, method: str, path: str, *, form=None, data=None, expect):
        body, headers = b"", {}
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        started = time.monotonic()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                reply = await self._exchange(method, path, body, headers)
        except TimeoutError:
            self.stats.error(kind, "timeout")
            raise Failed("timeout") from None
        except OSError as error:
            self.stats.error(kind, type(error).__name__)
            raise Failed(str(error)) from None
        elapsed = time.monotonic() - started
        if reply.status == 503 and "请稍候重试" in reply.text:
            self.stats.refuse(kind, elapsed)
            raise Refused()
        if reply.status not in expect:
            self.stats.error(kind, f"HTTP {reply.status}")
            raise Failed(f"{kind}: HTTP {reply.status} {reply.text[:200]}")
        self.stats.ok(kind, elapsed)
        return reply

    async def _exchange(self, method, path, body, extra) -> Reply:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
            lines += ["Connection: close", f"Content-Length: {len(body)}"]
            lines += [f"{k}: {v}" for k, v in extra.items()]
            if self.cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
        return self._parse(raw)

    def _parse(self, raw: bytes) -> Reply:
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        if not lines[0].startswith("HTTP/"):
            raise ConnectionError("no HTTP reply")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie, _, _ = value.partition(";")
                key, _, val = cookie.partition("=")
                if val and "max-age=0" not in value.lower():
                    self.cookies[key.strip()] = val.strip('"')
                else:
                    self.cookies.pop(key.strip(), None)
            headers[name] = value
        if headers.get("transfer-encoding") == "chunked":
            body = _unchunk(body)
        return Reply(int(lines[0].split()[1]), headers, body)


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        length = int(size.split(b";")[0], 16)
        if length == 0:
            break
        out += rest[:length]
        body = rest[length + 2 :]
    return out


# What the run records ---------------------------------------------------------------------------


@dataclass
class Stats:
    times: dict = field(default_factory=lambda: defaultdict(list))
    errors: dict = field(default_factory=lambda: defaultdict(Counter))
    refused: Counter = field(default_factory=Counter)
    acked: dict = field(default_factory=dict)  # (attempt, position) -> (seq, shown response)
    finished: set = field(default_factory=set)  # attempts whose hand-in was acknowledged
    gave_up: Counter = field(default_factory=Counter)

    def ok(self, kind, seconds):
        self.times[kind].append(seconds)

    def error(self, kind, reason):
        self.errors[kind][reason] += 1

    def refuse(self, kind, seconds):
        self.refused[kind] += 1


# One candidate ------------------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTION_RE = re.compile(r'(<li class="question"[^>]*>)')
ATTRIBUTE_RE = re.compile(r'data-(position|kind|seq)="(\w+)"')


@dataclass
class Question:
    position: int
    kind: str
    seq: int  # the base: the stored number when the page loaded
    options: int
    blanks: int


def parse_paper(html: str) -> tuple[list[Question], int, float]:
    """The questions, the state-check period and the seconds left, as the page reads them."""
    questions = []
    chunks = QUESTION_RE.split(html)
    for tag, chunk in zip(chunks[1::2], chunks[2::2], strict=True):
        data = dict(ATTRIBUTE_RE.findall(tag))
        position, kind, seq = int(data["position"]), data["kind"], int(data["seq"])
        options = chunk.count('name="q')
        questions.append(Question(position, kind, seq, options, chunk.count('class="blank"')))
    sync = re.search(r'data-sync-seconds="(\d+)"', html)
    remaining = re.search(r'data-remaining="(\d+)"', html)
    return (
        questions,
        int(sync.group(1)) if sync else 60,
        float(remaining.group(1)) if remaining else 3600.0,
    )


def answer_for(question: Question, rng: random.Random):
    if question.kind == "single":
        return rng.randrange(question.options)
    if question.kind == "multiple":
        picked = rng.sample(range(question.options), rng.randint(1, question.options))
        return sorted(picked)
    if question.kind == "truefalse":
        return rng.random() < 0.5
    if question.kind == "fill":
        return [
            rng.choice(["民主推荐", "组织考察", "任前公示", "责任追究"])
            for _ in range(question.blanks)
        ]
    return "按照四项监督制度的要求，" + "严格执行干部选拔任用工作程序。" * rng.randint(1, 6)


class Candidate:
    def __init__(self, run: "Run", username: str, session_key: str, rng: random.Random):
        self.run, self.username, self.rng = run, username, rng
        self.browser = Browser(run.host, run.port, run.stats)
        if session_key:
            self.browser.cookies["sessionid"] = session_key
        self.attempt = 0
        self.csrf = ""

    async def patiently(self, kind, method, path, **kwargs) -> Reply:
        """A person (or the page) tries again after a refusal, a few seconds later."""
        for attempt in range(12):
            try:
                return await self.browser.request(kind, method, path, **kwargs)
            except Refused:
                await asyncio.sleep(min(2**attempt, 15) * (0.5 + self.rng.random()))
        self.run.stats.gave_up[kind] += 1
        raise Failed(f"{kind}: refused 12 times")

    async def log_in(self):
        page = await self.patiently("login_page", "GET", "/accounts/login/", expect={200})
        token = CSRF_RE.search(page.text).group(1)
        form = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        await self.patiently("login", "POST", "/accounts/login/", form=form, expect={302})

    async def start(self):
        page = await self.patiently("quiz_page", "GET", f"/quizzes/{SLUG}/", expect={200})
        self.csrf = CSRF_RE.search(page.text).group(1)
        form = {"csrfmiddlewaretoken": self.csrf}
        reply = await self.patiently(
            "start", "POST", f"/quizzes/{SLUG}/start/", form=form, expect={302}
        )
        match = re.search(r"/quizzes/attempts/(\d+)/$", reply.headers.get("location", ""))
        if not match:
            self.run.stats.error("start", "not started: " + reply.headers.get("location", ""))
            raise Failed("start refused")
        self.attempt = int(match.group(1))

    async def load_paper(self, kind: str):
        reply = await self.patiently(
            kind, "GET", f"/quizzes/attempts/{self.attempt}/", expect={200}
        )
        self.questions, self.sync_seconds, remaining = parse_paper(reply.text)
        self.ends = time.monotonic() + remaining  # the server's deadline, on this clock
        self.page = 1 + self.rng.randrange(PAGE_SPACE - 1)
        self.changes = 0
        self.last_clock = time.monotonic()
        if not self.questions:
            self.run.stats.error(kind, "empty paper")
            raise Failed("empty paper")

    async def save(self, question: Question) -> bool:
        """Send one answer as the page does, retrying until acknowledged; False once the
        server says the attempt is over."""
        self.changes += 1
        seq = self.changes * PAGE_SPACE + self.page
        response = answer_for(question, self.rng)
        payload = {"position": question.position, "response": response, "seq": seq}
        payload["base"] = question.seq
        path = f"/quizzes/attempts/{self.attempt}/save/"
        for attempt in range(1000):  # the page retries with a growing delay, capped at 15 s
            try:
                expect = {200, 409}
                reply = await self.browser.request(
                    "save", "POST", path, data=payload, expect=expect
                )
                break
            except (Refused, Failed):
                if time.monotonic() > self.ends:
                    self.run.stats.gave_up["save"] += 1
                    return False
                await asyncio.sleep(min(2**attempt, 15))
        data = reply.json()
        if reply.status == 409:
            self.run.stats.error("save", "conflict" if data.get("conflict") else "finished")
            return False
        if data.get("ok") and not data.get("stale"):
            self.run.stats.acked[(self.attempt, question.position)] = (seq, response)
            self.last_clock = time.monotonic()
        return True

    async def state(self):
        path = f"/quizzes/attempts/{self.attempt}/state/"
        try:
            await self.browser.request("state", "GET", path, expect={200})
            self.last_clock = time.monotonic()
        except (Refused, Failed):
            pass  # the page keeps counting locally and asks again later

    async def sit(self, opening: float):
        await asyncio.sleep(
            max(0, opening + self.rng.uniform(0, self.run.args.start_seconds) - time.time())
        )
        await self.start()
        await self.load_paper("attempt_page")
        limit = self.run.args.exam_minutes * 60
        hand_in = self.ends - limit * self.rng.uniform(0.05, 0.3)
        began = time.monotonic()
        left = hand_in - began
        share = self.run.args
        reload_at = (
            began + left * self.rng.uniform(0.2, 0.8)
            if self.rng.random() < share.reload_share
            else None
        )
        back_at = (
            began + left * self.rng.uniform(0.1, 0.8)
            if self.rng.random() < share.return_share
            else None
        )
        order = 0
        while True:
            wait = share.save_every * self.rng.uniform(0.8, 1.2)
            if time.monotonic() + wait >= hand_in:
                break
            await asyncio.sleep(wait)
            if reload_at and time.monotonic() >= reload_at:
                reload_at = None
                await self.load_paper("attempt_reload")
            if back_at and time.monotonic() >= back_at:
                back_at = None
                await self.state()  # visibilitychange: the tab came back
            question = self.questions[order % len(self.questions)]
            order += 1
            if not await self.save(question):
                break
            if time.monotonic() - self.last_clock >= self.sync_seconds:
                await self.state()
        await asyncio.sleep(max(0, hand_in - time.monotonic()))
        await self.finish()

    async def finish(self):
        form = {"csrfmiddlewaretoken": self.csrf, "timer": ""}
        path = f"/quizzes/attempts/{self.attempt}/finish/"
        reply = await self.patiently("finish", "POST", path, form=form, expect={302})
        if reply.headers.get("location", "").endswith("/result/"):
            self.run.stats.finished.add(self.attempt)
            await self.patiently("result", "GET", reply.headers["location"], expect={200})

    async def run_through(self, login_at: float, opening: float):
        try:
            if not self.browser.cookies:
                await asyncio.sleep(max(0, login_at - time.time()))
                await self.log_in()
            await self.sit(opening)
        except Failed:
            self.run.stats.gave_up["candidate"] += 1


# The run ----------------------------------------------------------------------------------------


@dataclass
class Run:
    args: argparse.Namespace
    host: str
    port: int
    stats: Stats = field(default_factory=Stats)


def opening_time(args, people) -> tuple[float, float]:
    """When the log-ins begin and when the exam opens (stored in the quiz now)."""
    from django.db import connections

    honest = sum(1 for _, key in people if not key)
    login_seconds = args.login_minutes * 60 if honest else 0
    opening = time.time() + login_seconds + 5
    open_exam(opening)
    connections.close_all()
    return login_seconds, opening


async def exam_morning(run: Run, people, rng: random.Random, login_seconds, opening) -> float:
    honest = sum(1 for _, key in people if not key)
    print(
        f"== {len(people)} 名考生：{honest} 人在 {run.args.login_minutes:g} 分钟内登录，"
        f"开考后 {run.args.start_seconds:g} 秒内开始，限时 {run.args.exam_minutes:g} 分钟",
        flush=True,
    )
    start = time.time()
    tasks = []
    for username, key in people:
        candidate = Candidate(run, username, key, random.Random(rng.random()))
        login_at = start + rng.uniform(0, login_seconds)
        tasks.append(asyncio.create_task(candidate.run_through(login_at, opening)))
    await asyncio.gather(*tasks)
    return time.time() - start


async def ceiling(run: Run, kind: str, sessions: list[tuple[str, str]]) -> float:
    """Requests per second of one kind with a closed loop of clients, each its own attempt."""
    clients = []
    for username, key in sessions:
        candidate = Candidate(run, username, key, random.Random(username))
        candidate.browser.stats = Stats()  # the ceilings stay out of the exam's figures
        page = await candidate.browser.request(
            "x", "GET", f"/quizzes/{CEILING_SLUG}/", expect={200}
        )
        form = {"csrfmiddlewaretoken": CSRF_RE.search(page.text).group(1)}
        reply = await candidate.browser.request(
            "x", "POST", f"/quizzes/{CEILING_SLUG}/start/", form=form, expect={302}
        )
        candidate.attempt = int(re.search(r"attempts/(\d+)/", reply.headers["location"]).group(1))
        await candidate.load_paper("x")
        clients.append(candidate)
    done = Counter()
    stop = time.monotonic() + run.args.ceiling_seconds

    async def loop(candidate: Candidate):
        while time.monotonic() < stop:
            try:
                if kind == "save":
                    question = candidate.rng.choice(candidate.questions)
                    candidate.changes += 1
                    payload = {
                        "position": question.position,
                        "response": answer_for(question, candidate.rng),
                        "seq": candidate.changes * PAGE_SPACE + candidate.page,
                        "base": question.seq,
                    }
                    path = f"/quizzes/attempts/{candidate.attempt}/save/"
                    await candidate.browser.request(
                        "save", "POST", path, data=payload, expect={200}
                    )
                else:
                    path = f"/quizzes/attempts/{candidate.attempt}/state/"
                    await candidate.browser.request("state", "GET", path, expect={200})
                done["ok"] += 1
            except (Refused, Failed):
                done["failed"] += 1

    began = time.monotonic()
    await asyncio.gather(*(loop(c) for c in clients))
    return done["ok"] / (time.monotonic() - began)


def ceiling_sessions(count: int) -> list[tuple[str, str]]:
    """Fresh sessions for the ceiling clients (users outside the exam's figures)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User

    store = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"]).SessionStore
    result = []
    for i in range(count):
        user = User.objects.create(username=f"ceiling{i:03d}", password="!")
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        result.append((user.username, session.session_key))
    return result


# Checking the database ----------------------------------------------------------------------------


def check_database(stats: Stats) -> dict:
    """Every acknowledged save stored with its number and answer; every hand-in finished."""
    from quizzes.models import Attempt, AttemptQuestion

    rows = AttemptQuestion.objects.filter(attempt__quiz__slug=SLUG).select_related("question")
    by_key = {(r.attempt_id, r.position): r for r in rows}
    lost, wrong = 0, 0
    for key, (seq, shown) in stats.acked.items():
        row = by_key.get(key)
        if row is None or row.seq != seq:
            lost += 1
            continue
        model = row.question.get_real_instance_class()
        if model.clean_response(shown, row.option_order) != row.response:
            wrong += 1
    finished = set(
        Attempt.objects.filter(quiz__slug=SLUG, status=Attempt.Status.FINISHED).values_list(
            "pk", flat=True
        )
    )
    return {
        "acked_saves": len(stats.acked),
        "lost": lost,
        "stored_differently": wrong,
        "acked_hand_ins": len(stats.finished),
        "hand_ins_lost": len(stats.finished - finished),
        "attempts": Attempt.objects.filter(quiz__slug=SLUG).count(),
        "finished": len(finished),
    }


# Printing -----------------------------------------------------------------------------------------

KINDS = [
    "login_page", "login", "quiz_page", "start", "attempt_page", "attempt_reload", "save",
    "state", "finish", "result",
]  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def report(args, stats: Stats, elapsed: float, ceilings: dict, checked: dict) -> None:
    print(f"\n== 结果（{elapsed / 60:.1f} 分钟）")
    print(
        f"{'kind':<15}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}{'refused':>9}"
    )
    for kind in KINDS:
        times = stats.times.get(kind, [])
        errors = sum(stats.errors.get(kind, Counter()).values())
        if not times and not errors and not stats.refused[kind]:
            continue
        cells = [percentile(times, s) for s in (0.5, 0.95, 0.99)] if times else [0, 0, 0]
        print(
            f"{kind:<15}{len(times):>8}"
            + "".join(f"{c:>10.0f}" for c in cells)
            + f"{errors:>8}{stats.refused[kind]:>9}"
        )
    for kind, reasons in stats.errors.items():
        print(f"  errors {kind}: " + ", ".join(f"{r} ×{n}" for r, n in reasons.items()))
    if stats.gave_up:
        print("  gave up: " + ", ".join(f"{k} ×{n}" for k, n in stats.gave_up.items()))
    total_errors = sum(sum(c.values()) for c in stats.errors.values())
    print(f"errors in all: {total_errors}; refused (retried): {sum(stats.refused.values())}")
    save, trivial = ceilings["save"], ceilings["state"]
    print(
        f"\n== 吞吐上限（{args.ceiling_clients} 个闭环客户端，各 {args.ceiling_seconds:g} 秒）："
        f"answer save {save:.0f}/s, trivial view (state) {trivial:.0f}/s, ratio {save / trivial:.2f}"
    )
    print("\n== 数据库核对")
    for name, value in checked.items():
        print(f"{name:<20}{value}")


# Main ---------------------------------------------------------------------------------------------


def main(argv=None) -> None:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    var_dir = Path(tempfile.mkdtemp(prefix="exam-day-"))
    port = free_port()
    env = server_env(args, var_dir, port)
    server = None
    try:
        people = build_site(args, env)
        print(f"== gunicorn：{args.workers} 个 sync worker，{args.database}", flush=True)
        server = start_server(env, var_dir / "gunicorn.log")
        run = Run(args, "127.0.0.1", port)
        login_seconds, opening = opening_time(args, people)
        elapsed = asyncio.run(exam_morning(run, people, rng, login_seconds, opening))
        sessions = ceiling_sessions(args.ceiling_clients)
        ceilings = {k: asyncio.run(ceiling(run, k, sessions)) for k in ("save", "state")}
        report(args, run.stats, elapsed, ceilings, check_database(run.stats))
    finally:
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        if args.keep:
            print(f"VAR_DIR kept: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
