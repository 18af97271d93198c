"""Unit reports of a programme: figures per unit and rolled up over each unit's subtree.

Who counts
    People enrolled in the programme (by the end of the "as of" day, and not withdrawn from it
    by then) whose learner profile puts them in the unit's subtree. A person's unit is the
    current one of their profile.

Figures (``Figures``), all "as of" a day in Asia/Shanghai
    - 参学率: enrolled people with any lesson time (credits dated on or before the day, plus
      seconds not yet moved out of ``ActiveStudy`` for such a day), any offline attendance on or
      before the day, or any attempt at one of the programme's quizzes started before the end
      of the day — over enrolled people;
    - 完成率: enrolments completed before the end of the day, over enrolled people;
    - 人均学时: per person the lesson seconds, each lesson capped at its nominal length, turned
      into 学时 of ``LEARNING_HOUR_MINUTES`` minutes and rounded down to 0.1 (as the learner's
      own progress shows them), plus offline hours — summed, over enrolled people; 法规纪律学时
      the same over the items marked 法规纪律类;
    - 参考率: people with a finished attempt (finished before the end of the day) of the exam
      quizzes — the chosen quiz, or every quiz item of the programme — over enrolled people;
    - 合格率: people who passed every exam quiz, over people who took the exam and are marked:
      somebody whose attempt still waits for essay marking is 待阅卷, counted apart, neither
      合格 nor 未合格. As in the learner's progress, a quiz is passed by a finished, fully marked
      attempt scoring at least the item's pass mark, else the quiz's own;
    - 平均分: the mean, over people who took the exam and have a marked attempt, of their best
      percentage (averaged over the exam quizzes when there are several).
    Attempts count only from the programme's first day, so a quiz reused from an earlier
    programme does not bring old results along.

Queries
    One query for the subtree's units and one SQL statement (portable: SQLite and PostgreSQL)
    that aggregates every figure per unit (``GROUP BY unit``) from per-person subqueries over
    credits, attendance and attempts, each restricted to the subtree's people (not needed, and
    left out, when the subtree is the whole tree). Roll-ups add each unit's figures to its
    ancestors along ``path`` prefixes in Python. The query count does not depend on the size of
    the tree or the number of people. On PostgreSQL the statement runs with ``jit = off``: for
    a large tree the planner's estimate crosses ``jit_above_cost`` and compiling costs more than
    it saves. ``bench/report_bench.py`` measures it with 100,000 learners.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from learning.models import (
    ActiveStudy,
    AttendanceRecord,
    Enrollment,
    LearnerProfile,
    Programme,
    ProgrammeItem,
    StudyCredit,
    Unit,
)
from quizzes.models import Attempt, Quiz

HUNDRED = Decimal(100)


def _decimal(value) -> Decimal:
    """A database number (int, float on SQLite, Decimal on PostgreSQL) as a Decimal."""
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _ratio(part, whole) -> Decimal | None:
    return None if not whole else Decimal(part) * HUNDRED / Decimal(whole)


def seconds_per_hour() -> int:
    return getattr(settings, "LEARNING_HOUR_MINUTES", 45) * 60


@dataclass
class Figures:
    """Counts and sums for a group of enrolled people; rates are derived (percent or None)."""

    enrolled: int = 0
    active: int = 0
    completed: int = 0
    lesson_tenths: int = 0
    offline_hours: Decimal = Decimal(0)
    regulation_tenths: int = 0
    regulation_offline_hours: Decimal = Decimal(0)
    took: int = 0
    passed: int = 0
    pending: int = 0  # took the exam, waiting for essay marking (待阅卷)
    percent_sum: Decimal = Decimal(0)
    scored: int = 0

    def add(self, other: "Figures") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def hours(self) -> Decimal:
        return Decimal(self.lesson_tenths) / 10 + self.offline_hours

    @property
    def regulation_hours(self) -> Decimal:
        return Decimal(self.regulation_tenths) / 10 + self.regulation_offline_hours

    @property
    def failed(self) -> int:
        """Took the exam, fully marked, not passed (未合格)."""
        return self.took - self.passed - self.pending

    @property
    def marked(self) -> int:
        return self.passed + self.failed

    @property
    def participation_rate(self) -> Decimal | None:
        return _ratio(self.active, self.enrolled)

    @property
    def completion_rate(self) -> Decimal | None:
        return _ratio(self.completed, self.enrolled)

    @property
    def average_hours(self) -> Decimal | None:
        return self.hours / self.enrolled if self.enrolled else None

    @property
    def average_regulation_hours(self) -> Decimal | None:
        return self.regulation_hours / self.enrolled if self.enrolled else None

    @property
    def exam_rate(self) -> Decimal | None:
        return _ratio(self.took, self.enrolled)

    @property
    def pass_rate(self) -> Decimal | None:
        """Over the marked: a person waiting for marking is neither passed nor failed."""
        return _ratio(self.passed, self.marked)

    @property
    def average_score(self) -> Decimal | None:
        return self.percent_sum / self.scored if self.scored else None


@dataclass(frozen=True)
class ReportScope:
    """What a report is about: a programme, a unit's subtree, a day and optionally one quiz."""

    programme: Programme
    unit: Unit
    as_of: date
    quiz: Quiz | None = None

    @property
    def end(self) -> datetime:
        """The first moment after the "as of" day, in the project's time zone."""
        return _local_midnight(self.as_of + timedelta(days=1))

    @property
    def start(self) -> datetime:
        return _local_midnight(self.programme.starts_on)

    def completed(self, enrollment: Enrollment) -> bool:
        """Whether the enrolment was completed by the end of the day."""
        return enrollment.completed_at is not None and enrollment.completed_at < self.end


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


