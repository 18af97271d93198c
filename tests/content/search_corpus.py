"""A small corpus about supervising cadre selection, and queries with the pages they must find.

Used by ``test_search_recall.py`` for every search backend. The texts are written for the tests;
some pages hold a query's words apart on purpose (R2 has 选人, 用人 and 公信度 in different
clauses) so that quoted phrases and multi-word queries are told apart.
"""

from dataclasses import dataclass, field

from tests.content.factories import (
    CaseStudyPageFactory,
    RegulationPageFactory,
    StudyMaterialPageFactory,
)

R1 = "有效监督县委书记用人方案"
R2 = "干部选拔任用工作全程纪实办法"
R3 = "地方党委全委会票决制实施细则"
R4 = "选人用人工作一报告两评议实施办法"
R5 = "干部教育培训学时管理规定"
C1 = "某县突击提拔干部被严肃查处"
C2 = "带病提拔典型案例剖析"
C3 = "坚持民主推荐选出群众公认的好干部"
M1 = "提高选人用人公信度的几点思考"
M2 = "12380举报受理工作问答"
M3 = "新任领导干部岗前培训通知"
M4 = "关于开展选人用人专项检查的通知"
ALL_TITLES = frozenset({R1, R2, R3, R4, R5, C1, C2, C3, M1, M2, M3, M4})

REGULATIONS = {
    R1: [
        ("监督重点", "重点监督县委书记在干部选拔任用中执行民主集中制的情况，防止个人说了算。"),
        ("离任检查", "县委书记离任时，由上级组织部门对其任职期间的选人用人情况进行离任检查。"),
    ],
    R2: [
        ("动议环节", "记录动议时间、参与人员和拟任职位空缺情况。"),
        ("民主推荐", "民主推荐分为会议推荐和谈话调研推荐，推荐票情况如实记录。"),
        ("任前公示", "拟提拔人选在决定任职前进行任前公示，公示期不少于五个工作日。"),
        ("纪实监督", "选人环节和用人环节都要接受监督，增强公信度。"),
    ],
    R3: [
        ("票决范围", "下一级党政领导班子正职的拟任人选，提交全委会进行无记名投票表决。"),
        ("计票规则", "得票超过应到会委员半数的为通过。"),
    ],
    R4: [
        ("年度报告", "党委每年向全委会报告干部选拔任用工作情况。"),
        ("民主评议", "对选人用人工作和新提拔干部进行民主评议，评议结果作为改进工作的依据。"),
    ],
    R5: [
        ("学时要求", "县处级以上领导干部每年参加集中培训累计不少于110学时。"),
        ("岗前培训", "新提拔的领导干部应当在任职一年内完成岗前培训。"),
    ],
}

CASES = {
    C1: (
        "县委在换届前突击提拔干部十余名，违反任职试用期和任职年限规定。",
        "<p>群众通过12380举报平台反映问题，经核查属实，相关责任人被追责。</p>",
    ),
    C2: (
        "某干部在考察期间已有违纪问题，仍被提拔为副县长。",
        "<p>考察组未认真核查个人有关事项报告，档案审核流于形式，导致带病提拔。</p>",
    ),
    C3: (
        "某乡镇在换届中严格落实民主推荐和考察程序。",
        "<p>推荐、考察、任前公示各环节公开透明，选人用人公信度明显提升。</p>",
    ),
}

MATERIALS = {
    M1: ["选人用人公信度是衡量组织工作的重要标准。", "要把群众满意度调查结果作为重要参考。"],
    M2: [
        "12380是组织部门受理干部选拔任用举报的专用号码，可以通过电话、网站和短信举报。",
        "Ｗｅｂ举报平台全天开放。",
    ],
    M3: [
        "组织新任县处级领导干部参加为期两周的岗前培训。",
        "培训结束后进行考试，成绩计入培训档案。",
    ],
    M4: [
        "检查内容包括动议、民主推荐、考察、讨论决定、任职等环节。",
        "重点查看是否存在超职数配备干部问题。",
        "检查常委会研究干部是否全面实行票决制度。",
    ],
}


def create_corpus() -> None:
    """Create and publish the twelve pages (indexed by the configured search backend)."""
    for title, articles in REGULATIONS.items():
        RegulationPageFactory(title=title, articles=articles)
    for title, (summary, body) in CASES.items():
        CaseStudyPageFactory(title=title, summary=summary, body=body)
    for title, paragraphs in MATERIALS.items():
        StudyMaterialPageFactory(title=title, paragraphs=paragraphs)


@dataclass(frozen=True)
class Case:
    query: str
    must_find: frozenset[str]
    must_not_find: frozenset[str] = field(default_factory=frozenset)
    note: str = ""


def case(query: str, find: set[str], avoid: set[str] = frozenset(), note: str = "") -> Case:
    return Case(query, frozenset(find), frozenset(avoid), note)


QUERIES = [
    case("县委书记", {R1}, {C1}, "canonical: a word inside a title"),
    case("书记", {R1}, {C1}, "shorter word inside 县委书记"),
    case("县委", {R1, C1}, {R2}),
    case("离任检查", {R1}, {M4}, "检查 alone is not enough"),
    case("民主推荐", {R2, C3, M4}, {R4, R5}, "R4 has 民主 but not 推荐"),
    case('"民主推荐"', {R2, C3, M4}, {R4}),
    case("任前公示", {R2, C3}, {M1, M4}),
    case("票决制", {R3, M4}, {R4}, "M4 says 票决制度: 制 is cut apart, only 票决 must match"),
    case("全委会", {R3, R4}, {R1}),
    case("一报告两评议", {R4}, {C2}, "C2 has 报告 but no 评议"),
    case("学时", {R5}, {M3}),
    case("110学时", {R5}, {M3}),
    case("岗前培训", {R5, M3}, {M1}),
    case("岗前", {R5, M3}, {M4}),
    case("带病提拔", {C2}, {C1}),
    case("突击提拔", {C1}, {C2}, "提拔 sits inside 提拔干部"),
    case('"突击提拔"', {C1}, {C2}, "phrase across a longer word"),
    case("选人用人公信度", {M1, C3, R2}, {R4}, "R2 holds the words apart"),
    case('"选人用人公信度"', {M1, C3}, {R2, R4}, "quoted: adjacent words only"),
    case("“选人用人公信度”", {M1, C3}, {R2}, "curly quotes"),
    case("12380", {C1, M2}, {R1, M1}),
    case("１２３８０", {C1, M2}, {R1}, "full-width digits"),
    case("12380举报", {C1, M2}, {R2}),
    case("web", {M2}, {M1}, "full-width Latin in the page"),
    case("ＷＥＢ", {M2}, {M1}, "full-width Latin in the query"),
    case("档案审核", {C2}, {M3}, "M3 has 档案 but not 审核"),
    case("超职数配备", {M4}, {R2}),
    case("动议", {R2, M4}, {R1}),
    case("无记名投票", {R3}, {R4}, "only inside an article body"),
    case("个人说了算", {R1}, {R2}, "article body"),
    case("县委书记 离任检查", {R1}, {C1, M4}),
    case("民主推荐 任前公示", {R2, C3}, {M4, R4}),
    case("县委书记的离任检查", {R1}, {M4}, "stop word in the query"),
    case("群众满意度", {M1}, {C3}),
    case("换届", {C1, C3}, {R1}),
    case("副县长", {C2}, {C1}),
    case("专项检查", {M4}, {R1}),
    case("组织部门", {R1, M2}, {R3}),
    case('"培训档案"', {M3}, {R5}),
    case("的", set(), ALL_TITLES, "stop word only"),
]
