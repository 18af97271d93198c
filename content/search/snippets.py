"""Snippets and article links for search results, highlighted with the shared segmentation."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import prefetch_related_objects
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from wagtail.models import Page

from content.search.segment import highlight_terms, normalize

SNIPPET_LENGTH = 120
MAX_ARTICLES_PER_HIT = 3


@dataclass
class ArticleHit:
    label: str
    url: str
    snippet: SafeString


@dataclass
class SearchHit:
    page: Page
    url: str
    kind: str
    snippet: SafeString
    articles: list[ArticleHit] = field(default_factory=list)


def mark(text: str, terms: list[str]) -> SafeString:
    """Escape ``text`` and wrap every occurrence of ``terms`` in <mark>. Terms are found in the
    normalized text (full-width folded, lower case), whose characters may be more than the
    original's (… is ...): each position found is mapped back to the original character."""
    if not terms:
        return mark_safe(escape(text))
    folded, origin = _folded_with_origin(text)
    spans = [(origin[start], origin[end - 1] + 1) for start, end in _term_spans(folded, terms)]
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def _folded_with_origin(text: str) -> tuple[str, list[int]]:
    """The normalized text, and for each of its characters the original one's index."""
    folded, origin = [], []
    for index, character in enumerate(text):
        piece = normalize(character)
        folded.append(piece)
        origin.extend([index] * len(piece))
    return "".join(folded), origin


def _term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    taken = [False] * len(text)
    spans = []
    for term in terms:  # longest first, so 县委书记 wins over 书记
        start = text.find(term)
        while start != -1:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append((start, end))
                taken[start:end] = [True] * (end - start)
            start = text.find(term, end)
    return sorted(spans)


def excerpt(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """A window of ``text`` around the first term found, highlighted."""
    text = " ".join(text.split())
    folded = normalize(text)
    positions = [p for p in (folded.find(t) for t in terms) if p != -1]
    start = max(min(positions) - length // 4, 0) if positions else 0
    window = Truncator(text[start:]).chars(length)
    return mark(("…" if start else "") + window, terms)


def describe_hits(pages: list[Page], query: str, *, request=None) -> list[SearchHit]:
    from content.models import RegulationPage

    terms = highlight_terms(query)
    regulations = [page for page in pages if isinstance(page, RegulationPage)]
    prefetch_related_objects(regulations, "articles")
    return [_describe(page, terms, request) for page in pages]


def _describe(page: Page, terms: list[str], request) -> SearchHit:
    from content.models import RegulationPage

    url = page.get_url(request) or ""
    kind = page._meta.verbose_name
    text = " ".join(filter(None, [getattr(page, "summary", ""), _plain_text(page)]))
    hit = SearchHit(page=page, url=url, kind=kind, snippet=excerpt(text, terms))
    if isinstance(page, RegulationPage):
        hit.articles = _article_hits(page, url, terms)
    return hit


def _article_hits(page, url: str, terms: list[str]) -> list[ArticleHit]:
    highlight = urlencode({"hl": " ".join(terms)})
    ranked = sorted(
        page.article_list,
        key=lambda a: -sum(normalize(a.heading + a.body).count(t) for t in terms),
    )
    hits = []
    for article in ranked[:MAX_ARTICLES_PER_HIT]:
        if not any(t in normalize(article.heading + article.body) for t in terms):
            break
        hits.append(
            ArticleHit(
                label=f"{article.display_label} {article.heading}".strip(),
                url=f"{url}?{highlight}#{article.anchor}",
                snippet=excerpt(article.body, terms, length=90),
            )
        )
    return hits


def _plain_text(page: Page) -> str:
    body = getattr(page, "body", "")
    if hasattr(body, "render_as_block"):
        body = body.render_as_block()
    return strip_tags(str(body or getattr(page, "preamble", "")))