# The SQL --------------------------------------------------------------------------------------

# Every activity table is restricted to the people asked about (``{only_*}``: the profiles of
# the subtree, or a list of user ids) before it is grouped, so a small unit reads little. The
# restriction is left out when the subtree is the whole tree, where it would filter nothing.
IN_SUBTREE = """(
    SELECT sp.user_id FROM {profile} sp JOIN {unit} su ON su.id = sp.unit_id
    WHERE su.path LIKE %(path)s
)"""

PEOPLE_SQL = """
WITH people AS (
    SELECT e.user_id, p.unit_id, e.completed_at
    FROM {enrollment} e
    JOIN {profile} p ON p.user_id = e.user_id
    JOIN {unit} u ON u.id = p.unit_id
    WHERE e.programme_id = %(programme)s AND e.enrolled_at < %(end)s
      AND (e.withdrawn_at IS NULL OR e.withdrawn_at >= %(end)s)
      AND u.path LIKE %(path)s {people_filter}
),
lesson_items AS (
    SELECT i.id, COALESCE(i.nominal_minutes, 0) * 60 AS cap,
           CASE WHEN i.is_regulation = %(true)s THEN 1 ELSE 0 END AS reg
    FROM {item} i WHERE i.programme_id = %(programme)s AND i.kind = %(lesson)s
),
lesson AS (
    SELECT t.user_id,
           -- an integer, so that tenths of a 学时 below are rounded down on PostgreSQL too
           -- (its SUM of bigint is numeric, and numeric division keeps the fraction)
           CAST(SUM(CASE WHEN t.seconds > t.cap THEN t.cap ELSE t.seconds END) AS BIGINT) AS seconds,
           CAST(SUM(CASE WHEN t.seconds > t.cap THEN t.cap ELSE t.seconds END * t.reg) AS BIGINT)
             AS reg_seconds
    FROM (
        SELECT g.user_id, g.seconds + COALESCE(a.pending_seconds, 0) AS seconds, li.cap, li.reg
        FROM (
            SELECT c.item_id, c.user_id, SUM(c.seconds) AS seconds
            FROM {credit} c
            WHERE c.item_id IN (SELECT id FROM lesson_items) AND c.day <= %(day)s
              {only_c}
            GROUP BY c.item_id, c.user_id
        ) g
        JOIN lesson_items li ON li.id = g.item_id
        LEFT JOIN {active} a
          ON a.user_id = g.user_id AND a.item_id = g.item_id AND a.day <= %(day)s
        UNION ALL
        SELECT a.user_id, a.pending_seconds, li.cap, li.reg
        FROM {active} a JOIN lesson_items li ON li.id = a.item_id
        WHERE a.day <= %(day)s AND a.pending_seconds > 0 {only_a}
          AND NOT EXISTS (
              SELECT 1 FROM {credit} c
              WHERE c.user_id = a.user_id AND c.item_id = a.item_id AND c.day <= %(day)s
          )
    ) t
    GROUP BY t.user_id
),
offline AS (
    SELECT r.user_id, SUM(r.hours) AS hours,
           SUM(CASE WHEN i.is_regulation = %(true)s THEN r.hours ELSE 0 END) AS reg_hours
    FROM {attendance} r JOIN {item} i ON i.id = r.item_id
    WHERE i.programme_id = %(programme)s AND r.attended_on <= %(day)s
      {only_r}
    GROUP BY r.user_id
),
attempts AS (
    SELECT t.user_id, MAX(t.took) AS took, SUM(t.passed) AS passed, MAX(t.pending) AS pending,
           AVG(t.percent) AS percent
    FROM (
        SELECT a.user_id, i.id AS item_id,
               MAX(CASE WHEN {exam_item} AND {finished} THEN 1 ELSE 0 END) AS took,
               MAX(CASE WHEN {exam_item} AND {finished} AND a.pending_marking = %(true)s
                        THEN 1 ELSE 0 END) AS pending,
               MAX(CASE WHEN {exam_item} AND {finished} AND {marked}
                         AND a.score * 100 >= a.max_score * COALESCE(i.pass_percent, q.pass_percent)
                        THEN 1 ELSE 0 END) AS passed,
               MAX(CASE WHEN {exam_item} AND {finished} AND {marked}
                        THEN a.score * 100.0 / a.max_score END) AS percent
        FROM {attempt} a
        JOIN {item} i ON i.quiz_id = a.quiz_id
        JOIN {quiz} q ON q.id = a.quiz_id
        WHERE i.programme_id = %(programme)s AND i.kind = %(quiz_kind)s
          AND a.started_at >= %(start)s AND a.started_at < %(end)s
          {only_a}
        GROUP BY a.user_id, i.id
    ) t
    GROUP BY t.user_id
),
exam_items AS (
    SELECT COUNT(*) AS n FROM {item} i
    WHERE i.programme_id = %(programme)s AND i.kind = %(quiz_kind)s AND {exam_item}
)
"""

