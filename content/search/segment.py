"""Chinese word segmentation shared by every search backend and by highlighting.

One module decides what a "word" is, so the index, the query and the highlighted snippet always
agree. jieba's dictionary is loaded once per process by ``warm_up()`` (called from
``ContentConfig.ready``), never on a request.
"""

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass

import jieba

jieba.setLogLevel(logging.WARNING)

# Function words that carry no meaning on their own; dropping them keeps both the index and
# multi-word queries focused.
_STOP_WORD_LIST = (
    "的 了 和 与 及 或 在 是 为 对 把 被 将 由 从 以 于 之 其 等 而 并 也 又 就 都 要 应 "
    "这 那 有 个 中 上 下 不 一 a an the of and or to in"
)
STOP_WORDS = frozenset(_STOP_WORD_LIST.split())
_WORD_CHARACTER = re.compile(r"[\w%%]", re.UNICODE)
# Straight, full-width and curly double quotes all delimit a phrase in a query.
_QUOTES = str.maketrans({"\uff02": '"', "\u201c": '"', "\u201d": '"'})
_lock = threading.Lock()
_ready = False


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def warm_up() -> None:
    """Load jieba's dictionary now (idempotent and thread-safe)."""
    global _ready
    if _ready:
        return
    with _lock:
        if not _ready:
            jieba.initialize()
            _ready = True


def normalize(text: str) -> str:
    """Fold full-width forms to half-width and Latin letters to lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def is_word(token: str) -> bool:
    return bool(token.strip()) and bool(_WORD_CHARACTER.search(token)) and token not in STOP_WORDS


def tokenize(text: str, *, search_mode: bool = False) -> list[Token]:
    """Split text into word tokens with character offsets into the normalized text.

    ``search_mode`` also yields the shorter words inside a long one (县委书记 → 县委, 书记,
    县委书记), which is what an index wants so that a query for a part still matches.
    """
    warm_up()
    mode = "search" if search_mode else "default"
    tokens = jieba.tokenize(normalize(text), mode=mode)
    return [Token(word, start, end) for word, start, end in tokens if is_word(word)]


def index_tokens(text: str) -> tuple[tuple[int, Token], ...]:
    """Index-side ``(position, token)`` pairs: every word plus the shorter words inside it.

    Whole words (jieba's default mode) get ordinal positions 0, 1, 2 … with stop words and
    punctuation not counted, so a phrase query made of ``words()`` matches consecutive
    positions. The sub-words jieba's search mode adds (县委书记 → 县委, 书记) share the position
    of the word that contains them, so they add recall without breaking phrases.
    """
    warm_up()
    # By start, longest first: a whole word comes before the sub-words starting where it does.
    spans = sorted(
        jieba.tokenize(normalize(text), mode="search"), key=lambda t: (t[1], t[1] - t[2])
    )
    pairs: list[tuple[int, Token]] = []
    position, word_end, word_kept = -1, -1, False
    for word, start, end in spans:
        if end > word_end:  # a whole word: jieba's default-mode words tile the text
            word_end, word_kept = end, is_word(word)
            if word_kept:
                position += 1
        elif not word_kept:
            continue
        if is_word(word):
            pairs.append((position, Token(word, start, end)))
    return tuple(pairs)


def words(text: str) -> list[str]:
    """The words of a query or a text, in order, without stop words and punctuation."""
    return [token.text for token in tokenize(text)]


_ONE_CHINESE_CHARACTER = re.compile(r"^[\u4e00-\u9fff]$")


def _required(words: list[str]) -> list[str]:
    """The query words a document must hold. jieba may cut a query at a different place than
    the text it should find: 票决制 is 票决 + 制, the text's 票决制度 is 票决 + 制度, and 制 never
    matches. So a one-character Chinese word of a longer query is left out (the others must
    match); a query of one character alone is kept as it is."""
    kept = [word for word in words if not _ONE_CHINESE_CHARACTER.match(word)]
    return kept or words


def query_words(text: str) -> list[str]:
    """The words of a (non-phrase) query that must match, see ``_required``."""
    return _required(words(text))


def segmented_query(text: str) -> str:
    """A (non-phrase) query segmented like the index of the database backend, see ``_required``."""
    return " ".join(_required([t.text for t in tokenize(text, search_mode=True)]))


def segmented(text: str) -> str:
    """Text re-written as space-separated words (index and query side of the database backend)."""
    return " ".join(token.text for token in tokenize(text, search_mode=True))


def query_parts(query: str) -> list[tuple[str, bool]]:
    """A query split at double quotes into ``(text, is_phrase)`` parts, blank parts dropped.

    ``县委书记 “选人用人公信度”`` → ``[("县委书记", False), ("选人用人公信度", True)]``; an
    unclosed quote makes the rest of the query a phrase.
    """
    pieces = query.translate(_QUOTES).split('"')
    return [(text.strip(), index % 2 == 1) for index, text in enumerate(pieces) if text.strip()]


def highlight_terms(query: str) -> list[str]:
    """The distinct words of a query worth marking in a page, longest first."""
    unique = dict.fromkeys(w for w in words(query.replace('"', " ")) if len(w) > 1 or w.isdigit())
    return sorted(unique, key=len, reverse=True)
