"""Benchmark of the unit report (``learning.reports``) on PostgreSQL with 100,000 learners.

    .venv/bin/python bench/report_bench.py [--learners 100000] [--repeat 5]
        [--url postgres://postgres@127.0.0.1:5432/sxjd] [--explain] [--keep]

Creates a throwaway database next to the one named by ``--url`` (or ``BENCH_DATABASE_URL``),
migrates it, fills it with server-side bulk inserts (``INSERT … SELECT … generate_series``),
then times the report for the root unit, a district and a department and prints the numbers
side by side. The database is dropped at the end unless ``--keep`` is given.

The data: a tree of 1 city, 12 districts, 20 departments per district and 3 offices under
every third department (469 units, 4 levels); learners spread evenly over every unit below the
city; one programme with four lessons, an offline lecture and an exam, everybody enrolled; about
70 % studied each lesson on three days, 30 % attended the lecture, 60 % finished the exam (10 %
twice), 40 % completed.

This measures; it asserts nothing.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sxjd"
DISTRICTS, DEPARTMENTS, OFFICES = 12, 20, 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print the root query's plan")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    return parser.parse_args()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_connection(url: str) -> psycopg.Connection:
    return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def create_database(url: str, name: str) -> None:
    with admin_connection(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str, name: str) -> None:
    with admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str) -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def step(label: str):
    """Prints what is being done and how long it took."""

    class Step:
        def __enter__(self):
            self.start = time.perf_counter()
            print(f"  {label} …", end="", flush=True)

        def __exit__(self, *exc):
            print(f" {time.perf_counter() - self.start:.1f} s", flush=True)

    return Step()


# Data -----------------------------------------------------------------------------------------


def build_units():
    """The tree, with treebeard paths computed here and inserted in one bulk insert."""
    from learning.models import Unit

    units = []

    def add(name: str, code: str, parent_path: str, depth: int, index: int, children: int):
        path = Unit._get_path(parent_path, depth, index)
        units.append(Unit(name=name, code=code, path=path, depth=depth, numchild=children))
        return path

    root = add("市", "C", "", 1, 1, DISTRICTS)
    for d in range(1, DISTRICTS + 1):
        district = add(f"区{d:02d}", f"C{d:02d}", root, 2, d, DEPARTMENTS)
        for k in range(1, DEPARTMENTS + 1):
            offices = OFFICES if k % 3 == 0 else 0
            department = add(f"区{d:02d}部门{k:02d}", f"C{d:02d}{k:02d}", district, 3, k, offices)
            for o in range(1, offices + 1):
                add(f"区{d:02d}部门{k:02d}科{o}", f"C{d:02d}{k:02d}{o}", department, 4, o, 0)
    Unit.objects.bulk_create(units, batch_size=1000)
    return Unit.objects.get(path=root)


def build_programme():
    from datetime import date
    from decimal import Decimal

    from learning.models import Programme, ProgrammeItem
    from quizzes.models import Quiz

    programme = Programme.objects.create(
        title="干部选拔任用监督专题培训",
        slug="bench",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 4, 30),
        required_hours=Decimal("6"),
        is_published=True,
    )
    for minutes in (45, 45, 90, 90):
        ProgrammeItem.objects.create(
            programme=programme, kind="lesson", nominal_minutes=minutes, title=f"课程{minutes}"
        )
    ProgrammeItem.objects.create(
        programme=programme, kind="offline", offline_hours=Decimal("2"), title="专题讲座"
    )
    quiz = Quiz.objects.create(title="结业考试", slug="bench-exam", time_limit_minutes=30)
    ProgrammeItem.objects.create(programme=programme, kind="quiz", quiz=quiz)
    return programme, quiz


def bulk_sql(learners: int, programme, quiz) -> list[tuple[str, str, dict]]:
    """(label, SQL, params) of the inserts, in order."""
    from django.contrib.auth import get_user_model

    from learning.models import (
        AttendanceRecord,
        Enrollment,
        LearnerProfile,
        ProgrammeItem,
        StudyCredit,
        Unit,
    )
    from quizzes.models import Attempt

    t = {
        "user": get_user_model()._meta.db_table,
        "profile": LearnerProfile._meta.db_table,
        "unit": Unit._meta.db_table,
        "enrol": Enrollment._meta.db_table,
        "credit": StudyCredit._meta.db_table,
        "item": ProgrammeItem._meta.db_table,
        "attend": AttendanceRecord._meta.db_table,
        "attempt": Attempt._meta.db_table,
    }
    params = {"n": learners, "programme": programme.pk, "quiz": quiz.pk}
    return [
        ("users", f"""
            INSERT INTO {t["user"]} (password, is_superuser, username, first_name, last_name,
                                     email, is_staff, is_active, date_joined)
            SELECT '!', false, 'learner' || g, '学员' || g, '', '', false, true,
                   '2026-02-20 09:00+08'
            FROM generate_series(1, %(n)s) g""", params),
        ("profiles", f"""
            WITH units AS (
                SELECT array_agg(id ORDER BY path) AS ids FROM {t["unit"]} WHERE depth > 1
            )
            INSERT INTO {t["profile"]} (user_id, unit_id, rank, position, phone,
                                        must_change_password)
            SELECT u.id, units.ids[1 + u.id %% array_length(units.ids, 1)],
                   (ARRAY['county', 'township', 'org_staff', 'other'])[1 + u.id %% 4],
                   '科员', '', false
            FROM {t["user"]} u CROSS JOIN units
            WHERE u.username LIKE 'learner%%'""", params),
        ("enrolments", f"""
            INSERT INTO {t["enrol"]} (programme_id, user_id, source, enrolled_at, completed_at)
            SELECT %(programme)s, p.user_id, 'auto', '2026-03-01 08:00+08',
                   CASE WHEN random() < 0.4
                        THEN timestamptz '2026-03-05 12:00+08' + (random() * 30) * interval '1 day'
                   END
            FROM {t["profile"]} p""", params),
        ("study credits", f"""
            INSERT INTO {t["credit"]} (user_id, item_id, day, seconds)
            SELECT p.user_id, i.id, date '2026-03-02' + d * 9 + (p.user_id %% 9),
                   (300 + random() * 2400)::int
            FROM {t["profile"]} p
            CROSS JOIN {t["item"]} i
            CROSS JOIN generate_series(0, 2) d
            WHERE i.programme_id = %(programme)s AND i.kind = 'lesson'
              AND (p.user_id * 7 + i.id) %% 10 < 7""", params),
        ("attendance", f"""
            INSERT INTO {t["attend"]} (item_id, user_id, attended_on, hours, recorded_at)
            SELECT i.id, p.user_id, date '2026-03-15', 2, '2026-03-15 18:00+08'
            FROM {t["profile"]} p JOIN {t["item"]} i
              ON i.programme_id = %(programme)s AND i.kind = 'offline'
            WHERE p.user_id %% 10 < 3""", params),
        ("attempts", f"""
            INSERT INTO {t["attempt"]} (quiz_id, user_id, number, status, started_at,
                                        finished_at, finished_by, score, max_score, passed,
                                        pending_marking)
            SELECT %(quiz)s, p.user_id, n, 'finished', at, at + interval '25 minutes',
                   'learner', s, 100, s >= 60, false
            FROM {t["profile"]} p
            CROSS JOIN generate_series(1, 2) n
            CROSS JOIN LATERAL (
                SELECT timestamptz '2026-03-10 09:00+08' + (p.user_id %% 25) * interval '1 day'
                           + n * interval '2 hours' AS at,
                       (30 + random() * 70)::numeric(7, 2) AS s
            ) x
            WHERE p.user_id %% 10 < 6 AND (n = 1 OR p.user_id %% 10 = 0)""", params),
    ]  # fmt: skip


def fill(learners: int) -> tuple:
    from django.db import connection

    with step("units"):
        root = build_units()
    programme, quiz = build_programme()
    for label, sql, params in bulk_sql(learners, programme, quiz):
        with step(label), connection.cursor() as cursor:
            cursor.execute(sql, params)
    with step("ANALYZE"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return root, programme


def counts() -> dict[str, int]:
    from learning.models import AttendanceRecord, Enrollment, StudyCredit, Unit
    from quizzes.models import Attempt

    models = [Unit, Enrollment, StudyCredit, AttendanceRecord, Attempt]
    return {model._meta.verbose_name: model.objects.count() for model in models}


# Measuring ------------------------------------------------------------------------------------


def timed(function, repeat: int) -> tuple[list[float], object]:
    durations, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        durations.append((time.perf_counter() - start) * 1000)
    return durations, result


def measure(programme, unit, as_of, repeat: int) -> dict:
    from django.core.paginator import Paginator
    from django.db import connection, reset_queries

    from learning import reports

    scope = reports.ReportScope(programme, unit, as_of)

    def name_list_page():
        page = Paginator(reports.unfinished_enrollments(scope), 50).get_page(1)
        return reports.person_figures(scope, user_ids=[e.user_id for e in page])

    reports.unit_report(scope)  # warm the caches once
    reset_queries()
    report_ms, report = timed(lambda: reports.unit_report(scope), repeat)
    queries = len(connection.queries) // repeat
    names_ms, _ = timed(name_list_page, repeat)
    return {
        "unit": unit,
        "units": len(report.rows),
        "enrolled": report.summary.enrolled,
        "completion": report.summary.completion_rate,
        "queries": queries,
        "report": report_ms,
        "names": names_ms,
    }


def explain(programme, unit, as_of) -> None:
    from django.db import connection

    from learning.reports import figures

    scope = figures.ReportScope(programme, unit, as_of)
    sql = figures._sql(scope, figures.UNIT_SQL)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, figures._params(scope))
        print("\n".join(row[0] for row in cursor.fetchall()))


def print_table(results: list[dict]) -> None:
    header = (
        f"{'unit code':<10}{'depth':>6}{'units':>7}{'enrolled':>10}{'completion':>12}"
        f"{'queries':>9}{'report median':>15}{'report min':>12}{'name list median':>18}  name"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        unit = r["unit"]
        print(
            f"{unit.code:<10}{unit.depth:>6}{r['units']:>7}{r['enrolled']:>10}"
            f"{float(r['completion'] or 0):>11.1f}%{r['queries']:>9}"
            f"{statistics.median(r['report']):>12.0f} ms{min(r['report']):>9.0f} ms"
            f"{statistics.median(r['names']):>15.0f} ms  {unit.name}"
        )


def main() -> None:
    args = parse_args()
    name = f"sxjd_report_bench_{os.getpid()}"
    url = with_database(args.url, name)
    print(f"Throwaway database {name}")
    create_database(args.url, name)
    try:
        run(url, args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.url, name)
            print(f"Dropped {name}")


def run(url: str, args: argparse.Namespace) -> None:
    from datetime import date

    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = True  # keeps connection.queries for the query count
    with step("migrate"):
        call_command("migrate", verbosity=0)
    print(f"Filling with {args.learners:,} learners:")
    root, programme = fill(args.learners)
    print("Rows:", ", ".join(f"{label} {count:,}" for label, count in counts().items()))
    district = root.get_children().order_by("path")[2]
    department = district.get_children().order_by("path")[2]  # has three offices below it
    as_of = date(2026, 3, 31)
    print(f"\nReport as of {as_of}, {args.repeat} runs each (PostgreSQL):\n")
    results = [
        measure(programme, unit, as_of, args.repeat) for unit in (root, district, department)
    ]
    print_table(results)
    if args.explain:
        print("\nPlan of the root report's aggregate query:\n")
        explain(programme, root, as_of)


if __name__ == "__main__":
    main()