FINISHED = "a.status = %(finished)s AND a.finished_at < %(end)s"
MARKED = "a.pending_marking = %(false)s AND a.max_score > 0 AND a.score IS NOT NULL"

JOINS = """
FROM people pe
LEFT JOIN lesson l ON l.user_id = pe.user_id
LEFT JOIN offline o ON o.user_id = pe.user_id
LEFT JOIN attempts x ON x.user_id = pe.user_id
CROSS JOIN exam_items n
"""

# Lesson time is turned into tenths of a 学时 per person with integer division (rounded down,
# as the learner's own progress shows it) before it is summed. Any attempt at a programme quiz
# started in time counts as taking part; ``took`` needs a finished attempt of an exam quiz.
# A person who took the exam has passed it (every exam quiz passed), waits for marking (not
# passed, and an attempt still has an essay to mark: 待阅卷) or has failed it (未合格).
PASSED = "x.took = 1 AND x.passed >= n.n"
PENDING = f"x.took = 1 AND NOT ({PASSED}) AND x.pending = 1"

UNIT_SQL = f"""
SELECT pe.unit_id,
       COUNT(*),
       SUM(CASE WHEN l.seconds > 0 OR o.user_id IS NOT NULL OR x.user_id IS NOT NULL
                THEN 1 ELSE 0 END),
       SUM(CASE WHEN pe.completed_at < %(end)s THEN 1 ELSE 0 END),
       COALESCE(SUM(l.seconds * 10 / %(hour)s), 0),
       COALESCE(SUM(o.hours), 0),
       COALESCE(SUM(l.reg_seconds * 10 / %(hour)s), 0),
       COALESCE(SUM(o.reg_hours), 0),
       SUM(CASE WHEN x.took = 1 THEN 1 ELSE 0 END),
       SUM(CASE WHEN {PASSED} THEN 1 ELSE 0 END),
       SUM(CASE WHEN {PENDING} THEN 1 ELSE 0 END),
       COALESCE(SUM(x.percent), 0),
       COUNT(x.percent)
{{joins}}
GROUP BY pe.unit_id
"""

PERSON_SQL = f"""
SELECT pe.user_id, COALESCE(l.seconds * 10 / %(hour)s, 0), COALESCE(o.hours, 0),
       COALESCE(l.reg_seconds * 10 / %(hour)s, 0), COALESCE(o.reg_hours, 0),
       CASE WHEN x.took = 1 THEN 1 ELSE 0 END,
       CASE WHEN {PASSED} THEN 1 ELSE 0 END,
       CASE WHEN {PENDING} THEN 1 ELSE 0 END,
       x.percent
{{joins}}
"""


def _tables() -> dict[str, str]:
    models = {
        "enrollment": Enrollment,
        "profile": LearnerProfile,
        "unit": Unit,
        "credit": StudyCredit,
        "item": ProgrammeItem,
        "attendance": AttendanceRecord,
        "active": ActiveStudy,
        "attempt": Attempt,
        "quiz": Quiz,
    }
    return {name: connection.ops.quote_name(model._meta.db_table) for name, model in models.items()}


