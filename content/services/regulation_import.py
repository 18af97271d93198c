"""Saving an imported regulation: a new draft page, or a new revision of an existing one.

Nothing is published here: the page goes through the usual review workflow. A revision keeps
the id and anchor number of every article matched to an old one, so when it is published the
questions citing a reworded or removed article are flagged by the existing receivers (the
question bank listens to ``page_published`` and to article deletion).
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from wagtail.log_actions import log

from content.models import RegulationArticle, RegulationIndexPage, RegulationPage
from content.regulations.matching import OldArticle, article_text, match_articles, numbers_for
from content.regulations.parse import natural_numbers
from content.selectors import latest_articles


class ReviewUnavailable(Exception):
    """No active review workflow with a task covers the page: submitting it would publish it
    at once (Wagtail finishes a workflow without tasks), which an editor may not do."""


REVIEW_UNAVAILABLE = (
    "法规库没有可用的审核流程（未指定工作流，或工作流中没有审核步骤），无法提交审核。"
    "可先保存为草稿，并请平台管理员在“设置 › 工作流”中为法规库指定审核流程。"
)


@dataclass
class RegulationDraft:
    """What the preview form holds: metadata and the articles in order (dicts with ``label``,
    ``section``, ``heading`` and ``body``)."""

    title: str
    issuer: str = ""
    document_number: str = ""
    issued_on: datetime.date | None = None
    preamble: str = ""
    signature: str = ""
    articles: list[dict] = field(default_factory=list)

    def texts(self) -> list[tuple[str, str]]:
        return [(a["label"], article_text(a["heading"], a["body"])) for a in self.articles]


@transaction.atomic
def create_regulation(
    *, parent: RegulationIndexPage, draft: RegulationDraft, user, submit: bool = False
) -> RegulationPage:
    """A new regulation page below ``parent``, not live, with one revision (and, when
    ``submit``, its review workflow started)."""
    parent = RegulationIndexPage.objects.select_for_update().get(pk=parent.pk)
    page = RegulationPage(slug=_free_slug(parent, draft.title), live=False, owner=user)
    _fill(page, draft, [None] * len(draft.articles))
    parent.add_child(instance=page)
    revision = page.save_revision(user=user)
    log(instance=page, action="wagtail.create", user=user, revision=revision, content_changed=True)
    if submit:
        _submit(page, user)
    return page


@transaction.atomic
def revise_regulation(
    *, page: RegulationPage, draft: RegulationDraft, user, submit: bool = False
) -> RegulationPage:
    """A new revision of ``page`` with the imported text; matched articles keep their ids."""
    page = RegulationPage.objects.select_for_update().get(pk=page.pk)
    latest = page.get_latest_revision_as_object()
    _fill(latest, draft, match_articles(latest_articles(page), draft.texts()))
    latest.save_revision(user=user, log_action=True)
    if submit and not page.workflow_in_progress:
        _submit(latest, user)
    return latest


def _fill(page: RegulationPage, draft: RegulationDraft, matches: list[OldArticle | None]) -> None:
    for name in ("title", "issuer", "document_number", "issued_on", "preamble", "signature"):
        setattr(page, name, getattr(draft, name))
    page.draft_title = draft.title
    labels = [a["label"] for a in draft.articles]
    numbers = numbers_for(matches, natural_numbers(labels))
    page.articles = [
        RegulationArticle(
            pk=old.id if old else None,
            number=number,
            sort_order=position,
            label=article["label"],
            section=article["section"],
            heading=article["heading"],
            body=article["body"],
        )
        for position, (article, old, number) in enumerate(
            zip(draft.articles, matches, numbers, strict=True)
        )
    ]


def _submit(page: RegulationPage, user) -> None:
    """Starts the page's review; ``ReviewUnavailable`` (so that nothing is saved) when no
    workflow with a task covers it."""
    workflow = page.get_workflow()
    if workflow is None or not workflow.tasks.filter(active=True).exists():
        raise ReviewUnavailable(REVIEW_UNAVAILABLE)
    workflow.start(page, user)


def _free_slug(parent: RegulationIndexPage, title: str) -> str:
    base = slugify(title, allow_unicode=True)[:200] or "regulation"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, counter = base, 1
    while slug in taken:
        counter += 1
        slug = f"{base}-{counter}"
    return slug
