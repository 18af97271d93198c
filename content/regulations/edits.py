"""The administrator's corrections to a split before it is saved: merge and split articles.

An article here is a dict with ``label``, ``section``, ``heading`` and ``body`` (the preview
form's cleaned data), plus ``merge`` (merge with the next one) and ``split_at`` (the paragraph,
counted from 1, that starts a new article).
"""

EDIT_KEYS = ("merge", "split_at")


def apply_edits(articles: list[dict]) -> list[dict]:
    """The articles after every requested split, then every requested merge, in order."""
    split = [part for article in articles for part in _split(article)]
    merged: list[dict] = []
    pending = False
    for article in split:
        if pending and merged:
            merged[-1] = _merge(merged[-1], article)
        else:
            merged.append(article)
        pending = bool(article.get("merge"))
    return [{**a, "merge": False, "split_at": None} for a in merged]


def has_edits(articles: list[dict]) -> bool:
    return any(a.get("merge") or a.get("split_at") for a in articles)


def paragraphs(body: str) -> list[str]:
    return [line.strip() for line in body.splitlines() if line.strip()]


def _split(article: dict) -> list[dict]:
    at = article.get("split_at")
    lines = paragraphs(article["body"])
    if not at or not 1 < at <= len(lines):
        return [article]
    first = {**article, "body": "\n".join(lines[: at - 1]), "split_at": None, "merge": False}
    rest = {
        **article,
        "label": f"{article['label']}之二" if article["label"] else "",
        "heading": "",
        "body": "\n".join(lines[at - 1 :]),
        "split_at": None,
    }
    return [first, rest]


def _merge(first: dict, second: dict) -> dict:
    text = f"{second['heading']}。{second['body']}" if second["heading"] else second["body"]
    return {**first, "body": "\n".join(filter(None, [first["body"], text])), "merge": False}


def split_problems(articles: list[dict]) -> dict[int, str]:
    """Why a requested split cannot be done (the paragraph does not exist), by article index."""
    problems = {}
    for position, article in enumerate(articles, 1):
        at = article.get("split_at")
        count = len(paragraphs(article["body"]))
        if at and not 1 < at <= count:
            problems[position - 1] = (
                f"第 {position} 条只有 {count} 段，拆分的段号应在 2 到 {count} 之间。"
                if count > 1
                else f"第 {position} 条只有一段，不能拆分。"
            )
    return problems