def _params(scope: ReportScope) -> dict:
    ops = connection.ops
    return {
        "programme": scope.programme.pk,
        "path": f"{scope.unit.path}%",
        "day": ops.adapt_datefield_value(scope.as_of),
        "start": ops.adapt_datetimefield_value(scope.start),
        "end": ops.adapt_datetimefield_value(scope.end),
        "lesson": ProgrammeItem.Kind.LESSON,
        "quiz_kind": ProgrammeItem.Kind.QUIZ,
        "finished": Attempt.Status.FINISHED,
        "false": False,
        "true": True,
        "hour": seconds_per_hour(),
        "quiz": scope.quiz.pk if scope.quiz else None,
    }


def _sql(
    scope: ReportScope, select: str, *, people_filter: str = "", users: str | None = None
) -> str:
    """The statement; ``users`` (SQL for a set of user ids) restricts the activity tables."""
    tables = _tables()
    only = {f"only_{alias}": f"AND {alias}.user_id IN {users}" if users else "" for alias in "car"}
    ctes = PEOPLE_SQL.format(
        people_filter=people_filter,
        **only,
        exam_item="i.quiz_id = %(quiz)s" if scope.quiz is not None else "1 = 1",
        finished=FINISHED,
        marked=MARKED,
        **tables,
    )
    return ctes + select.format(joins=JOINS)


def _fetch(sql: str, params: dict) -> list[tuple]:
    """Runs the statement; on PostgreSQL without JIT, whose compilation costs more than it saves
    here (the planner's cost estimate for a large tree crosses ``jit_above_cost``)."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic() if postgres else nullcontext(), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def own_figures(scope: ReportScope, *, whole_tree: bool = False) -> dict[int, Figures]:
    """Unit id → the figures of the people directly in that unit (one query).

    ``whole_tree`` says the subtree holds every unit, so activity needs no restriction.
    """
    users = None if whole_tree else IN_SUBTREE.format(**_tables())
    rows = _fetch(_sql(scope, UNIT_SQL, users=users), _params(scope))
    return {row[0]: _figures(*row[1:]) for row in rows}


def _figures(
    enrolled, active, completed, tenths, offline, reg_tenths, reg_offline, took, passed, pending,
    percent_sum, scored,
) -> Figures:  # fmt: skip
    return Figures(
        enrolled=int(enrolled),
        active=int(active or 0),
        completed=int(completed or 0),
        lesson_tenths=int(tenths or 0),
        offline_hours=_decimal(offline),
        regulation_tenths=int(reg_tenths or 0),
        regulation_offline_hours=_decimal(reg_offline),
        took=int(took or 0),
        passed=int(passed or 0),
        pending=int(pending or 0),
        percent_sum=_decimal(percent_sum),
        scored=int(scored),
    )


# The report -----------------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Unit
    level: int
    own: Figures = field(default_factory=Figures)
    total: Figures = field(default_factory=Figures)

    @property
    def has_children(self) -> bool:
        return self.unit.numchild > 0


@dataclass
class UnitReport:
    scope: ReportScope
    rows: list[UnitRow]

    @property
    def summary(self) -> Figures:
        return self.rows[0].total

    @property
    def chart_rows(self) -> list[UnitRow]:
        """The unit's direct sub-units (rolled up), or the unit itself when it has none."""
        children = [row for row in self.rows if row.level == 1]
        return children or self.rows[:1]


def unit_report(scope: ReportScope) -> UnitReport:
    """Every unit of the subtree in tree order, with own and rolled-up figures (two queries)."""
    path = scope.unit.path
    units = (
        Unit.objects.filter(Q(path__startswith=path) | Q(depth=1))
        .order_by("path")
        .only("name", "code", "path", "depth", "numchild")
    )
    rows = [UnitRow(u, u.depth - scope.unit.depth) for u in units if u.path.startswith(path)]
    whole_tree = all(u.path.startswith(path) for u in units)
    own = own_figures(scope, whole_tree=whole_tree)
    by_path = {row.unit.path: row for row in rows}
    for row in rows:
        row.own = own.get(row.unit.pk, Figures())
        for depth in range(scope.unit.depth, row.unit.depth + 1):
            by_path[row.unit.path[: depth * Unit.steplen]].total.add(row.own)
    return UnitReport(scope, rows)


