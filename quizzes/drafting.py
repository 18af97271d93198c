"""Question drafts from a regulation's quantified clauses: pure functions over text. No database.

``find_clauses`` reads an article and returns every clause that carries a rule with a number or a
threshold (不少于 3 人, 不得超过 5 次, 三分之二以上, 7 个工作日内, 15%…), Chinese numerals included;
``make_drafts`` turns one finding into a fill-in-the-blank, a true/false with a changed number and
a single choice whose distractors are the document's other thresholds of the same unit and near
values (never the true value). What a draft becomes in the bank is ``quizzes.services.drafts``.
"""

import hashlib
import re
from dataclasses import dataclass, field
from fractions import Fraction

from quizzes.formats import BLANK_MARK

DIGITS = "零〇一二两三四五六七八九"
CHINESE_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
CHINESE_NUMBER = r"[零〇一二两三四五六七八九十百千]+"
ARABIC_NUMBER = r"\d+(?:\.\d+)?"
# Longest first: 个工作日 before 日, 个百分点 before 个.
UNITS = (
    "个工作日", "工作日", "个百分点", "个小时", "小时", "个学时", "学时", "课时", "个月",
    "周岁", "年", "日", "天", "周", "次", "人", "名", "批", "票", "岁", "倍", "分钟", "%", "％",
)  # fmt: skip
BEFORE = (
    "不得少于", "不得低于", "不得超过", "不得多于", "不少于", "不低于", "不超过", "不多于",
    "不高于", "达不到", "未达到", "至少", "最多", "最少", "超过", "多于", "少于", "低于", "高于",
    "不足", "未满", "达到", "每",
)  # fmt: skip
AFTER = ("以上", "以下", "以内", "之内", "内", "以后", "之后", "后", "以前", "之前", "前")
SMALL_NUMERAL = "[一二三四五六七八九十]+"
# "分之" and "百分之" are kept apart from the groups that follow them (the punctuation check
# reads a Chinese character before "(" as a half-width parenthesis).
FRACTION = re.compile(f"(?P<den>{SMALL_NUMERAL})" + "分之" + f"(?P<num>{SMALL_NUMERAL})")
PERCENT_WORD = re.compile("百分之" + r"(?P<num>[一二三四五六七八九十百]+|\d+(?:\.\d+)?)")
HALF = re.compile(r"(?:半数|一半|过半)")
NUMBER_UNIT = re.compile(
    rf"(?P<num>{ARABIC_NUMBER}|{CHINESE_NUMBER})\s*(?P<unit>{'|'.join(map(re.escape, UNITS))})"
)
DATE = re.compile(
    rf"(?:\d{{4}}|[{DIGITS}]{{4}})\s*年|\d{{1,2}}\s*月\s*\d{{1,2}}\s*[日号]|"
    rf"[{DIGITS}十]{{1,3}}月[{DIGITS}十]{{1,3}}日"
)
SENTENCE_END = re.compile(r"[。；;！？!?\n]")
COMMA = re.compile(r"[，：]")
LEADING_NUMBERING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百]+[条章节]|[（(][一二三四五六七八九十\d]+[）)]|"
    r"[一二三四五六七八九十]+[、.．]|\d+[、.．]|[一二三四五六七八九十]是)\s*"
)
MAX_CLAUSE = 90
PERCENT_UNITS = ("%", "％", "百分之")
WEAK_QUALIFIERS = ("前", "后", "之后", "以后", "以前", "之前", "每")
TIME_AND_COUNT_UNITS = (
    "个工作日", "工作日", "日", "天", "个月", "年", "周", "小时", "个小时", "次", "人",
)  # fmt: skip


# Numbers -----------------------------------------------------------------------------------------


def chinese_to_int(text: str) -> int | None:
    """一百二十 → 120, 两 → 2, 二〇一 → 201; None for what is no number."""
    if not text or any(c not in CHINESE_DIGIT and c not in "十百千" for c in text):
        return None
    if not any(c in "十百千" for c in text):
        return int("".join(str(CHINESE_DIGIT[c]) for c in text))
    total, digit = 0, 0
    for char in text:
        if char in CHINESE_DIGIT:
            digit = CHINESE_DIGIT[char]
        else:
            total += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[char]
            digit = 0
    return total + digit


def int_to_chinese(value: int) -> str:
    """120 → 一百二十, 12 → 十二, 2 → 二 (the written style of regulations)."""
    if value == 0:
        return "零"
    words, rest, zero = "", value, False
    for size, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, rest = divmod(rest, size)
        if digit:
            words += ("零" if zero else "") + "零一二三四五六七八九"[digit] + name
            zero = False
        elif words:
            zero = rest > 0
    return words[1:] if value < 20 and words.startswith("一十") else words


