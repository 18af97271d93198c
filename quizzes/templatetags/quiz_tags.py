from decimal import Decimal

from django import template

from common.admin import number

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def plain_number(value) -> str:
    """6.00 → 6, 86.50 → 86.5: a score as people write it."""
    return "—" if value is None else number(Decimal(value))


@register.filter
def duration(delta) -> str:
    """A timedelta as 时分秒, e.g. 12分05秒."""
    seconds = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}小时{minutes:02d}分" if hours else f"{minutes}分{seconds:02d}秒"


@register.filter
def get_item_at(sequence, index):
    return sequence[index]


@register.filter
def answer_for_row(row) -> str:
    """The key as this learner saw it (letters follow their option order)."""
    return row.question.answer_display(row.option_order or None)
