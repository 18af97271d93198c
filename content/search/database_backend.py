"""Wagtail's database search backend, with jieba segmentation on the index and query side.

Select it with ``{"BACKEND": "content.search.database_backend"}``. modelsearch's database
backend keeps a run of Chinese characters as one token; here the text of every SearchField and
AutocompleteField and every query are rewritten as space-separated words
(``segment.segmented``: 有效监督县委书记 → 有效 监督 县委 书记 县委书记) before SQLite FTS5 or
PostgreSQL full-text search (config ``simple`` unless ``SEARCH_CONFIG`` says otherwise) see
them. The vendor-specific backend is the one modelsearch picks; only its index and query
compilers are extended. Without FTS (modelsearch's ``icontains`` fallback, or MySQL) the
modelsearch backend is returned unchanged: substring matching already works for Chinese.
"""

from collections import defaultdict
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils.encoding import force_str
from modelsearch.backends import database
from modelsearch.backends.base import BaseSearchBackend
from modelsearch.backends.database.fallback import DatabaseSearchBackend as FallbackBackend
from modelsearch.index import AutocompleteField, RelatedFields, SearchField
from modelsearch.query import (
    MATCH_NONE,
    And,
    Boost,
    Fuzzy,
    Not,
    Or,
    Phrase,
    PlainText,
    SearchQuery,
)

from content.search.segment import query_parts, segmented, segmented_query
from content.search.whoosh_backend import most_specific


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(map(_text, value))
    if isinstance(value, dict):
        return " ".join(map(_text, value.values()))
    return force_str(value)


class SegmentedObject:
    """What modelsearch's ObjectIndexer reads from an object (``pk`` and
    ``get_search_fields()``), with the search fields replaced by segmenting ones."""

    def __init__(self, obj: Model) -> None:
        self.obj = obj
        self.pk = obj.pk

    def get_search_fields(self) -> list:
        return _segmented_fields_of(type(self.obj))


def _unwrap(obj: Any) -> Any:
    return obj.obj if isinstance(obj, SegmentedObject) else obj


class SegmentedSearchField(SearchField):
    """A SearchField whose value reaches the index as segmented words."""

    def __init__(self, field: SearchField) -> None:
        super().__init__(field.field_name, boost=field.boost, **field.kwargs)
        self.field = field

    def get_value(self, obj: Any) -> str:
        return segmented(_text(self.field.get_value(_unwrap(obj))))


class SegmentedAutocompleteField(AutocompleteField):
    def __init__(self, field: AutocompleteField) -> None:
        super().__init__(field.field_name, **field.kwargs)
        self.field = field

    def get_value(self, obj: Any) -> str:
        return segmented(_text(self.field.get_value(_unwrap(obj))))


class SegmentedRelatedFields(RelatedFields):
    def get_value(self, obj: Any) -> Any:
        return super().get_value(_unwrap(obj))


def segmented_fields(search_fields: list) -> list:
    """``search_fields`` with every text field (also inside RelatedFields) segmenting."""
    result = []
    for field in search_fields:
        if isinstance(field, RelatedFields):
            field = SegmentedRelatedFields(field.field_name, segmented_fields(field.fields))
        elif isinstance(field, SearchField):
            field = SegmentedSearchField(field)
        elif isinstance(field, AutocompleteField):
            field = SegmentedAutocompleteField(field)
        result.append(field)
    return result


@cache
def _segmented_fields_of(model: type[Model]) -> list:
    return segmented_fields(model.get_search_fields())


class SegmentedIndexMixin:
    def add_items(self, model: type[Model], objs: list[Model]) -> None:
        """Index each object segmented, under its most specific model: a multi-table child
        indexed through its parent must not get a second entry (a duplicate hit)."""
        by_model: dict[type[Model], list[SegmentedObject]] = defaultdict(list)
        for obj in most_specific(list(objs)):
            by_model[type(obj)._meta.concrete_model].append(SegmentedObject(obj))
        for specific_model, group in by_model.items():
            super().add_items(specific_model, group)


def segment_query(query: SearchQuery) -> SearchQuery | None:
    """``query`` with its text segmented like the index; None when no word is left."""
    match query:
        case PlainText():
            return _segment_plain(query)
        case Phrase():
            text = segmented(query.query_string)
            return Phrase(text) if text else None
        case Fuzzy():
            text = segmented(query.query_string)
            return Fuzzy(text, operator=query.operator, unaccent=query.unaccent) if text else None
        case And() | Or():
            subqueries = [s for s in map(segment_query, query.subqueries) if s is not None]
            return type(query)(subqueries) if subqueries else None
        case Not() | Boost():
            inner = segment_query(query.subquery)
            if inner is None:
                return None
            return Not(inner) if isinstance(query, Not) else Boost(inner, query.boost)
    return query


def _segment_plain(query: PlainText) -> SearchQuery | None:
    """Plain text, with any double-quoted part searched as a phrase."""
    parts = []
    for text, quoted in query_parts(query.query_string):
        words = segmented(text) if quoted else segmented_query(text)
        if words:
            parts.append(Phrase(words) if quoted else PlainText(words, operator=query.operator))
    if not parts:
        return None
    if len(parts) == 1 and isinstance(parts[0], PlainText):
        return PlainText(parts[0].query_string, operator=query.operator, boost=query.boost)
    return (And if query.operator == "and" else Or)(parts)


class SegmentedQueryMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.query = segment_query(self.query) or MATCH_NONE


@cache
def _segmented_backend(base: type[BaseSearchBackend]) -> type[BaseSearchBackend]:
    """``base`` with a segmenting index and query compilers (one class per vendor backend)."""

    def extend(mixin: type, cls: type) -> type:
        return type(f"Segmented{cls.__name__}", (mixin, cls), {"__module__": __name__})

    attributes = {
        "__module__": __name__,
        "index_class": extend(SegmentedIndexMixin, base.index_class),
        "query_compiler_class": extend(SegmentedQueryMixin, base.query_compiler_class),
        "autocomplete_query_compiler_class": extend(
            SegmentedQueryMixin, base.autocomplete_query_compiler_class
        ),
    }
    return type(f"Segmented{base.__name__}", (base,), attributes)


def SearchBackend(params: dict[str, Any]) -> BaseSearchBackend:  # noqa: N802 (modelsearch API)
    """The database backend modelsearch picks for the connection's vendor, segmenting."""
    params = {"SEARCH_CONFIG": "simple", **params}
    backend = database.SearchBackend(params)
    if connection.vendor not in ("sqlite", "postgresql") or isinstance(backend, FallbackBackend):
        return backend
    return _segmented_backend(type(backend))(params)
