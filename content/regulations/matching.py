"""Matching a new text's articles to the articles of the page it revises.

A matched article keeps the old one's id and number (its anchor ``#art-N``), so questions and
case studies that cite it keep pointing at it; unmatched new articles are added, unmatched old
ones are removed. Pure functions; ``difflib`` measures how alike two texts are.
"""

from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

SAME_LABEL_RATIO = 0.5  # an article under its old label may be reworded this much
MOVED_RATIO = 0.75  # an article under another label must be this close to its old text
WINDOW = 8  # a moved article is looked for this many places either side of where it stood
SHORT_TEXT = 400  # two texts this long together are compared with difflib, longer ones by pairs
MAX_PAIRS = 4_000  # at most this many texts compared for moved articles, whatever the size


@dataclass(frozen=True)
class OldArticle:
    id: int
    number: int
    label: str
    text: str


def article_text(heading: str, body: str) -> str:
    return f"{heading}\n{body}".strip()


def match_articles(old: list[OldArticle], new: list[tuple[str, str]]) -> list[OldArticle | None]:
    """For each new article (label, text), the old article it continues, or None."""
    result: list[OldArticle | None] = [None] * len(new)
    free = {article.id: article for article in old}
    _match_exact(new, free, result)
    _match_same_label(new, free, result)
    _match_moved(new, old, free, result)
    return result


def _match_exact(new, free, result) -> None:
    by_text: dict[str, list[OldArticle]] = {}
    for article in free.values():
        by_text.setdefault(article.text, []).append(article)
    for position, (_, text) in enumerate(new):
        if candidates := by_text.get(text):
            result[position] = candidates.pop(0)
            del free[result[position].id]


def _match_same_label(new, free, result) -> None:
    by_label = {article.label: article for article in free.values() if article.label}
    for position, (label, text) in enumerate(new):
        old = by_label.get(label)
        if result[position] is None and old and old.id in free and _alike(old.text, text):
            result[position] = free.pop(old.id)


def _match_moved(new, old, free, result) -> None:
    """Articles renumbered (an article inserted or removed before them) are found by text among
    the old articles near their place; the number of comparisons is bounded."""
    place = {article.id: index for index, article in enumerate(old)}
    scale = len(old) / max(len(new), 1)
    pairs, compared = [], 0
    for position in (p for p, found in enumerate(result) if found is None):
        centre = position * scale
        for candidate in free.values():
            if abs(place[candidate.id] - centre) > WINDOW or compared >= MAX_PAIRS:
                continue
            compared += 1
            if (ratio := _close_ratio(candidate.text, new[position][1])) >= MOVED_RATIO:
                pairs.append((ratio, position, candidate.id))
    for _, position, old_id in sorted(pairs, reverse=True):
        if result[position] is None and old_id in free:
            result[position] = free.pop(old_id)


def _alike(a: str, b: str) -> bool:
    return similarity(a, b) >= SAME_LABEL_RATIO


def _close_ratio(a: str, b: str) -> float:
    """The similarity of two texts, or 0 as soon as a cheap upper bound says it is below the bar."""
    if min(len(a), len(b)) < MOVED_RATIO * max(len(a), len(b)):
        return 0.0
    return similarity(a, b)


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0 to 1: difflib's ratio for short texts; for long ones, whose
    ratio costs up to the product of their lengths, the overlap of their character pairs."""
    if len(a) + len(b) <= SHORT_TEXT:
        return SequenceMatcher(None, a, b, autojunk=False).ratio()
    pairs_a, pairs_b = _bigrams(a), _bigrams(b)
    shared = sum(min(count, pairs_b[pair]) for pair, count in pairs_a.items() if pair in pairs_b)
    return 2 * shared / (len(a) + len(b) - 2)


@lru_cache(maxsize=2048)
def _bigrams(text: str) -> Counter:
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def numbers_for(matches: list[OldArticle | None], natural: list[int]) -> list[int]:
    """Anchor numbers: a matched article keeps its old one; a new article takes its natural
    number when free, else the next free one above every number in use."""
    used = {old.number for old in matches if old is not None}
    numbers = []
    ceiling = max([*used, *natural, 0])
    for old, number in zip(matches, natural, strict=True):
        if old is not None:
            numbers.append(old.number)
        elif number not in used:
            numbers.append(number)
            used.add(number)
        else:
            ceiling += 1
            numbers.append(ceiling)
            used.add(ceiling)
    return numbers
