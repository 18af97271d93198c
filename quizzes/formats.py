"""How answers are typed as text, in the Excel import and the admin forms alike.

Options are letters ("B", "ACD", "a、c"); a fill-in question's blanks are separated by ";" and
each blank's accepted answers by "|" ("署名|签名;书面"); a true/false answer is a word such as
正确/错误, 对/错 or √/×. Pure functions, no database.
"""

import re
import unicodedata

OPTION_LETTERS = "ABCDEF"  # the Excel template has 选项A–F
BLANK_MARK = "____"
TRUE_WORDS = {"正确", "对", "√", "✓", "✔", "是", "T", "TRUE", "Y", "YES"}
FALSE_WORDS = {"错误", "错", "×", "✗", "✘", "X", "否", "F", "FALSE", "N", "NO"}


def parse_letters(text: str) -> list[int] | None:
    """Option indexes from letters such as "ACD", "a、c" or "A,C"; None if anything else is there."""
    letters = re.sub(r"[\s,，、;；/]+", "", unicodedata.normalize("NFKC", text)).upper()
    if not letters or not all("A" <= letter <= "Z" for letter in letters):
        return None
    return sorted({ord(letter) - ord("A") for letter in letters})


def letters_of(indexes: list[int]) -> str:
    return "".join(chr(ord("A") + i) for i in sorted(indexes))


def parse_alternatives(text: str) -> list[str]:
    """The accepted answers of one blank, separated by "|"."""
    return [answer.strip() for answer in re.split(r"[|｜]", text) if answer.strip()]


def parse_blanks(text: str) -> list[list[str]]:
    """Answers per blank: blanks separated by ";" (a trailing one is ignored), alternatives by "|"."""
    text = text.strip().rstrip(";；").strip()
    if not text:
        return []
    return [parse_alternatives(part) for part in re.split(r"[;；]", text)]


def format_blanks(blanks: list[list[str]], separator: str = "；") -> str:
    return separator.join("|".join(answers) for answers in blanks)


def parse_truefalse(text: str) -> bool | None:
    word = unicodedata.normalize("NFKC", text).strip().upper()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def split_names(text: str) -> list[str]:
    """Knowledge-point names separated by "、" (or a comma), without blanks or repeats."""
    names = (name.strip() for name in re.split(r"[、,，]", text))
    return list(dict.fromkeys(name for name in names if name))
