"""A modelsearch (Wagtail search) backend on Whoosh, with jieba segmentation for Chinese.

Select it with ``{"BACKEND": "content.search.whoosh_backend", "PATH": <dir>, "LOCK_TIMEOUT": 30}``
(optional: ``MAX_RESULTS``, the most hits one search ranks, default 10000; ``BATCH_SIZE``, the
documents per commit while rebuilding, default 100).

How it works
    One Whoosh index holds every indexed model. Each object is one document whose id is
    ``<root model label>:<pk>``, so a multi-table child (RegulationPage under Page) is never
    indexed twice, and whose ``ct`` keyword lists its model and its indexed ancestors, so a
    search through ``Page`` finds a RegulationPage. Every SearchField becomes a ``t_<name>``
    field (RelatedFields flattened to ``t_<relation>__<name>``, boost kept as a per-document
    field boost); every AutocompleteField an ``a_<name>`` field holding CJK characters and
    character pairs plus prefixes of Latin words and numbers.

    Whoosh only finds and ranks primary keys; the queryset's own filters and ordering are then
    applied by the ORM (``queryset.filter(pk__in=...)``), so any filter Django understands
    works and ``FilterField`` declarations are not needed by this backend.

Files under PATH
    ``CURRENT`` names the generation searches read, ``BUILDING`` the one ``update_index`` is
    filling, ``write.lock`` serialises writers of every process (a writer waits up to
    LOCK_TIMEOUT seconds), and each ``gen-*`` directory is one Whoosh index. A rebuild fills a
    new generation while searches keep using the current one, then swaps ``CURRENT``
    atomically; live updates made meanwhile go to both generations.

Why one file of 800 lines
    A search backend is one interface (backend, index, query compiler, results) whose parts
    share the schema and the generation files; Wagtail's own backends are single modules of the
    same shape. Segmentation lives apart (``segment``), so does snippet highlighting.

Damage
    If the current generation cannot be read (missing or garbled files, an index written with
    another SCHEMA_VERSION), a warning is logged, an empty generation replaces it and searches
    return no results instead of failing. ``manage.py update_index`` refills it.
"""

import logging
import re
import secrets
import shutil
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Manager, Model, QuerySet
from django.utils.encoding import force_str
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterFieldError,
    SearchFieldError,
    get_model_root,
)
from modelsearch.index import (
    AutocompleteField,
    RelatedFields,
    SearchField,
    class_is_indexed,
    get_indexed_models,
)
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex, LockError
from whoosh.util.filelock import FileLock, try_for

from content.search import segment

logger = logging.getLogger(__name__)

# Bump when the schema or the analysis changes: an index written by another version is then
# treated as missing (logged, replaced by an empty one until ``update_index`` runs).
SCHEMA_VERSION = 1
INDEX_NAME = f"modelsearch_v{SCHEMA_VERSION}"
TEXT_PREFIX = "t_"
AUTOCOMPLETE_PREFIX = "a_"
MAX_GRAM = 15  # longest Latin/number prefix kept for autocomplete
ALL_WORDS_BOOST = 5.0  # with operator "or", documents holding every word rank first
CURRENT, BUILDING, LOCK_FILE, JOURNAL = "CURRENT", "BUILDING", "write.lock", "live-changes.txt"
RETRY_DELAY = 0.05


# Analysis -------------------------------------------------------------------------------------


class AnalyzedText(str):
    """Text carrying its ``segment.index_tokens``: documents are segmented before the write
    lock is taken, so the lock is held only while Whoosh writes postings."""

    tokens: tuple[tuple[int, segment.Token], ...]

    @classmethod
    def of(cls, text: str) -> "AnalyzedText":
        value = cls(text)
        value.tokens = segment.index_tokens(text)
        return value


