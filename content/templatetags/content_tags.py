from django import template

from content.search.snippets import mark

register = template.Library()


@register.filter
def mark_terms(text: str, terms: list[str]):
    """Escape text and wrap the searched terms in <mark>."""
    return mark(text, terms or [])


@register.filter
def page_kind(page) -> str:
    """The page type's name as editors see it (法规文件, 典型案例 …)."""
    return page.specific_class._meta.verbose_name if page.specific_class else ""
