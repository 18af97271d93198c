"""Matching a new text's articles to the articles of the page it revises.

A matched article keeps the old one's id and number (its anchor ``#art-N``), so questions and
case studies that cite it keep pointing at it; unmatched new articles are added, unmatched old
ones are removed. Pure functions; ``difflib`` measures how alike two texts are.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

SAME_LABEL_RATIO = 0.5  # an article under its old label may be reworded this much
MOVED_RATIO = 0.75  # an article under another label must be this close to its old text
MAX_PAIRS = 60_000  # beyond this many unmatched pairs, only labels and exact texts match


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
    _match_moved(new, free, result)
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


def _match_moved(new, free, result) -> None:
    waiting = [p for p, found in enumerate(result) if found is None]
    if not waiting or not free or len(waiting) * len(free) > MAX_PAIRS:
        return
    pairs = []
    for position in waiting:
        for old in free.values():
            if (ratio := _close_ratio(old.text, new[position][1])) >= MOVED_RATIO:
                pairs.append((ratio, position, old.id))
    for _, position, old_id in sorted(pairs, reverse=True):
        if result[position] is None and old_id in free:
            result[position] = free.pop(old_id)


def _alike(a: str, b: str) -> bool:
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= SAME_LABEL_RATIO


def _close_ratio(a: str, b: str) -> float:
    """The ratio of two texts, or 0 as soon as the cheap upper bounds say it is below the bar."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < MOVED_RATIO or matcher.quick_ratio() < MOVED_RATIO:
        return 0.0
    return matcher.ratio()


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
