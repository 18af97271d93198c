"""Read-side queries for the public site."""

from django.db.models import QuerySet
from wagtail.models import Page, PageViewRestriction


def restricted_for(user) -> list[PageViewRestriction]:
    """View restrictions this user does not pass (one query)."""
    restrictions = PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    return [r for r in restrictions if not _passes(r, user)]


def _passes(restriction: PageViewRestriction, user) -> bool:
    if not user.is_authenticated:
        return False
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        return True
    if restriction.restriction_type == PageViewRestriction.GROUPS:
        if user.is_superuser:
            return True
        return bool({g.pk for g in restriction.groups.all()} & set(_group_ids(user)))
    return False  # password restrictions are passed per page, never in listings


def _group_ids(user) -> list[int]:
    if not hasattr(user, "_content_group_ids"):
        user._content_group_ids = list(user.groups.values_list("pk", flat=True))
    return user._content_group_ids


def visible(queryset: QuerySet, user) -> QuerySet:
    """Live pages of ``queryset`` that ``user`` may open (privacy settings applied)."""
    queryset = queryset.live()
    for restriction in restricted_for(user):
        queryset = queryset.not_descendant_of(restriction.page, inclusive=True)
    return queryset


def visible_children(parent: Page, model: type[Page], user) -> QuerySet:
    return visible(model.objects.child_of(parent), user)


def library_sections(home: Page) -> list[Page]:
    return list(home.get_children().live().in_menu().specific())


def latest_pages(*types: type[Page], limit: int, user=None) -> list[Page]:
    """The newest pages of ``types`` that ``user`` may open (anonymous: public ones only)."""
    pages = Page.objects.type(*types)
    if user is None or not user.is_authenticated:
        pages = pages.live().public()
    else:
        pages = visible(pages, user)
    return list(pages.specific().order_by("-first_published_at")[:limit])


def latest_articles(page) -> list:
    """The articles of a regulation's latest revision (a draft may be ahead of the live page),
    as ``OldArticle`` for matching a new text; articles never saved have no id and are left out."""
    from content.regulations.matching import OldArticle, article_text

    latest = page.get_latest_revision_as_object()
    return [
        OldArticle(a.pk, a.number, a.label, article_text(a.heading, a.body))
        for a in latest.articles.all()
        if a.pk
    ]