class ChineseTokenizer(Tokenizer):
    """jieba words with ordinal positions; sub-words share the position of their word.

    Positions come from ``segment.index_tokens``; ``startchar``/``endchar`` are offsets into the
    normalized (NFKC, lower-case) text.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pairs = value.tokens if isinstance(value, AnalyzedText) else segment.index_tokens(value)
        for position, word in pairs:
            token.text, token.boost, token.stopped = word.text, 1.0, False
            if keeporiginal:
                token.original = word.text
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar, token.endchar = start_char + word.start, start_char + word.end
            yield token


_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")


def autocomplete_grams(text: str) -> Iterator[tuple[int, str]]:
    """``(position, gram)`` pairs: each CJK character and character pair, and the prefixes of
    every other word, so that any typed run of Chinese characters or word start matches."""
    position = 0
    for run in _RUNS.finditer(segment.normalize(text)):
        chars = run.group()
        if run.lastgroup == "cjk":
            for offset, char in enumerate(chars):
                yield position + offset, char
                if offset + 1 < len(chars):
                    yield position + offset, chars[offset : offset + 2]
            position += len(chars)
        else:
            for size in range(1, min(len(chars), MAX_GRAM) + 1):
                yield position, chars[:size]
            position += 1


def autocomplete_parts(text: str) -> list[list[str]]:
    """The typed text as phrases of autocomplete grams, one per run of CJK or word characters."""
    parts = []
    for run in _RUNS.finditer(segment.normalize(text)):
        chars = run.group()
        if run.lastgroup == "word":
            parts.append([chars[:MAX_GRAM]])
        elif len(chars) == 1:
            parts.append([chars])
        else:
            parts.append([chars[i : i + 2] for i in range(len(chars) - 1)])
    return parts


class AutocompleteTokenizer(Tokenizer):
    """Tokens of ``autocomplete_grams`` (positions only; no character offsets)."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        start_pos: int = 0,
        removestops: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        kwargs.pop("chars", None)
        token = Token(positions, False, removestops=removestops, mode=mode, **kwargs)
        for position, gram in autocomplete_grams(value):
            token.text, token.boost, token.stopped = gram, 1.0, False
            if positions:
                token.pos = start_pos + position
            yield token


def build_schema() -> Schema:
    schema = Schema(id=ID(stored=True, unique=True), ct=KEYWORD(stored=True))
    schema.add(TEXT_PREFIX + "*", TEXT(analyzer=ChineseTokenizer(), phrase=True), glob=True)
    schema.add(
        AUTOCOMPLETE_PREFIX + "*", TEXT(analyzer=AutocompleteTokenizer(), phrase=True), glob=True
    )
    return schema


SCHEMA = build_schema()


# Documents ------------------------------------------------------------------------------------


def concrete(model: type[Model]) -> type[Model]:
    return model._meta.concrete_model


def document_id(model: type[Model], pk: Any) -> str:
    """``<root model label>:<pk>``: a multi-table child and its parent share one id."""
    return f"{get_model_root(concrete(model))._meta.label_lower}:{pk}"


@cache
def content_type_labels(model: type[Model]) -> str:
    """The model and its indexed ancestors, space separated (the ``ct`` keyword)."""
    model = concrete(model)
    chain = [model, *model._meta.get_parent_list()]
    return " ".join(m._meta.label_lower for m in chain if class_is_indexed(m))


@cache
def indexed_children(model: type[Model]) -> tuple[type[Model], ...]:
    """Indexed multi-table descendants of ``model``, deepest first."""
    children = [
        m for m in get_indexed_models() if not m._meta.proxy and model in m._meta.get_parent_list()
    ]
    return tuple(sorted(children, key=lambda m: len(m._meta.get_parent_list()), reverse=True))


def most_specific(objs: list[Model]) -> list[Model]:
    """Each object as an instance of its most specific indexed model.

    Wagtail pages already arrive specific; this covers plain multi-table inheritance, where
    indexing a parent instance must still produce the child's document.
    """
    result = list(objs)
    pending: dict[type[Model], dict[Any, int]] = defaultdict(dict)
    for position, obj in enumerate(result):
        if indexed_children(concrete(type(obj))):
            pending[concrete(type(obj))][obj.pk] = position
    for model, positions in pending.items():
        for child in indexed_children(model):
            for instance in child._base_manager.filter(pk__in=list(positions)):
                result[positions.pop(instance.pk)] = instance
    return result


