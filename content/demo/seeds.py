"""Reading the source documents: clean their known artifacts and recover their structure.

Pure functions over text; nothing here touches the database. The documents themselves stay in
the seeds folder and are never copied into the repository.
"""

import re
from pathlib import Path

from content.regulations.parse import (
    CN_NUMERAL,
    Article,
    ParsedDocument,
    parse_regulation,
    split_first_sentence,
    split_glued_items,
)

__all__ = ["Article", "ParsedDocument", "parse_regulation"]  # the splitter, for older callers

MEASURE_WORDS = set("次名个位人年月日项届批%%")

# Character-conversion errors in document 001 (see the seeds README), and a few more of the same
# kind that read plainly wrong in context.
CONVERSION_FIXES = {
    "科学开展": "科学发展",
    "推进开展": "推进发展",
    "开展速度": "发展速度",
    "开展质量": "发展质量",
    "开展绩效": "发展绩效",
    "开展水平": "发展水平",
    "又快开展": "又快发展",
    "加快开展": "加快发展",
    "长远开展": "长远发展",
    "原那么": "原则",
    "根底": "基础",
    "反响": "反馈",
    "到达": "达到",
    "效劳": "服务",
    "假设干": "若干",
    "局部": "部分",
    "立标准": "立规范",
    "标准干部提名": "规范干部提名",
    "标准实名举报": "规范实名举报",
    "根本满意": "基本满意",
    "广阔干部": "广大干部",
    "〞": "”",
    # After the conversion fixes above: words the conversion garbled into other real words.
    "健全表达": "健全体现",
    "充分表达群众意见": "充分体现群众意见",
    "稳固和提高": "巩固和提高",
    "根本情况": "基本情况",
    # 方法 → 办法 where it names a document (a 办法 is a rule; a 方法 merely a way).
    "年度考核方法": "年度考核办法",
    "“公推直选”实施方法": "“公推直选”实施办法",
    "集体讨论决定干部任免方法": "集体讨论决定干部任免办法",
    "工作程序监督方法": "工作程序监督办法",
    "信访举报工作方法": "信访举报工作办法",
    "查核结果反馈方法": "查核结果反馈办法",
    "公信度测评方法": "公信度测评办法",
    # Two places where the conversion dropped 电话.
    "纪律要求和监督 。": "纪律要求和监督电话。",
    "专用举报 和": "专用举报电话和",
    # A 2010-era plan cannot target the end of 2023: the year is unknown.
    "至2023年底": "至××年底",
}


class SeedError(Exception):
    """A source document is missing or not in the shape the loader expects."""


def read_seed(directory: Path, prefix: str) -> str:
    if not directory.is_dir():
        raise SeedError(f"找不到演示材料目录:{directory}(可用环境变量 DEMO_SEEDS_DIR 指定)")
    matches = sorted(directory.glob(f"{prefix}_*.txt"))
    if not matches:
        raise SeedError(f"演示材料目录 {directory} 中缺少编号为 {prefix} 的文件({prefix}_*.txt)")
    return matches[0].read_text(encoding="utf-8")


def compact(text: str) -> str:
    """Text without any whitespace: how quotations are matched against documents."""
    return re.sub(r"\s+", "", text)


def _title_index_001(lines: list[str]) -> int:
    """Index of 001's title line: after the download site's boilerplate and its stray words."""
    start = next(i for i, line in enumerate(lines) if line.startswith("网站客服")) + 1
    while start < len(lines) and len(lines[start].strip()) <= 4:
        start += 1
    return start


def title_001(text: str) -> str:
    lines = text.splitlines()
    return lines[_title_index_001(lines)].strip()


def clean_001(text: str) -> str:
    """Drop the download site's boilerplate and the title line (it becomes the page title), and
    fix the faulty character conversion."""
    lines = text.splitlines()
    body = "\n".join(lines[_title_index_001(lines) + 1 :])
    for wrong, right in CONVERSION_FIXES.items():
        body = body.replace(wrong, right)
    return re.sub(r"(?<!\d)20\d{4}年", "××年", body)


def title_002(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def clean_002(text: str) -> str:
    """Drop the hosting site's title lines (the page has the title), date line and disclaimer."""
    title = title_002(text)
    lines = [line for line in text.splitlines() if line.strip()]
    body = [line for line in lines if not line.startswith(("时间:", "导语:"))]
    return "\n".join(line for line in body if line.strip() != title)


def title_004(text: str) -> str:
    """The report's title opens its single line, after a page number and the masked place."""
    match = re.match(r"\s*1?[X×]*(.{4,40}?报告)", text)
    if match is None:
        raise SeedError("004 号材料开头找不到报告标题")
    return match.group(1)


def clean_004(text: str) -> str:
    """Remove the page numbers 1…10 glued into the text, in page order."""
    text = re.sub(r"^1(?=\D)", "", text.strip())
    position = 0
    for page in range(2, 11):
        match = _glued_page_number(text, str(page), position)
        if match is None:
            continue
        text = text[: match.start()] + text[match.end() :]
        position = match.start()
    return text


def _glued_page_number(text: str, digits: str, start: int) -> re.Match | None:
    for match in re.compile(rf"(?<!\d){digits}(?!\d)").finditer(text, start):
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if after in MEASURE_WORDS or before in "近共有第约":
            continue
        return match
    return None


def split_004_paragraphs(text: str) -> str:
    """The report is one long line: start a new line at each part and section heading."""
    text = re.sub(rf"(?<=[。:!])(?=[{CN_NUMERAL}]、)", "\n", text)
    text = re.sub(rf"(?=[((][{CN_NUMERAL}][))])", "\n", text)
    return text


REPORT_HEADING_ENDINGS = (
    "实践情况", "提名权", "的监督", "会议制度", "透明度", "问题和难点", "有待提高",
    "不够明晰", "制度滞后", "原因分析", "思考及建议", "新突破",
)  # fmt: skip


def anonymize(text: str) -> str:
    """The documents blank out place names with XXX / ** ; read them as 某市 / 某县, and any other
    blanked word (a year, say) as ××, never as stray asterisks."""
    text = text.replace("XXX", "某市").replace("XX市", "某市").replace("**县", "某县")
    return text.replace("**", "××")


def parse_news(text: str) -> list[tuple[str, str]]:
    """Blocks of a news item: an opening paragraph, then themed paragraphs with headings."""
    blocks: list[tuple[str, str]] = []
    for line in split_glued_items(text):
        heading, body = split_first_sentence(line, limit=20)
        if heading:
            blocks.append(("heading", heading))
        blocks.append(("paragraph", body))
    return blocks


def parse_report(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The research report's addressee line and its blocks (headings and paragraphs)."""
    lines = split_004_paragraphs(text).splitlines()
    opening = lines[0].split("报告", 1)[-1]
    blocks: list[tuple[str, str]] = [("paragraph", opening)]
    for line in lines[1:]:
        heading, body = _report_heading(line)
        if heading:
            blocks.append(("heading", heading))
        if body:
            blocks.append(("paragraph", body))
    return opening, blocks


def _report_heading(line: str) -> tuple[str, str]:
    ends = [line.find(e) + len(e) for e in REPORT_HEADING_ENDINGS if 0 < line.find(e) < 40]
    if not ends:
        return "", line
    cut = min(ends)
    return line[:cut], line[cut:]
