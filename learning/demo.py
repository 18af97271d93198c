"""Demo units and learners: a city's unit tree and a few dozen people of each rank.

Programmes, study history and attempts are added on top of these by ``load_history``.
"""

import random
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from wagtail.models import Page

from learning import services
from learning.models import (
    LearnerProfile,
    Programme,
    ProgrammeItem,
    QuizAudience,
    Rank,
    StudyCredit,
    Unit,
    UnitAdministrator,
)
from quizzes import services as quiz_services
from quizzes.models import AttemptQuestion, Question, Quiz

UNIT_TREE = {
    ("CZ", "常州市"): {
        ("CZ-ZZB", "市委组织部"): {},
        ("CZ-JW", "市纪委监委"): {},
        ("CZ-FGW", "市发展改革委"): {},
        ("CZ-JYJ", "市教育局"): {},
        ("WJ", "武进区"): {("WJ-ZZB", "武进区委组织部"): {}, ("WJ-HT", "湖塘镇"): {}, ("WJ-NX", "南夏墅街道"): {}},
        ("XB", "新北区"): {("XB-ZZB", "新北区委组织部"): {}, ("XB-XJ", "薛家镇"): {}},
        ("LY", "溧阳市"): {("LY-ZZB", "溧阳市委组织部"): {}, ("LY-TMH", "天目湖镇"): {}},
    }
}  # fmt: skip
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
)
GIVEN = "建国 海峰 志强 秀英 丽华 文杰 晓东 玉兰 俊 敏 静 磊 洋 艳 勇 军 杰 娟 涛 明 超 霞 平 刚 桂英 华 红 飞 鹏 慧 宇 斌 婷 强 琳 波 伟 芳 娜".split()
PEOPLE_PER_RANK = {Rank.COUNTY: 30, Rank.TOWNSHIP: 24, Rank.ORG_STAFF: 30, Rank.OTHER: 8}
USERNAME_PREFIX = {
    Rank.COUNTY: "cadre",
    Rank.TOWNSHIP: "keji",
    Rank.ORG_STAFF: "zugong",
    Rank.OTHER: "other",
}
POSITIONS = {
    Rank.COUNTY: ["副区长", "局长", "副局长", "区委常委", "副主任"],
    Rank.TOWNSHIP: ["镇长", "副镇长", "科长", "副科长"],
    Rank.ORG_STAFF: ["干部监督科科员", "组织科科员", "干部科副科长", "办公室科员"],
    Rank.OTHER: ["工作人员"],
}


@dataclass
class PeopleReport:
    units: int = 0
    people: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)


def load_people(*, accounts_file: Path, rng: random.Random | None = None) -> PeopleReport:
    """Create the unit tree, the learners and two unit administrators, once."""
    rng = rng or random.Random(2010)
    report = PeopleReport()
    with transaction.atomic():
        units = _ensure_units(UNIT_TREE, None, report)
        if not LearnerProfile.objects.exists():
            password = _demo_password(accounts_file)
            _create_learners(units, password, rng, report)
            _create_unit_admins(units, password, report)
    return report


def _ensure_units(tree: dict, parent: Unit | None, report: PeopleReport) -> dict[str, Unit]:
    units = {}
    for (code, name), children in tree.items():
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = (parent.add_child if parent else Unit.add_root)(code=code, name=name)
            report.units += 1
        units[code] = unit
        units.update(_ensure_units(children, Unit.objects.get(pk=unit.pk), report))
    return units


def _demo_password(accounts_file: Path) -> str:
    """One random password shared by the demo learners, kept beside the database."""
    if accounts_file.exists():
        return accounts_file.read_text(encoding="utf-8").split()[-1]
    password = secrets.token_urlsafe(8)
    accounts_file.write_text(f"演示学员统一密码 {password}\n", encoding="utf-8")
    accounts_file.chmod(0o600)
    return password


def _leaf_units(units: dict[str, Unit], rank: str) -> list[Unit]:
    if rank == Rank.ORG_STAFF:
        return [u for code, u in units.items() if code.endswith("ZZB")]
    return [u for code, u in units.items() if u.numchild == 0 and not code.endswith("ZZB")]