def _text(value: Any) -> str:
    """A field value as indexable text (lists and dicts joined, like modelsearch does)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return "\n".join(filter(None, map(_text, value)))
    if isinstance(value, dict):
        return "\n".join(filter(None, map(_text, value.values())))
    return force_str(value)


def _related_objects(field: RelatedFields, obj: Model) -> list[Any]:
    value = field.get_value(obj)
    if value is None:
        return []
    if isinstance(value, Manager):
        return list(value.all())
    return [value() if callable(value) else value]


def field_values(
    obj: Any, search_fields: Iterable, path: str = ""
) -> Iterator[tuple[str, str, float]]:
    """``(whoosh field name, text, boost)`` for every SearchField and AutocompleteField."""
    for field in search_fields:
        if isinstance(field, RelatedFields):
            for related in _related_objects(field, obj):
                yield from field_values(related, field.fields, f"{path}{field.field_name}__")
        elif isinstance(field, SearchField):
            name = f"{TEXT_PREFIX}{path}{field.field_name}"
            yield name, _text(field.get_value(obj)), float(field.boost or 1.0)
        elif isinstance(field, AutocompleteField):
            yield f"{AUTOCOMPLETE_PREFIX}{path}{field.field_name}", _text(field.get_value(obj)), 1.0


def build_document(obj: Model) -> dict[str, Any]:
    """The Whoosh document of one object, its text already segmented."""
    model = concrete(type(obj))
    document: dict[str, Any] = {"id": document_id(model, obj.pk), "ct": content_type_labels(model)}
    texts: dict[str, list[str]] = defaultdict(list)
    for name, text, boost in field_values(obj, model.get_search_fields()):
        if text.strip():
            texts[name].append(text)
            if boost != 1.0:
                document[f"_{name}_boost"] = boost
    for name, values in texts.items():
        text = "\n".join(values)
        document[name] = AnalyzedText.of(text) if name.startswith(TEXT_PREFIX) else text
    return document


@cache
def searchable_names(model: type[Model], prefix: str) -> tuple[str, ...]:
    """Whoosh field names a search on ``model`` looks in: its fields and its descendants'."""
    models = [concrete(model), *indexed_children(concrete(model))]
    names = {name for m in models for name in _field_names(m.get_search_fields(), prefix)}
    return tuple(sorted(names))


def _field_names(search_fields: Iterable, prefix: str, path: str = "") -> Iterator[str]:
    kind = SearchField if prefix == TEXT_PREFIX else AutocompleteField
    for field in search_fields:
        if isinstance(field, RelatedFields):
            yield from _field_names(field.fields, prefix, f"{path}{field.field_name}__")
        elif isinstance(field, kind):
            yield f"{prefix}{path}{field.field_name}"


# Storage --------------------------------------------------------------------------------------

_open_indexes: dict[str, FileIndex] = {}
_open_lock = threading.Lock()
_held_locks = threading.local()


def open_index(directory: Path) -> FileIndex:
    """The Whoosh index in ``directory`` (opened once per process; every use reads its TOC)."""
    key = str(directory)
    with _open_lock:
        index = _open_indexes.get(key)
    if index is None:
        index = FileIndex(FileStorage(key), schema=SCHEMA, indexname=INDEX_NAME)
        with _open_lock:
            _open_indexes[key] = index
    return index


