"""The one splitter of regulation texts, used by the admin's import and by the demo loader.

It recognises the numbering styles of Chinese normative documents:

* articles (``第X条``) grouped in chapters (``第X章``) and sections (``第X节``), with a
  heading in brackets where the document gives one (``第三条【适用范围】…``);
* outlines: parts ``一、``, sections ``(一)``, items ``1.`` / ``1、`` and sub-items ``(1)``;
* 附则, as a chapter of its own in either style.

``parse_regulation`` splits the body; ``read_regulation`` also takes the title, issuer,
document number and date from the head and the signature of a whole document. Pure functions
over text, reading it as written (half- and full-width marks alike).
"""

import datetime
import re
from dataclasses import dataclass, field

CN_NUMERAL = "一二三四五六七八九十"
CN_DIGITS = "零〇一二三四五六七八九十百千两"
OPEN, CLOSE = "(（", ")）"
LEVEL1 = re.compile(rf"^([{CN_NUMERAL}]+)、(.*)$")
LEVEL2 = re.compile(rf"^[{OPEN}]([{CN_NUMERAL}]+)[{CLOSE}](.*)$")
LEVEL3 = re.compile(r"^(\d{1,2})[、.．](.*)$")
LEVEL4 = re.compile(rf"^[{OPEN}](\d{{1,2}})[{CLOSE}](.*)$")
SUBHEADING = re.compile(rf"^(?:[^。]{{2,24}}[:：]|[{CN_NUMERAL}]是[^。,，]{{2,16}}。)$")
CHAPTER = re.compile(rf"^第([{CN_DIGITS}\d]+)([编章节])\s*(.*)$")
ARTICLE = re.compile(rf"^(第[{CN_DIGITS}\d]+条)\s*(.*)$")
SUPPLEMENTARY = re.compile(rf"^(?:[{CN_NUMERAL}]+、)?\s*附\s*则$")
BRACKETED_HEADING = re.compile(
    rf"^(?:【([^】]{{1,30}})】|[{OPEN}]([^{CLOSE}。]{{1,20}})[{CLOSE}])\s*(.*)$"
)
DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［【(（]\d{4}[〕\]］】)）]\s*\d{1,4}\s*号")
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DATE = re.compile(
    r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
TITLE_ENDINGS = (
    "办法", "规定", "条例", "意见", "通知", "方案", "细则", "规则", "决定", "制度", "准则",
    "纲要", "规划", "要点", "通报", "批复", "规程", "守则", "标准", "试行)", "试行）",
)  # fmt: skip
ISSUER_ENDINGS = (
    "委",
    "委员会",
    "部",
    "厅",
    "局",
    "办公室",
    "政府",
    "院",
    "会",
    "组",
    "中央",
    "室",
)
PUBLISHED_WORDS = re.compile(r"(?:印发|发布|公布|通过|修订|施行|审议批准|批准)$")


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
    title: str = ""
    issuer: str = ""
    document_number: str = ""
    issued_on: datetime.date | None = None


# The body: articles ---------------------------------------------------------------------------


def parse_regulation(text: str) -> ParsedDocument:
    """Split a normative document's body into preamble, numbered articles and signature."""
    lines = split_glued_items(text)
    if any(ARTICLE.match(line) for line in lines):
        return _parse_articles(lines)
    return _parse_outline(lines)


def split_glued_items(text: str) -> list[str]:
    """Lines, with numbered items that share a line (``…促学。 3、抓好…``) split apart."""
    return [
        part.strip()
        for line in text.splitlines()
        for part in re.split(r"(?<=。)\s+(?=\d{1,2}、)", line)
        if part.strip()
    ]


def _parse_articles(lines: list[str]) -> ParsedDocument:
    """``第X条`` documents: each article runs until the next article, chapter or section."""
    doc = ParsedDocument()
    chapter = section = ""
    for line in lines:
        if (match := CHAPTER.match(line)) and len(line) <= 40 and "。" not in line:
            heading = f"第{match.group(1)}{match.group(2)} {match.group(3)}".strip()
            if match.group(2) == "节":
                section = heading
            else:
                chapter, section = heading, ""
        elif SUPPLEMENTARY.match(line):
            chapter, section = "附则", ""
        elif match := ARTICLE.match(line):
            doc.articles.append(_numbered_article(doc.articles, match, chapter, section))
        elif doc.articles:
            doc.articles[-1].body = "\n".join(filter(None, [doc.articles[-1].body, line]))
        else:
            doc.preamble = "\n".join(filter(None, [doc.preamble, line]))
    return doc


def _numbered_article(previous: list[Article], match: re.Match, chapter: str, section: str):
    label, rest = match.group(1), match.group(2).strip()
    heading = ""
    if bracketed := BRACKETED_HEADING.match(rest):
        heading = (bracketed.group(1) or bracketed.group(2)).strip()
        rest = bracketed.group(3).strip()
    last = previous[-1].number if previous else 0
    value = chinese_number(label[1:-1])
    number = value if value and value > last else last + 1
    path = " › ".join(filter(None, [chapter, section]))
    return Article(number, label, path, heading, rest)


def chinese_number(text: str) -> int | None:
    """十二 → 12, 一百零三 → 103, 二〇 → 20, 15 → 15; None when it is not a number."""
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    units = {"十": 10, "百": 100, "千": 1000}
    total = current = 0
    for char in text:
        if char in digits:
            current = current * 10 + digits[char] if current and char in "〇零" else digits[char]
        elif char in units:
            total += (current or 1) * units[char]
            current = 0
        else:
            return None
    return total + current


def _parse_outline(lines: list[str]) -> ParsedDocument:
    """Outline documents (一、 (一) 1. (1)): every numbered item or paragraph is an article."""
    doc = ParsedDocument()
    state = _Outline()
    for line in _join_broken_headings(lines):
        if line in {"|", "-"}:
            continue
        if re.match(r"^中共.{2,20}\d{4}年\d{1,2}月\d{1,2}日$", line):
            doc.signature = line
        elif not state.started and not _starts_outline(line):
            doc.preamble = "\n".join(filter(None, [doc.preamble, line]))
        elif state.item_open and LEVEL4.match(line) and doc.articles:
            doc.articles[-1].body += "\n" + line
        else:
            state.started = True
            article = state.feed(line, number=len(doc.articles) + 1)
            if article:
                doc.articles.append(article)
    _drop_part_marks_if_numbered_throughout(doc.articles)
    _unique_labels(doc.articles)
    return doc


def _starts_outline(line: str) -> bool:
    return bool(
        LEVEL1.match(line) or LEVEL3.match(line) or LEVEL4.match(line) or SUPPLEMENTARY.match(line)
    )


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
            article.label = f"{head}之{CN_NUMERAL[(seen[label] - 1) % 10]}{number}"


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
    item_open: bool = False  # the last article is a numbered item: (1) lines belong to it

    def path(self) -> str:
        return " › ".join(filter(None, [self.part, self.section, self.sub]))

    def feed(self, line: str, *, number: int) -> Article | None:
        self.item_open = False
        if SUPPLEMENTARY.match(line):
            self.part, self.part_mark = "附则", "附则"
            self.section = self.section_mark = self.sub = ""
            return None
        if (match := LEVEL1.match(line)) and _is_heading(match.group(2)):
            self.part, self.part_mark = line, match.group(1)
            self.section = self.section_mark = self.sub = ""
            return None
        if match := LEVEL2.match(line):
            mark = f"({match.group(1)})"
            if _is_heading(match.group(2)):
                self.section, self.section_mark, self.sub = line, mark, ""
                return None
            self.item_open = True
            return self._article(number, mark, match.group(2))
        if SUBHEADING.match(line):
            self.sub = line.rstrip(":：。")
            return None
        if match := LEVEL3.match(line):
            self.item_open = True
            return self._article(number, f"{self.section_mark}{match.group(1)}.", match.group(2))
        if match := LEVEL4.match(line):
            return self._article(number, f"{self.section_mark}({match.group(1)})", match.group(2))
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
    return any(p.match(line) for p in (LEVEL1, LEVEL2, LEVEL3, LEVEL4, SUPPLEMENTARY))


def split_first_sentence(text: str, limit: int = 30) -> tuple[str, str]:
    """A short first sentence is the item's heading; the rest is its body."""
    head, sep, rest = text.partition("。")
    if sep and 0 < len(head) <= limit and rest.strip():
        return head.strip(), rest.strip()
    return "", text.strip()


# The whole document: head, body and signature -------------------------------------------------


def read_regulation(text: str) -> ParsedDocument:
    """Title, document number, issuer and date from the head and the signature, and the body
    split by ``parse_regulation``."""
    lines = [line.strip() for line in text.replace("\u3000", " ").splitlines() if line.strip()]
    head = _Head()
    start = head.read(lines)
    end = _signature_start(lines, start)
    doc = parse_regulation("\n".join(lines[start:end]))
    doc.title, doc.document_number = head.title, head.document_number
    doc.preamble = "\n".join(filter(None, [*head.preamble, doc.preamble]))
    signature = lines[end:]
    doc.signature = " ".join(signature) or doc.signature
    doc.issuer = head.issuer or _issuer_of(signature or [doc.signature])
    doc.issued_on = head.issued_on or find_date(" ".join(signature) or doc.signature)
    return doc


@dataclass
class _Head:
    """What the lines above the body say about the document."""

    title: str = ""
    issuer: str = ""
    document_number: str = ""
    issued_on: datetime.date | None = None
    preamble: list[str] = field(default_factory=list)

    def read(self, lines: list[str]) -> int:
        """Reads the head; returns the index of the body's first line."""
        index = 0
        while index < min(len(lines), 12) and not _starts_body(lines[index]):
            taken = self._take(lines, index)
            if not taken:
                break
            index += taken
        return index

    def _take(self, lines: list[str], index: int) -> int:
        """How many lines from ``index`` are part of the head (0: the preamble starts)."""
        line = lines[index]
        number = DOCUMENT_NUMBER.search(line)
        if line.endswith("文件") and len(line) <= 30 and not self.title and not self.issuer:
            self.issuer = line.removesuffix("文件").strip()  # the letterhead
        elif number and not self.document_number and len(line) <= len(number.group()) + 6:
            self.document_number = re.sub(r"\s+", "", number.group())
        elif (note := _publication_note(line)) and not self.issued_on:
            self.issued_on, self.issuer = note[0], note[1] or self.issuer
        elif not self.title and _looks_like_title(line):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if _continues_title(line, following):
                self.title = line + following
                return 2
            self.title = line
        else:
            return 0
        return 1


def _starts_body(line: str) -> bool:
    return bool(ARTICLE.match(line) or CHAPTER.match(line) or _starts_outline(line))


def _looks_like_title(line: str) -> bool:
    return len(line) <= 80 and not line.endswith(("。", "：", ":", "；", ";", "，", ","))


def _continues_title(line: str, following: str) -> bool:
    """A title broken over two lines: the first lacks a document word, the second ends with one."""
    return (
        bool(following)
        and not line.endswith(TITLE_ENDINGS)
        and following.endswith(TITLE_ENDINGS)
        and len(line + following) <= 80
        and not _starts_body(following)
    )


def _publication_note(line: str) -> tuple[datetime.date | None, str] | None:
    """``(2019年3月3日中共中央发布)`` → the date and the issuer."""
    match = re.match(rf"^[{OPEN}](.+)[{CLOSE}]$", line)
    if not match or not (issued := find_date(match.group(1))):
        return None
    rest = DATE.sub("", CN_DATE.sub("", match.group(1))).strip()
    issuer = PUBLISHED_WORDS.sub("", rest).strip()
    return issued, issuer if _is_issuer(issuer) else ""


def _signature_start(lines: list[str], start: int) -> int:
    """Index of the signature: the issuer and date lines closing the document, if any."""
    end = len(lines)
    if end <= start or not _is_date_line(lines[end - 1]):
        return end
    end -= 1
    while end - 1 > start and _is_issuer(lines[end - 1]) and len(lines) - end < 3:
        end -= 1
    return end


def _is_date_line(line: str) -> bool:
    stripped = DATE.sub("", CN_DATE.sub("", line)).strip()
    return find_date(line) is not None and (not stripped or _is_issuer(stripped))


def _is_issuer(text: str) -> bool:
    return 2 <= len(text) <= 40 and "。" not in text and text.endswith(ISSUER_ENDINGS)


def _issuer_of(signature: list[str]) -> str:
    for line in signature:
        name = DATE.sub("", CN_DATE.sub("", line)).strip()
        if _is_issuer(name):
            return name
    return ""


def find_date(text: str) -> datetime.date | None:
    """The first date written ``2010年6月1日`` or ``二〇一〇年六月一日`` in ``text``."""
    if match := DATE.search(text):
        parts = [int(part) for part in match.groups()]
    elif match := CN_DATE.search(text):
        year = "".join(str(chinese_number(char)) for char in match.group(1))
        parts = [int(year), chinese_number(match.group(2)), chinese_number(match.group(3))]
    else:
        return None
    try:
        return datetime.date(*parts)
    except (TypeError, ValueError):
        return None


def natural_numbers(labels: list[str]) -> list[int]:
    """Anchor numbers for articles in order: ``第十二条`` is 12 while the numbers rise, any
    other article the next number."""
    numbers: list[int] = []
    for label in labels:
        last = numbers[-1] if numbers else 0
        match = ARTICLE.match(label)
        value = chinese_number(match.group(1)[1:-1]) if match else None
        numbers.append(value if value and value > last else last + 1)
    return numbers