def _create_learners(units, password, rng, report) -> None:
    User = get_user_model()
    hashed = make_password(password)
    for rank, count in PEOPLE_PER_RANK.items():
        for n in range(1, count + 1):
            username = f"{USERNAME_PREFIX[rank]}{n:03d}"
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            user = User.objects.create(username=username, first_name=name, password=hashed)
            LearnerProfile.objects.create(
                user=user,
                unit=rng.choice(_leaf_units(units, rank)),
                rank=rank,
                position=rng.choice(POSITIONS[rank]),
            )
            report.people += 1
    report.accounts += [("cadre001", "县处级领导干部"), ("zugong001", "组工干部")]


def _create_unit_admins(units, password, report) -> None:
    User = get_user_model()
    for username, name, code in (
        ("wj_admin", "武进区单位管理员", "WJ"),
        ("cz_admin", "市级单位管理员", "CZ"),
    ):
        user = User.objects.create(
            username=username, first_name=name, password=make_password(password)
        )
        UnitAdministrator.objects.create(user=user, unit=units[code])
        report.accounts.append((username, name))


# Programmes and study history --------------------------------------------------------------

PROGRAMMES = (
    {
        "slug": "zugong-gangqian-peixun",
        "title": "组工干部岗前培训",
        "description": "新进组织人事部门干部岗前培训：应修 10 学时，其中干部选拔任用政策法规和"
        "干部人事纪律不少于 8 学时；学完必修课程并通过统一考试后颁发结业证书。",
        "audience_ranks": [Rank.ORG_STAFF],
        "required_hours": 10,
        "required_regulation_hours": 8,
        # (page slug, nominal minutes, required, regulation content)
        "lessons": [
            ("sixiang-jiandu-xuexi-tongzhi", 120, True, True),
            ("tigao-xuanren-yongren-gongxindu", 150, True, True),
            ("youxiao-jiandu-xianwei-shuji-yongren", 120, True, True),
            ("quanguocheng-jiandu-diaoyan-baogao", 60, False, False),
            ("jingxian-congyan-guanli-jiandu", 40, False, False),
        ],
        "quiz": "zugong-ganbu-tongyi-kaoshi",
        "offline": ("四项监督制度专题辅导会", 2),
    },
    {
        "slug": "xianchuji-lunxun",
        "title": "县处级领导干部四项监督制度轮训",
        "description": "县处级领导干部轮训：学习四项监督制度及配套规定，完成自我测试，以测促学。",
        "audience_ranks": [Rank.COUNTY],
        "required_hours": 4,
        "required_regulation_hours": 0,
        "lessons": [
            ("sixiang-jiandu-xuexi-tongzhi", 90, True, True),
            ("youxiao-jiandu-xianwei-shuji-yongren", 90, True, True),
            ("tigao-xuanren-yongren-gongxindu", 60, False, True),
        ],
        "quiz": "sixiang-jiandu-zice",
        "offline": None,
    },
)


def load_history(*, now, rng: random.Random | None = None) -> list[str]:
    """The demo programmes, enrolled by audience, with study time, attempts and certificates."""
    rng = rng or random.Random(45)
    created = []
    for spec in PROGRAMMES:
        if Programme.objects.filter(slug=spec["slug"]).exists():
            continue
        programme = _create_programme(spec, now)
        services.enrol_audience(programme=programme, now=now - timedelta(days=20))
        _simulate_learning(programme, now, rng)
        services.complete_programme(programme=programme, now=now)
        created.append(programme.title)
    return created


