"""Reading the source documents: clean their known artifacts and recover their structure.

Pure functions over text; nothing here touches the database. The documents themselves stay in
the seeds folder and are never copied into the repository.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

CN_NUMERAL = "一二三四五六七八九十"
LEVEL1 = re.compile(rf"^([{CN_NUMERAL}]+)、(.*)$")
LEVEL2 = re.compile(rf"^[((]([{CN_NUMERAL}]+)[))](.*)$")
LEVEL3 = re.compile(r"^(\d{1,2})[、..](.*)$")
SUBHEADING = re.compile(rf"^(?:[^。]{{2,24}}:|[{CN_NUMERAL}]是[^。,,]{{2,16}}。)$")
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


@dataclass
class Article:
    number: int
    label: str
    section: str
    heading: str
    body: str


@dataclass
class ParsedDocument:
    preamble: str = ""
    articles: list[Article] = field(default_factory=list)
    signature: str = ""


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


def split_glued_items(text: str) -> list[str]:
    """Lines, with numbered items that share a line (``…促学。 3、抓好…``) split apart."""
    return [
        part.strip()
        for line in text.splitlines()
        for part in re.split(r"(?<=。)\s+(?=\d{1,2}、)", line)
        if part.strip()
    ]


REPORT_HEADING_ENDINGS = (
    "实践情况", "提名权", "的监督", "会议制度", "透明度", "问题和难点", "有待提高",
    "不够明晰", "制度滞后", "原因分析", "思考及建议", "新突破",
)  # fmt: skip


def anonymize(text: str) -> str:
    """The documents blank out place names with XXX / ** ; read them as 某市 / 某县, and any other
    blanked word (a year, say) as ××, never as stray asterisks."""
    text = text.replace("XXX", "某市").replace("XX市", "某市").replace("**县", "某县")
    return text.replace("**", "××")


def parse_regulation(text: str) -> ParsedDocument:
    """Split a normative document into preamble, numbered articles and signature."""
    doc = ParsedDocument()
    state = _Outline()
    lines = _join_broken_headings(split_glued_items(text))
    for line in lines:
        if line in {"|", "-"}:
            continue
        if re.match(r"^中共.{2,20}\d{4}年\d{1,2}月\d{1,2}日$", line):
            doc.signature = line
        elif not state.started and not (LEVEL1.match(line) or LEVEL3.match(line)):
            doc.preamble = "\n".join(filter(None, [doc.preamble, line]))
        else:
            state.started = True
            article = state.feed(line, number=len(doc.articles) + 1)
            if article:
                doc.articles.append(article)
    _drop_part_marks_if_numbered_throughout(doc.articles)
    _unique_labels(doc.articles)
    return doc


def _unique_labels(articles: list[Article]) -> None:
    """A label the document uses twice (a list restarted after a sub-heading, two paragraphs
    under one heading) gets an ordinal, so every article is cited unambiguously:
    ``四(一)1.`` twice reads ``四(一)1.`` and ``四(一)之二1.``; ``二`` twice ``二第1段``, ``二第2段``."""
    counts: dict[str, int] = {}
    for article in articles:
        counts[article.label] = counts.get(article.label, 0) + 1
    seen: dict[str, int] = {}
    for article in articles:
        label = article.label
        if counts[label] == 1:
            continue
        seen[label] = seen.get(label, 0) + 1
        if not label.endswith("."):
            article.label = f"{label}第{seen[label]}段"
        elif seen[label] > 1:
            head, number = re.match(r"^(.*?)(\d+\.)$", label).groups()
            article.label = f"{head}之{CN_NUMERAL[seen[label] - 1]}{number}"


def _drop_part_marks_if_numbered_throughout(articles: list[Article]) -> None:
    """Items numbered 1…N across the parts need no part mark in their label."""
    if articles and all(a.label.endswith(f"{a.number}.") for a in articles):
        for article in articles:
            article.label = f"{article.number}."


@dataclass
class _Outline:
    """Where the parser stands in the outline: part, section and sub-heading."""

    started: bool = False
    part: str = ""
    part_mark: str = ""
    section: str = ""
    section_mark: str = ""
    sub: str = ""

    def path(self) -> str:
        return " › ".join(filter(None, [self.part, self.section, self.sub]))

    def feed(self, line: str, *, number: int) -> Article | None:
        if (match := LEVEL1.match(line)) and _is_heading(match.group(2)):
            self.part, self.part_mark = line, match.group(1)
            self.section = self.section_mark = self.sub = ""
            return None
        if match := LEVEL2.match(line):
            mark = f"({match.group(1)})"
            if _is_heading(match.group(2)):
                self.section, self.section_mark, self.sub = line, mark, ""
                return None
            return self._article(number, mark, match.group(2))
        if SUBHEADING.match(line):
            self.sub = line.rstrip(":。")
            return None
        if match := LEVEL3.match(line):
            return self._article(number, f"{self.section_mark}{match.group(1)}.", match.group(2))
        return self._article(number, self.section_mark, line, split_heading=False)

    def _article(self, number: int, mark: str, text: str, split_heading=True) -> Article:
        heading, body = split_first_sentence(text) if split_heading else ("", text)
        label = f"{self.part_mark}{mark}" if self.part_mark else mark
        return Article(number, label.strip(), self.path(), heading, body)


def _is_heading(rest: str) -> bool:
    rest = rest.strip()
    return 0 < len(rest) <= 45 and "。" not in rest.rstrip("。")


def _join_broken_headings(lines: list[str]) -> list[str]:
    """``一、指导思想`` + ``和总体目标`` on the next line are one heading."""
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        continues = len(line) <= 8 and not line.endswith("。") and not _starts_structure(line)
        if LEVEL1.match(previous) and continues:
            joined[-1] = previous + line
        else:
            joined.append(line)
    return joined


def _starts_structure(line: str) -> bool:
    return any(p.match(line) for p in (LEVEL1, LEVEL2, LEVEL3))


def split_first_sentence(text: str, limit: int = 30) -> tuple[str, str]:
    """A short first sentence is the item's heading; the rest is its body."""
    head, sep, rest = text.partition("。")
    if sep and 0 < len(head) <= limit and rest.strip():
        return head.strip(), rest.strip()
    return "", text.strip()


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