class IndexStore:
    """The generations of the index under PATH and the lock that serialises their writers."""

    def __init__(self, path: Path, lock_timeout: float) -> None:
        self.path = path
        self.lock_timeout = lock_timeout

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the inter-process write lock (re-entrant within a thread).

        Raises ``LockError`` after LOCK_TIMEOUT seconds of waiting.
        """
        held: set[str] = _held_locks.__dict__.setdefault("paths", set())
        key = str(self.path)
        if key in held:
            yield
            return
        self.path.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.path / LOCK_FILE))
        if not try_for(lock.acquire, timeout=self.lock_timeout, delay=RETRY_DELAY):
            raise LockError(f"搜索索引 {self.path} 被占用超过 {self.lock_timeout} 秒，写入失败。")
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            lock.release()

    def _pointer(self, name: str) -> Path | None:
        try:
            value = (self.path / name).read_text().strip()
        except FileNotFoundError:
            return None
        return self.path / value if value else None

    def _set_pointer(self, name: str, directory: Path | None) -> None:
        """Point ``name`` at ``directory`` atomically (lock held)."""
        target = self.path / name
        if directory is None:
            target.unlink(missing_ok=True)
            return
        temporary = self.path / f".{name}.{secrets.token_hex(4)}"
        temporary.write_text(directory.name)
        temporary.replace(target)

    def current_dir(self) -> Path:
        """The generation searches read, created on first use."""
        current = self._pointer(CURRENT)
        if current is not None:
            return current
        with self.locked():
            current = self._pointer(CURRENT)
            if current is None:
                current = self.create_generation()
                self._set_pointer(CURRENT, current)
            return current

    def building_dir(self) -> Path | None:
        return self._pointer(BUILDING)

    def create_generation(self) -> Path:
        directory = self.path / f"gen-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(4)}"
        directory.mkdir(parents=True)
        FileIndex.create(FileStorage(str(directory)), SCHEMA, INDEX_NAME)
        return directory

    def start_building(self) -> Path:
        with self.locked():
            directory = self.create_generation()
            self._set_pointer(BUILDING, directory)
            return directory

    def swap(self, directory: Path) -> None:
        """Make ``directory`` the current generation; keep the previous one for readers that
        are still using it and delete older ones (lock held)."""
        previous = self._pointer(CURRENT)
        if self._pointer(BUILDING) == directory:
            self._set_pointer(BUILDING, None)
        self._set_pointer(CURRENT, directory)
        keep = {directory, previous, self._pointer(BUILDING)}
        for stale in self.path.glob("gen-*"):
            if stale not in keep:
                shutil.rmtree(stale, ignore_errors=True)
                with _open_lock:
                    _open_indexes.pop(str(stale), None)

    def reset(self) -> None:
        with self.locked():
            self.swap(self.create_generation())

    def abandon(self, directory: Path) -> None:
        """Drop an unfinished rebuild."""
        with self.locked():
            if self._pointer(BUILDING) == directory:
                self._set_pointer(BUILDING, None)
            shutil.rmtree(directory, ignore_errors=True)

    # Writing

    def commit_live(self, documents: list[dict], delete_ids: list[str]) -> None:
        """Apply a change to the current generation and to the one being rebuilt, if any."""
        with self.locked():
            self._commit_or_repair(self.current_dir(), documents, delete_ids)
            building = self.building_dir()
            if building is not None and building.is_dir():
                self._commit(building, documents, delete_ids)
                changed = [*(document["id"] for document in documents), *delete_ids]
                with (building / JOURNAL).open("a") as journal:
                    journal.writelines(f"{doc_id}\n" for doc_id in changed)

    def commit_rebuild(self, directory: Path, documents: list[dict]) -> None:
        """Add a rebuild batch, leaving out objects changed live since the rebuild began (their
        live version, already written, is newer than what the rebuild read)."""
        with self.locked():
            journal = directory / JOURNAL
            changed = set(journal.read_text().split()) if journal.exists() else set()
            self._commit(directory, [d for d in documents if d["id"] not in changed], [])

    def _commit(self, directory: Path, documents: list[dict], delete_ids: list[str]) -> None:
        if not documents and not delete_ids:
            return
        writer = open_index(directory).writer(timeout=self.lock_timeout, delay=RETRY_DELAY)
        with writer:
            for doc_id in delete_ids:
                writer.delete_by_term("id", doc_id)
            for document in documents:
                writer.update_document(**document)

    def _commit_or_repair(
        self, directory: Path, documents: list[dict], delete_ids: list[str]
    ) -> None:
        """Commit; if the generation turns out to be damaged, replace it and commit there."""
        try:
            self._commit(directory, documents, delete_ids)
        except LockError:
            raise
        except Exception as error:
            if not self.is_damaged(directory):
                raise
            self._commit(self.repair(directory, error), documents, delete_ids)

    # Reading and recovery

    def search(self, query: wq.Query, restrict: wq.Query, limit: int) -> list[tuple[str, float]]:
        """``(document id, score)`` pairs, best first; empty (and logged) if the index fails."""
        directory = None
        try:
            directory = self.current_dir()
            with open_index(directory).searcher() as searcher:
                hits = searcher.search(query, filter=restrict, limit=limit)
                return [(hit["id"], hit.score) for hit in hits]
        except Exception as error:
            self.recover(directory, error)
            return []

    def document_ids(self) -> dict[str, str]:
        """Every document id in the current generation with its ``ct`` labels."""
        with open_index(self.current_dir()).searcher() as searcher:
            return {fields["id"]: fields["ct"] for fields in searcher.all_stored_fields()}

    def recover(self, directory: Path | None, error: Exception) -> None:
        """After a failed search: replace a damaged index, or log the error. Never raises."""
        try:
            if directory is not None and self.is_damaged(directory):
                self.repair(directory, error)
            else:
                logger.error("Whoosh search failed", exc_info=error)
        except Exception:
            logger.exception("Could not recover the search index under %s", self.path)

    def is_damaged(self, directory: Path) -> bool:
        try:
            with open_index(directory).searcher() as searcher:
                for _ in searcher.all_stored_fields():
                    pass
                searcher.search(wq.Every(), limit=1)
        except Exception:
            return True
        return False

    def repair(self, damaged: Path, error: Exception) -> Path:
        """Replace a damaged current generation by an empty one and return it."""
        with self.locked():
            current = self.current_dir()
            if current != damaged:
                return current  # already replaced by another worker
            logger.warning(
                "Search index %s is unreadable (%s: %s); replaced it with an empty index. "
                "Run `manage.py update_index` to refill it.",
                damaged,
                type(error).__name__,
                error,
            )
            directory = self.create_generation()
            self.swap(directory)
            return directory


# Index and rebuilder ----------------------------------------------------------------------------


class WhooshIndex(BaseIndex):
    """The single index of the backend. With ``target`` set it is the generation being rebuilt
    by ``update_index``; otherwise it writes to the live generation(s)."""

    def __init__(self, backend: "WhooshSearchBackend", target: Path | None = None) -> None:
        super().__init__(backend)
        self.store: IndexStore = backend.store
        self.target = target

    def __repr__(self) -> str:  # shown by ``update_index``
        return f"<WhooshIndex {self.target or self.store.path}>"

    def add_items(self, model: type[Model], items: Iterable[Model]) -> None:
        documents = [build_document(obj) for obj in most_specific(list(items))]
        size = self.backend.batch_size
        for start in range(0, len(documents), size):
            batch = documents[start : start + size]
            if self.target is None:
                self.store.commit_live(batch, [])
            else:
                self.store.commit_rebuild(self.target, batch)

    def delete_item(self, item: Model) -> None:
        self.store.commit_live([], [document_id(type(item), item.pk)])

    def reset(self) -> None:
        self.store.reset()

    def refresh(self) -> None:
        """Nothing to do: a Whoosh commit is visible to the next search at once."""


class WhooshRebuilder:
    """Fills a new generation next to the live one and swaps it in once complete."""

    def __init__(self, index: WhooshIndex) -> None:
        self.index = index
        self.directory: Path | None = None

    def start(self) -> WhooshIndex:
        self.directory = self.index.store.start_building()
        return WhooshIndex(self.index.backend, target=self.directory)

    def finish(self) -> None:
        with self.index.store.locked():
            self.index.store.swap(self.directory)
        self.directory = None

    def __del__(self) -> None:
        # update_index failed between start() and finish(): stop copying live updates into
        # the half-built generation (modelsearch's atomic rebuilders clean up the same way).
        if self.directory is not None:
            with suppress(Exception):
                self.index.store.abandon(self.directory)


# Queries --------------------------------------------------------------------------------------


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    """Turns a modelsearch query into a Whoosh query over the ``t_*`` fields.

    Text is segmented with ``segment.words`` (stop words dropped); a quoted phrase must match
    consecutive words. Filters and ordering are left to the ORM.
    """

    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True
    prefix = TEXT_PREFIX

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hits: dict[Any, float] | None = None  # filled once by the results

    def check(self) -> None:
        """Only ``fields`` need checking: any filter or ordering runs in the ORM."""
        allowed = {f.field_name for f in self.queryset.model.get_searchable_search_fields()}
        for name in self.fields or []:
            if name not in allowed:
                raise SearchFieldError(
                    f'Cannot search with field "{name}". Please add index.SearchField("{name}") '
                    f"to {self.queryset.model.__name__}.search_fields.",
                    field_name=name,
                )

    def field_names(self) -> tuple[str, ...]:
        if self.fields:
            return tuple(self.prefix + name for name in self.fields)
        return searchable_names(self.queryset.model, self.prefix)

    def whoosh_query(self) -> wq.Query:
        return self._compile(self.query)

    def _compile(self, query: Any) -> wq.Query:
        match query:
            case PlainText():
                return self._plain(query.query_string, query.operator, query.boost)
            case Fuzzy():
                return self._words(query.query_string, query.operator, fuzzy=True)
            case Phrase():
                return self._phrase(query.query_string)
            case MatchAll():
                return wq.Every()
            case Not():
                return wq.Not(self._compile(query.subquery))
            case And():
                return wq.And([self._compile(q) for q in query.subqueries])
            case Or():
                return wq.Or([self._compile(q) for q in query.subqueries])
            case Boost():
                inner = self._compile(query.subquery).normalize()
                if inner is wq.NullQuery:
                    return inner
                return inner.with_boost(inner.boost * query.boost)
        raise NotImplementedError(f"{type(query).__name__} 查询不受 Whoosh 搜索后端支持。")

    def _plain(self, text: str, operator: str, boost: float) -> wq.Query:
        """Words, with any double-quoted part of the text searched as a phrase."""
        parts = segment.query_parts(text)
        if len(parts) == 1 and not parts[0][1]:
            return self._words(text, operator, boost)
        queries = [self._phrase(p) if quoted else self._words(p, operator) for p, quoted in parts]
        combined = (wq.And if operator == "and" else wq.Or)(queries)
        return combined.with_boost(boost) if boost != 1.0 else combined

    def _parts(self, text: str) -> list[list[str]]:
        """The words of ``text``; each is a one-word phrase."""
        return [[word] for word in segment.words(text)]

    def _word_parts(self, text: str) -> list[list[str]]:
        """The words a (non-phrase) query must match (``segment.query_words``)."""
        return [[word] for word in segment.query_words(text)]

    def _words(self, text: str, operator: str, boost: float = 1.0, fuzzy: bool = False) -> wq.Query:
        parts = [self._any_field(words, fuzzy) for words in self._word_parts(text)]
        if not parts:
            return wq.NullQuery
        if len(parts) == 1:
            combined = parts[0]
        elif operator == "and":
            combined = wq.And(parts)
        else:
            combined = wq.Or([wq.And(parts, boost=ALL_WORDS_BOOST), *parts])
        return combined.with_boost(boost) if boost != 1.0 else combined

    def _phrase(self, text: str) -> wq.Query:
        words = [word for part in self._parts(text) for word in part]
        return self._any_field(words) if words else wq.NullQuery

    def _any_field(self, words: list[str], fuzzy: bool = False) -> wq.Query:
        if len(words) > 1:
            return wq.Or([wq.Phrase(name, words) for name in self.field_names()])
        word = words[0]
        if fuzzy and word.isascii() and len(word) > 3:
            return wq.Or([wq.FuzzyTerm(name, word, maxdist=1) for name in self.field_names()])
        return wq.Or([wq.Term(name, word) for name in self.field_names()])


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    """Matches what is being typed against the ``a_*`` n-gram fields."""

    prefix = AUTOCOMPLETE_PREFIX

    def _parts(self, text: str) -> list[list[str]]:
        return autocomplete_parts(text)

    def _word_parts(self, text: str) -> list[list[str]]:
        return autocomplete_parts(text)

    def _phrase(self, text: str) -> wq.Query:
        return self._words(text, "and")


# Results --------------------------------------------------------------------------------------


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def _hits(self) -> dict[Any, float]:
        """Primary key → score, best first (one Whoosh search per compiled query)."""
        compiler = self.query_compiler
        if compiler.hits is None:
            compiler.hits = self.backend.search_hits(compiler)
        return compiler.hits

    def _matching(self) -> tuple[QuerySet, dict[Any, float] | None]:
        """The queryset narrowed to the matches, and their scores (None: no ranking)."""
        queryset, query = self.query_compiler.queryset, self.query_compiler.query
        if isinstance(query, MatchAll):
            return queryset, None
        if isinstance(query, Not) and isinstance(query.subquery, MatchAll):
            return queryset.none(), None
        hits = self._hits()
        return queryset.filter(pk__in=list(hits)), hits

    def _do_search(self) -> list[Model]:
        queryset, scores = self._matching()
        if scores is None or not self.query_compiler.order_by_relevance:
            ordered = queryset if queryset.ordered else queryset.order_by("-pk")
            results = list(ordered[self.start : self.stop])
        else:
            results = self._ranked(queryset, scores)
        if self._score_field:
            for obj in results:
                setattr(obj, self._score_field, (scores or {}).get(obj.pk))
        return results

    def _ranked(self, queryset: QuerySet, scores: dict[Any, float]) -> list[Model]:
        allowed = set(queryset.order_by().values_list("pk", flat=True))
        page = [pk for pk in scores if pk in allowed][self.start : self.stop]
        objects = {obj.pk: obj for obj in queryset.filter(pk__in=page)}
        return [objects[pk] for pk in page if pk in objects]

    def _do_count(self) -> int:
        return self._matching()[0].count()

    def facet(self, field_name: str) -> OrderedDict:
        if self.query_compiler._get_filterable_field(field_name) is None:
            model = self.query_compiler.queryset.model.__name__
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to {model}.search_fields.',
                field_name=field_name,
            )
        rows = self._matching()[0].values(field_name).annotate(count=Count("pk")).order_by("-count")
        return OrderedDict((row[field_name], row["count"]) for row in rows)


# Backend --------------------------------------------------------------------------------------


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    index_class = WhooshIndex
    results_class = WhooshSearchResults
    rebuilder_class = WhooshRebuilder
    # An index failure is logged; it must not fail the page save or delete that caused it.
    catch_indexing_errors = True

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        if not params.get("PATH"):
            raise ImproperlyConfigured("Whoosh 搜索后端需要在 WAGTAILSEARCH_BACKENDS 中设置 PATH。")
        self.store = IndexStore(Path(params["PATH"]), float(params.get("LOCK_TIMEOUT", 30)))
        self.max_results = int(params.get("MAX_RESULTS", 10_000))
        self.batch_size = int(params.get("BATCH_SIZE", 100))
        segment.warm_up()

    def search_hits(self, compiler: WhooshSearchQueryCompiler) -> dict[Any, float]:
        """Primary keys of ``compiler.queryset.model`` matching its query → score, best first."""
        query = compiler.whoosh_query().normalize()
        if query is wq.NullQuery:
            return {}
        model = concrete(compiler.queryset.model)
        restrict = wq.Term("ct", model._meta.label_lower)
        to_python: Callable[[str], Any] = model._meta.pk.to_python
        hits = self.store.search(query, restrict, self.max_results)
        return {to_python(doc_id.split(":", 1)[1]): score for doc_id, score in hits}

    def document_ids(self) -> dict[str, str]:
        """Every indexed document id with its content-type labels (for diagnostics)."""
        return self.store.document_ids()


SearchBackend = WhooshSearchBackend