def _create_programme(spec: dict, now) -> Programme:
    programme = Programme.objects.create(
        slug=spec["slug"], title=spec["title"], description=spec["description"],
        audience_ranks=spec["audience_ranks"], required_hours=spec["required_hours"],
        required_regulation_hours=spec["required_regulation_hours"],
        starts_on=(now - timedelta(days=30)).date(), ends_on=(now + timedelta(days=60)).date(),
        is_published=True,
    )  # fmt: skip
    order = 0
    for order, (slug, minutes, required, regulation) in enumerate(spec["lessons"]):
        ProgrammeItem.objects.create(
            programme=programme, kind=ProgrammeItem.Kind.LESSON, page=Page.objects.get(slug=slug),
            nominal_minutes=minutes, required=required, is_regulation=regulation, sort_order=order,
        )  # fmt: skip
    quiz = Quiz.objects.get(slug=spec["quiz"])
    if quiz.mode == Quiz.Mode.EXAM:  # the unified exam is for the programme's audience only
        audience, _ = QuizAudience.objects.get_or_create(quiz=quiz)
        audience.ranks = spec["audience_ranks"]
        audience.save()
    ProgrammeItem.objects.create(
        programme=programme, kind=ProgrammeItem.Kind.QUIZ, quiz=quiz, sort_order=order + 1
    )
    if spec["offline"]:
        title, hours = spec["offline"]
        ProgrammeItem.objects.create(
            programme=programme, kind=ProgrammeItem.Kind.OFFLINE, title=title, offline_hours=hours,
            required=False, is_regulation=True, sort_order=order + 2,
        )  # fmt: skip
    return programme


def _simulate_learning(programme: Programme, now, rng: random.Random) -> None:
    """Most people study some of the lessons; those who studied most sit the quiz."""
    lessons = list(programme.items.filter(kind=ProgrammeItem.Kind.LESSON))
    quiz_item = programme.items.get(kind=ProgrammeItem.Kind.QUIZ)
    credits = []
    for enrollment in programme.enrollments.select_related("user"):
        diligence = rng.choice([0, 0.3, 0.6, 1, 1, 1])
        for lesson in lessons:
            effort = rng.uniform(1.0, 1.3) if diligence == 1 else diligence * rng.uniform(0.8, 1.2)
            seconds = int(lesson.nominal_minutes * 60 * min(1, effort))
            credits += _daily_credits(enrollment.user, lesson, seconds, now, rng)
        if diligence >= 0.6:
            _sit_quiz(
                quiz_item.quiz, enrollment.user, now - timedelta(hours=rng.randint(2, 20)), rng
            )
    StudyCredit.objects.bulk_create(credits)


def _daily_credits(user, lesson, seconds: int, now, rng) -> list[StudyCredit]:
    days: dict = {}
    while seconds > 0:
        chunk = min(seconds, rng.randint(600, 2400))
        day = (now - timedelta(days=rng.randint(1, 18))).date()
        days[day] = days.get(day, 0) + chunk
        seconds -= chunk
    return [StudyCredit(user=user, item=lesson, day=day, seconds=s) for day, s in days.items()]


def _sit_quiz(quiz, user, started, rng: random.Random) -> None:
    """Answer a drawn paper, each question right with a probability, then finish it."""
    attempt = quiz_services.start_attempt(quiz=quiz, user=user, now=started, rng=rng)
    skill = rng.uniform(0.45, 0.95)
    rows = list(attempt.paper.all())
    questions = Question.objects.in_bulk([row.question_id for row in rows])
    for row in rows:
        question = questions[row.question_id]
        right = rng.random() < skill
        row.response = question.correct_response() if right else question.wrong_response()
    AttemptQuestion.objects.bulk_update(rows, ["response"])
    finished = started + timedelta(minutes=rng.randint(12, 28))
    quiz_services.finish_attempt(attempt_id=attempt.pk, now=finished)
    _mark_most_essays(attempt, finished + timedelta(hours=1), rng)


def _mark_most_essays(attempt, now, rng: random.Random) -> None:
    """Three essays in four are marked; the rest wait in the marking queue."""
    marker = get_user_model().objects.filter(username="cz_admin").first()
    for row in attempt.paper.filter(score__isnull=True):
        if rng.random() < 0.75:
            score = row.points * Decimal(rng.choice([5, 6, 7, 8, 9])) / 10
            quiz_services.mark_answer(
                row_id=row.pk, marker=marker, score=score, comment="要点基本完整。", now=now
            )