def parse_number(text: str) -> Fraction | None:
    if re.fullmatch(ARABIC_NUMBER, text):
        return Fraction(text)
    value = chinese_to_int(text)
    return Fraction(value) if value is not None else None


# Findings --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A number as written in a clause: ``text`` is what a blank replaces (``start``:``end`` in
    the clause), ``unit`` stays in the stem."""

    text: str
    value: Fraction
    unit: str
    style: str  # arabic, chinese, fraction, half
    start: int
    end: int

    @property
    def key(self) -> str:
        """The fact's number, whatever its written style: 30人, 2/3, 50%."""
        value = self.value if self.style != "half" else Fraction(1, 2)
        number = str(value.numerator) if value.denominator == 1 else str(value)
        if self.style in ("fraction", "half"):
            return number
        return f"{number}{'%' if self.unit in PERCENT_UNITS else self.unit}"


@dataclass(frozen=True)
class Finding:
    """A clause of an article carrying one quantified rule."""

    clause: str  # the excerpt a question asks about
    sentence: str  # the whole sentence, quoted in the explanation
    quantity: Quantity
    qualifier: str  # 不得超过, 以上 … ("" for a bare number with a rule unit)

    @property
    def marked(self) -> tuple[str, str, str]:
        """The clause cut around the number: (before, number, after), for highlighting."""
        q = self.quantity
        return self.clause[: q.start], self.clause[q.start : q.end], self.clause[q.end :]


