"""CPU per request of the exam's hot path, in-process (no server, no network).

    .venv/bin/python bench/request_costs.py [--repeat 30] [--var-dir DIR] [--profile KIND]

Builds (or reuses, with ``--var-dir``) a demo site in a temporary VAR_DIR, then times with
``time.process_time`` each kind of request an exam candidate makes, through Django's whole
handler (middleware, session, database connection opened and closed as settings say):
quiz page, start, attempt page (first load, and again with every question's widget in the
cache, as most candidates of an exam find it), answer save, state check, hand-in, and a
trivial logged-in request (the state check of a running attempt is the cheapest; the admin's 404 for comparison
is not needed). ``--profile KIND`` prints cProfile's top functions for one kind. It prints
figures; it asserts nothing.
"""

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEMO_EXAM = "zugong-ganbu-tongyi-kaoshi"
SLUG = "request-costs"


def prepare(var_dir: Path) -> None:
    env = dict(
        os.environ,
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="request-costs-only",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
    )
    for name in ("DJANGO_DEBUG", "DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
        os.environ.pop(name, None)
    if not (var_dir / "db.sqlite3").exists():
        for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"], ["load_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=BASE_DIR,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def exam():
    """The demo's 统一考试 (50 questions drawn by its rules) open to everybody, once."""
    from datetime import timedelta

    from django.utils import timezone

    from quizzes.models import Quiz

    demo = Quiz.objects.get(slug=DEMO_EXAM)
    quiz, made = Quiz.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title": "统一考试（单请求计时）",
            "mode": Quiz.Mode.EXAM,
            "time_limit_minutes": 60,
            "opens_at": timezone.now() - timedelta(hours=1),
            "attempt_limit": 1,
            "min_regulation_percent": demo.min_regulation_percent,
            "is_published": True,
        },
    )
    if made:
        for rule in demo.draw_rules.all():
            rule.pk, rule.quiz = None, quiz
            rule.save()
    return quiz


def timed(kind, results, profiler, call, *args, **kwargs):
    """CPU of one request, with the connection handling Django's server-side signals do (the
    test client leaves connections open, a server closes them unless CONN_MAX_AGE says not)."""
    from django.db import close_old_connections

    started = time.process_time()
    close_old_connections()
    if profiler is not None and kind == profiler[0]:
        profiler[1].enable()
    response = call(*args, **kwargs)
    close_old_connections()
    if profiler is not None and kind == profiler[0]:
        profiler[1].disable()
    results.setdefault(kind, []).append((time.process_time() - started) * 1000)
    return response


def run(repeat: int, profile_kind: str | None) -> dict:
    from django.contrib.auth.models import User
    from django.test import Client

    from quizzes.models import Attempt

    quiz = exam()
    Attempt.objects.filter(quiz=quiz).delete()
    User.objects.filter(username__startswith="cost").delete()
    results: dict = {}
    profiler = (profile_kind, cProfile.Profile()) if profile_kind else None
    for i in range(repeat):
        user = User.objects.create(username=f"cost{i:04d}")
        client = Client()
        client.force_login(user)
        timed("quiz_page", results, profiler, client.get, f"/quizzes/{SLUG}/")
        started = timed("start", results, profiler, client.post, f"/quizzes/{SLUG}/start/")
        page = started["Location"]
        timed("attempt_page", results, profiler, client.get, page)
        # Again, as the next candidate with these questions in this order finds the cache.
        timed("attempt_warm", results, profiler, client.get, page)
        body = json.dumps({"position": 1, "response": 0, "seq": None})
        for _ in range(3):
            kwargs = {"content_type": "application/json"}
            timed("save", results, profiler, client.post, page + "save/", body, **kwargs)
            timed("state", results, profiler, client.get, page + "state/")
        timed("finish", results, profiler, client.post, page + "finish/")
    if profiler:
        pstats.Stats(profiler[1]).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(
            os.environ.get("FILTER", ""), int(os.environ.get("TOP", "35"))
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--var-dir", default="")
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="request-costs-"))
    prepare(var_dir)
    results = run(args.repeat, args.profile or None)
    print(f"CPU ms per request, of {args.repeat} (first request of each kind dropped)")
    print(f"{'':<14}{'median':>8}{'min':>8}")
    for kind, values in results.items():
        values = sorted(values[1:]) or values
        print(f"{kind:<14}{values[len(values) // 2]:>8.1f}{values[0]:>8.1f}")
    print(f"VAR_DIR: {var_dir}")


if __name__ == "__main__":
    main()
