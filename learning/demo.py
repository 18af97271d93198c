"""Demo units and learners: a city's unit tree and a few dozen people of each rank.

Programmes, study history and attempts are added on top of these by ``load_history``.
"""

import random
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from learning.models import LearnerProfile, Rank, Unit, UnitAdministrator

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