HALF_WIDTH = str.maketrans({",": "，", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"})


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, with the half-width marks of badly converted copies made
    full-width (one character for one, so offsets hold)."""
    return [s.strip().translate(HALF_WIDTH) for s in SENTENCE_END.split(text) if s.strip()]


def find_clauses(text: str) -> list[Finding]:
    """Every quantified rule of ``text`` (an article's body), one finding per number, in order."""
    findings = []
    for sentence in sentences(text):
        for start, end, quantity_parts in _quantities(sentence):
            qualifier = _qualifier(sentence, start, end)
            text_, value, unit, style = quantity_parts
            if not _is_rule(value, unit, style, qualifier):
                continue
            clause, offset = _clause(sentence, start, end)
            quantity = Quantity(text_, value, unit, style, start - offset, end - offset)
            findings.append(Finding(clause, sentence, quantity, qualifier))
    return findings


def fact_keys(text: str) -> set[str]:
    """The facts (numbers with their units) any text holds, rule or not: what a question of the
    bank tests, to match it with a draft."""
    return {
        Quantity(parts[0], parts[1], parts[2], parts[3], start, end).key
        for sentence in sentences(text)
        for start, end, parts in _quantities(sentence)
    }


def _quantities(sentence: str) -> list[tuple[int, int, tuple]]:
    """(start, end, (text, value, unit, style)) of every number in the sentence, dates left out."""
    taken = [m.span() for m in DATE.finditer(sentence)]
    found = []

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in taken)

    for match in FRACTION.finditer(sentence):
        den, num = chinese_to_int(match["den"]), chinese_to_int(match["num"])
        if den and num and num <= den and free(*match.span()):
            found.append((*match.span(), (match[0], Fraction(num, den), "", "fraction")))
            taken.append(match.span())
    for match in PERCENT_WORD.finditer(sentence):
        value = parse_number(match["num"])
        if value is not None and free(*match.span()):
            found.append(
                (*match.span("num"), (match["num"], value, "百分之", _style(match["num"])))
            )
            taken.append(match.span())
    for match in NUMBER_UNIT.finditer(sentence):
        value = parse_number(match["num"])
        if value is None or not free(*match.span()) or _is_ordinal(sentence, match):
            continue
        found.append(
            (*match.span("num"), (match["num"], value, match["unit"], _style(match["num"])))
        )
        taken.append(match.span())
    for match in HALF.finditer(sentence):
        if free(*match.span()) and sentence[match.start() - 1 : match.start()] != "通":
            found.append((*match.span(), (match[0], Fraction(1, 2), "", "half")))
    return sorted(found, key=lambda item: item[0])


def _style(number: str) -> str:
    return "arabic" if re.fullmatch(ARABIC_NUMBER, number) else "chinese"


def _is_ordinal(sentence: str, match: re.Match) -> bool:
    """第三次, 一是, numbers glued to other digits (12380) or to 周/年 as words (周年)."""
    before = sentence[max(0, match.start() - 1) : match.start()]
    session = match["unit"] == "次" and sentence.startswith(
        ("会议", "全会", "全体会议"), match.end()
    )
    return before == "第" or before.isdigit() or session  # 二次会议: the second meeting


def _qualifier(sentence: str, start: int, end: int) -> str:
    head = re.split(r"[，、：]", sentence[max(0, start - 14) : start])[-1]
    found = [(head.rfind(word) + len(word), len(word), word) for word in BEFORE if word in head]
    if found:
        return max(found)[2]  # the nearest, and the longest of those ending there
    tail = _unit_end(sentence, end)
    for word in AFTER:
        if sentence.startswith(word, tail):
            return word
    return "过" if sentence.startswith("过半", start) else ""


def _unit_end(sentence: str, end: int) -> int:
    for unit in UNITS:
        if sentence.startswith(unit, end):
            return end + len(unit)
    return end


def _is_rule(value: Fraction, unit: str, style: str, qualifier: str) -> bool:
    """A number is a rule with a threshold word, or a count of a rule unit (not 一名…); 每 and
    前/后 count as thresholds only for spans of time and counts."""
    if value <= 0:
        return False
    if qualifier and qualifier not in WEAK_QUALIFIERS:
        return True
    if qualifier and unit in TIME_AND_COUNT_UNITS:
        return True
    if style in ("fraction", "half") or unit in (*PERCENT_UNITS, "个百分点"):
        return True
    return value > 1 and unit in ("个工作日", "工作日", "次", "人", "名", "学时", "个学时", "批")


def _clause(sentence: str, start: int, end: int) -> tuple[str, int]:
    """The comma-separated part around the number, widened until it reads on its own; returns
    the clause and its offset in the sentence."""
    cuts = [0, *(m.end() for m in COMMA.finditer(sentence)), len(sentence) + 1]
    index = max(i for i, cut in enumerate(cuts[:-1]) if cut <= start)
    left, right = cuts[index], cuts[index + 1] - 1
    while index > 0 and right - cuts[index - 1] <= MAX_CLAUSE and right - left < 24:
        index -= 1
        left = cuts[index]
    right = _through_condition(sentence, left, right, [c - 1 for c in cuts if c > right + 1])
    clause = sentence[left:right].rstrip("，,：: ")
    numbering = LEADING_NUMBERING.match(clause)
    skip = numbering.end() if numbering and numbering.end() <= start - left else 0
    return clause[skip:], left + skip


def _through_condition(sentence: str, left: int, right: int, ends: list[int]) -> int:
    """A condition (…80%，且…的，) reads only with its consequence: when a part ending in 的
    follows within reach, the clause goes on to the part after it."""
    candidates = [right, *ends]
    for i, end in enumerate(candidates[:-1]):
        if end - left > MAX_CLAUSE:
            break
        if sentence[left:end].rstrip("，").endswith("的"):
            return min(candidates[i + 1], len(sentence))
    return right


# Values near a number, in its written style ------------------------------------------------------


def near_values(quantity: Quantity) -> list[Fraction]:
    """Plausible wrong values, nearest first; never the true value, never zero or less."""
    value = quantity.value
    if quantity.style in ("fraction", "half"):
        pool = [Fraction(2, 3), Fraction(1, 2), Fraction(3, 4), Fraction(1, 3), Fraction(4, 5)]
        return [v for v in pool if v != value]
    if quantity.unit in (*PERCENT_UNITS, "个百分点"):
        steps = [10, -10, 20, -20, 5, -5, 30]
    elif value >= 20:
        steps = [10, -10, 20, -5, 5, -20]
    elif value >= 10:
        steps = [5, -5, 2, -2, 10]
    else:
        steps = [1, -1, 2, -2, 3, 5]
    values = [value + step for step in steps] + [value * 2]
    out = []
    for candidate in values:
        if candidate > 0 and candidate != value and candidate not in out:
            if quantity.unit in PERCENT_UNITS and candidate >= 100:
                continue
            out.append(candidate)
    return out


def written(value: Fraction, quantity: Quantity) -> str:
    """``value`` written the way the clause writes its number (30 / 三十 / 三分之二)."""
    if quantity.style in ("fraction", "half"):
        if value == Fraction(1, 2) and quantity.style == "half":
            return quantity.text
        words = f"{int_to_chinese(value.denominator)}分之{int_to_chinese(value.numerator)}"
        return f"超过{words}" if quantity.text == "过半" else words
    if value.denominator != 1:
        return format(float(value), "g")
    if quantity.style == "chinese":
        return (
            "两"
            if value == 2 and quantity.unit not in PERCENT_UNITS
            else int_to_chinese(int(value))
        )
    return str(int(value))


def alternatives(quantity: Quantity) -> list[str]:
    """Accepted answers of a blank: as written, and in the other numeral style."""
    answers = [quantity.text]
    value = quantity.value
    if quantity.style in ("arabic", "chinese") and value.denominator == 1:
        answers += [str(int(value)), int_to_chinese(int(value))]
        if value == 2:
            answers.append("两")
    elif quantity.style == "fraction":
        answers.append(f"{value.numerator}/{value.denominator}")
    return list(dict.fromkeys(answers))


# Drafts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    kind: str  # fill, truefalse, single (the question types' keys)
    stem: str
    explanation: str
    quote: str
    fact: str  # the quantity's key (same article + same number = same fact)
    key: str  # stable digest: generating twice finds the same draft
    blanks: list[list[str]] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    correct: int | bool | None = None
    note: str = ""  # why a reviewer should look twice


NESTED = str.maketrans("“”", "‘’")  # quotes inside the quoted sentence
AMBIGUOUS_NOTE = (
    "文件中另有表述相同、数字不同的条款（如不同年份的目标），题目可能有歧义，请补充条件后再采纳。"
)


def template(finding: Finding) -> str:
    """The clause with its number taken out: two findings with one template and two values
    make each other's questions ambiguous."""
    before, _, after = finding.marked
    return f"{before}#{after}".replace("使", "")


def ambiguous(findings: list[Finding]) -> set[int]:
    """Indexes of the findings whose template another finding shares with another value."""
    values: dict[str, set[str]] = {}
    for finding in findings:
        values.setdefault(template(finding), set()).add(finding.quantity.key)
    return {i for i, f in enumerate(findings) if len(values[template(f)]) > 1}


def make_drafts(
    finding: Finding,
    *,
    citation: str,
    others: list[Quantity] = (),
    anchor: str = "",
    unclear: bool = False,
) -> list[Draft]:
    """A fill-in, a true/false with a changed number and a single choice for one finding.

    ``citation`` names the article (《办法》第五条); ``others`` are the document's other
    quantities, whose values of the same unit make the first distractors; ``anchor`` (the
    article's id) keeps drafts of equal clauses in different articles apart; ``unclear`` (see
    ``ambiguous``) puts a note on the drafts."""
    q = finding.quantity
    before, number, after = finding.marked
    lead = f"根据{citation}，"
    explanation = f"{citation}规定：“{finding.sentence.translate(NESTED)}。”"
    quote = finding.clause.translate(NESTED)[:120]
    base = f"{anchor}|{finding.clause}|{q.start}|{q.key}"
    wrong = near_values(q)
    common = {"explanation": explanation, "quote": quote, "fact": q.key}
    common["note"] = AMBIGUOUS_NOTE if unclear else ""
    changed = _changed(finding, wrong)
    choices = _choices(q, others, wrong)
    options = [written(value, q) + _shown_unit(q) for value in choices]
    return [
        Draft("fill", f"{lead}{before}{BLANK_MARK}{after}。", key=_key(base, "fill"),
              blanks=[alternatives(q)], **common),
        Draft("truefalse", f"{lead}{before}{changed}{after}。", key=_key(base, "truefalse"),
              correct=False, **common),
        Draft("single", f"{lead}{before}（　）{_after_unit(q, after)}。", key=_key(base, "single"),
              options=options, correct=choices.index(q.value), **common),
    ]  # fmt: skip


def _changed(finding: Finding, wrong: list[Fraction]) -> str:
    """The nearest wrong value that the clause does not already state elsewhere (达到70%、低于80%
    must not become 达到80%、低于80%)."""
    q = finding.quantity
    rest = finding.clause[: q.start] + finding.clause[q.end :]
    for value in wrong:
        text = written(value, q)
        if f"{text}{q.unit}" not in rest:
            return text
    return written(wrong[0], q)


def _key(base: str, kind: str) -> str:
    return hashlib.sha256(f"{base}|{kind}".encode()).hexdigest()[:40]


def _shown_unit(q: Quantity) -> str:
    return "%" if q.unit == "％" else q.unit if q.unit == "%" else ""


def _after_unit(q: Quantity, after: str) -> str:
    """In a single choice the unit % goes with the options; other units stay in the stem."""
    return after[len(q.unit) :] if q.unit in ("%", "％") and after.startswith(q.unit) else after


def _choices(q: Quantity, others: list[Quantity], wrong: list[Fraction]) -> list[Fraction]:
    """The true value and three distractors, sorted: up to two of the document's other values
    of the same unit (the nearest), then near values."""
    fractional = q.style in ("fraction", "half")
    same = {
        o.value for o in others
        if o.unit == q.unit and (o.style in ("fraction", "half")) == fractional
        and o.value != q.value and o.value > 0
    }  # fmt: skip
    document = sorted(same, key=lambda v: abs(v - q.value))[:2]
    picked: list[Fraction] = []
    for value in [*document, *wrong]:
        if value != q.value and value not in picked and len(picked) < 3:
            picked.append(value)
    return sorted([q.value, *picked])