def chart_data(report: UnitReport) -> dict:
    """The completion chart as plain data (for the JSON endpoint)."""
    scope = report.scope
    return {
        "programme": {"id": scope.programme.pk, "title": scope.programme.title},
        "unit": {"id": scope.unit.pk, "name": scope.unit.name, "code": scope.unit.code},
        "as_of": scope.as_of.isoformat(),
        "bars": [
            {
                "unit_id": row.unit.pk,
                "name": row.unit.name,
                "code": row.unit.code,
                "enrolled": row.total.enrolled,
                "completed": row.total.completed,
                "completion_rate": _json_number(row.total.completion_rate),
            }
            for row in report.chart_rows
        ],
    }


def _json_number(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 1)


# People who have not finished -----------------------------------------------------------------


@dataclass(frozen=True)
class PersonFigures:
    hours: Decimal = Decimal(0)
    regulation_hours: Decimal = Decimal(0)
    took: bool = False
    passed: bool = False
    pending: bool = False
    percent: Decimal | None = None

    @property
    def exam_status(self) -> str:
        """未参加, 待阅卷, 合格 or 未合格."""
        if not self.took:
            return "未参加"
        if self.passed:
            return "合格"
        return "待阅卷" if self.pending else "未合格"


ROSTERS = {
    "unfinished": "未完成人员",
    "all": "逐人成绩单（全部报名人员）",
    "absent": "未参考人员",
    "failed": "不合格人员",
    "pending": "待阅卷人员",
}
ROSTER_STATUS = {"absent": "未参加", "failed": "未合格", "pending": "待阅卷"}


def enrolled(scope: ReportScope) -> QuerySet[Enrollment]:
    """The people counted in the report (enrolled and not withdrawn by the end of the day),
    by unit then username."""
    return (
        Enrollment.objects.filter(
            programme=scope.programme,
            enrolled_at__lt=scope.end,
            user__profile__unit__path__startswith=scope.unit.path,
        )
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=scope.end))
        .select_related("user__profile__unit")
        .order_by("user__profile__unit__path", "user__username")
    )


def unfinished_enrollments(scope: ReportScope) -> QuerySet[Enrollment]:
    """Enrolments of the subtree not completed by the end of the day."""
    return enrolled(scope).filter(Q(completed_at__isnull=True) | Q(completed_at__gte=scope.end))


def roster(scope: ReportScope, kind: str) -> tuple[list[int], dict[int, PersonFigures] | None]:
    """The user ids of a name list (``ROSTERS``) in report order, and everyone's figures when
    the list is chosen by exam result (two queries in all)."""
    people = unfinished_enrollments(scope) if kind == "unfinished" else enrolled(scope)
    ids = list(people.values_list("user_id", flat=True))
    if kind not in ROSTER_STATUS:
        return ids, None
    figures = person_figures(scope)
    wanted = ROSTER_STATUS[kind]
    return [i for i in ids if figures.get(i, PersonFigures()).exam_status == wanted], figures


def enrollments_of(scope: ReportScope, user_ids: list[int]) -> list[Enrollment]:
    """The report's enrolments of ``user_ids``, in that order (one query)."""
    found = {e.user_id: e for e in enrolled(scope).filter(user_id__in=user_ids)}
    return [found[i] for i in user_ids if i in found]


def person_figures(
    scope: ReportScope, *, user_ids: list[int] | None = None
) -> dict[int, PersonFigures]:
    """User id → hours and exam result, for ``user_ids`` or everyone in the report (one query)."""
    params = _params(scope)
    if user_ids is None:
        people_filter = ""
        users = IN_SUBTREE.format(**_tables())
    elif not user_ids:
        return {}
    else:
        names = [f"u{i}" for i in range(len(user_ids))]
        params.update(zip(names, user_ids, strict=True))
        users = f"({', '.join(f'%({n})s' for n in names)})"
        people_filter = f"AND e.user_id IN {users}"
    rows = _fetch(_sql(scope, PERSON_SQL, people_filter=people_filter, users=users), params)
    return {row[0]: _person(*row[1:]) for row in rows}


def _person(
    tenths, offline, reg_tenths, reg_offline, took, passed, pending, percent
) -> PersonFigures:
    return PersonFigures(
        hours=Decimal(int(tenths)) / 10 + _decimal(offline),
        regulation_hours=Decimal(int(reg_tenths)) / 10 + _decimal(reg_offline),
        took=bool(took),
        passed=bool(passed),
        pending=bool(pending),
        percent=None if percent is None else _decimal(percent),
    )
