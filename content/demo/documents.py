"""The five source documents as the demo site presents them: page type, title and metadata.

The text itself is read from the seeds folder at load time (see ``seeds.py``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from content.demo import seeds


@dataclass(frozen=True)
class SeedDocument:
    prefix: str
    slug: str
    page_type: str  # "regulation" or "material"
    clean: Callable[[str], str]
    # Where the document states its own title, the page takes it from there; ``title`` is for
    # the documents that do not (a notice's text starts at its addressees, a news item's at
    # its lead).
    title_in_text: Callable[[str], str] | None = None
    title: str = ""
    issuer: str = ""
    issued_on: datetime.date | None = None
    status: str = "current"
    kind: str = "material"
    summary: str = ""
    is_regulation: bool = False  # 法规纪律类: policy and discipline, not a notice's arrangements
    history_note: str = ""


HISTORICAL = (
    "本文件为 2010 年前后印发的历史文本，其中部分规定已被此后的党内法规修订或替代，"
    "学习时请以现行规定为准。"
)


DOCUMENTS = (
    SeedDocument(
        prefix="000",
        slug="sixiang-jiandu-xuexi-tongzhi",
        title="关于认真学习贯彻干部选拔任用工作四项监督制度的通知",
        page_type="regulation",
        clean=lambda text: text,
        issuer="中共常州市委组织部",
        issued_on=datetime.date(2010, 6, 1),
        history_note=HISTORICAL,
        summary="部署四项监督制度的学习培训与贯彻实施：县处级领导干部专题培训和自我测试、"
        "组工干部统一考试，责任追究、有关事项报告、“一报告两评议”和离任检查的落实要求。",
    ),
    SeedDocument(
        prefix="001",
        slug="tigao-xuanren-yongren-gongxindu",
        title_in_text=seeds.title_001,
        page_type="regulation",
        clean=seeds.clean_001,
        issuer="中共某市委",
        is_regulation=True,
        history_note=HISTORICAL,
        summary="从导向机制、工作机制、监督机制和群众满意度评价反馈机制四方面提出措施，"
        "明确岗前培训法规纪律内容不少于8学时、任职资格考试法规纪律内容不少于15%等要求。",
    ),
    SeedDocument(
        prefix="002",
        slug="youxiao-jiandu-xianwei-shuji-yongren",
        title_in_text=seeds.title_002,
        page_type="regulation",
        clean=seeds.clean_002,
        issuer="中共某县委",
        is_regulation=True,
        history_note=HISTORICAL,
        status="trial",
        summary="界定县委班子和县委书记的用人权力与责任，规范动议、提名、考察、酝酿和决定各环节，"
        "并通过上级监督、监督员和群众监督约束“一把手”用人行为。",
    ),
    SeedDocument(
        prefix="003",
        slug="jingxian-congyan-guanli-jiandu",
        title="泾县构建从严管理监督干部体系",
        page_type="material",
        clean=lambda text: text,
        issuer="泾县县委组织部",
        kind="news",
        summary="泾县从政治监督、工作监督、日常监督、重点监督和监督合力五方面从严管理监督干部。",
    ),
    SeedDocument(
        prefix="004",
        slug="quanguocheng-jiandu-diaoyan-baogao",
        title_in_text=seeds.title_004,
        page_type="material",
        clean=seeds.clean_004,
        issuer="中共某市委组织部",
        kind="report",
        summary="总结某市对干部选拔任用全过程监督的做法，分析监督主体、职责和制度方面的问题及原因，"
        "提出在监督方法、渠道和机制上取得突破的建议。",
    ),
)
