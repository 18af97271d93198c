"""The all-or-nothing import: read every row, collect every problem, then write all rows in
one transaction with bulk inserts."""

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction

from common.audit import audit
from common.excel import DEFAULT_MAX_BYTES, RowError, cell_text, read_sheets
from content.models import RegulationArticle, RegulationPage
from quizzes.excel.columns import (
    FIELD_COLUMNS,
    OPTION_HEADERS,
    SHEET,
    SHEET_NAME,
    STATUS_LABELS,
    ImportResult,
    column_letter,
    excel_label,
    normalise_path,
    normalise_stem,
)
from quizzes.excel.export import chunks
from quizzes.formats import split_names
from quizzes.models import QUESTION_TYPES, AnswerError, Category, KnowledgePoint, Question
from quizzes.models.bank import article_fingerprint
from quizzes.services.base import QUESTION_IMPORT_ACTION

logger = logging.getLogger(__name__)

# Reading the file -----------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return getattr(settings, "QUESTION_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def read_rows(file: IO[bytes]) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """The data rows of an upload as text, or the errors that stop it from being read at all."""
    found = read_sheets(file, [SHEET], max_bytes=max_upload_bytes())
    if found.errors:
        return [], found.errors
    rows = [
        (number, {header: cell_text(value) for header, value in values.items()})
        for number, values in found.rows[SHEET_NAME]
    ]
    if not rows:
        return [], [RowError("文件中没有题目（第二行起为空）。")]
    return rows, []


# Validating rows ------------------------------------------------------------------------------


@dataclass
class Lookups:
    """What every row is checked against, loaded with a handful of queries."""

    categories: dict[str, Category]
    regulations: dict[str, list]  # title → RegulationPage, live ones first
    articles: dict[tuple[int, int], Any]  # (page id, number) → RegulationArticle
    existing_stems: dict[str, int]  # normalised stem → question id

    @classmethod
    def load(cls, rows: list[tuple[int, dict[str, str]]]) -> "Lookups":
        titles = {_regulation_title(values["依据文件"]) for _, values in rows} - {""}
        pages = RegulationPage.objects.filter(title__in=titles).order_by("-live", "pk")
        regulations: dict[str, list] = defaultdict(list)
        for page in pages:
            regulations[page.title].append(page)
        articles = RegulationArticle.objects.filter(page__in=[p.pk for p in pages])
        stems = Question.objects.non_polymorphic().current().values_list("stem", "pk")
        return cls(
            categories={category.path: category for category in Category.objects.all()},
            regulations=regulations,
            articles={(article.page_id, article.number): article for article in articles},
            existing_stems={normalise_stem(stem): pk for stem, pk in stems},
        )


def _regulation_title(text: str) -> str:
    return text.strip().removeprefix("《").removesuffix("》").strip()


@dataclass
class Draft:
    """A valid row: an unsaved question and the names of its knowledge points."""

    row: int
    question: Question
    knowledge_points: list[str]


class RowReader:
    """Reads one data row into an unsaved question, collecting every error it finds."""

    def __init__(self, number: int, values: dict[str, str], lookups: Lookups) -> None:
        self.number = number
        self.values = values
        self.lookups = lookups
        self.errors: list[RowError] = []

    def error(self, header: str, message: str) -> None:
        self.errors.append(RowError(message, self.number, column_letter(header), header))

    def read(self) -> Draft | None:
        model = self._model()
        stem = self.values["题干"]
        if not stem:
            self.error("题干", "题干不能为空")
        common = self._common_fields()
        specific = self._specific_fields(model, stem) if model else None
        points = self._knowledge_points()
        if self.errors or specific is None:
            return None
        question = model(stem=stem, **common, **specific)
        self._model_clean(question)
        return None if self.errors else Draft(self.number, question, points)

    def _model(self) -> type[Question] | None:
        label = self.values["题型"].removesuffix("题")
        model = next((m for m in QUESTION_TYPES.values() if excel_label(m) == label), None)
        if model is None:
            shown = self.values["题型"]
            self.error(
                "题型",
                f"题型“{shown}”无法识别，应为单选、多选、判断、填空或简答"
                if shown
                else "题型不能为空",
            )
        return model

    def _common_fields(self) -> dict[str, Any]:
        return {
            "explanation": self.values["解析"],
            "difficulty": self._difficulty(),
            "points": self._points(),
            "category": self._category(),
            "source_article": self._article(),
            "source_reference": self.values["出处说明"],
            "status": self._status(),
            "fact_group": self.values["同题组"],
        }

    def _difficulty(self) -> int:
        text = self.values["难度"]
        if not text:
            return 2
        if not re.fullmatch(r"[1-5]", text):
            self.error("难度", f"难度“{text}”无效，应为 1 到 5 的整数")
            return 2
        return int(text)

    def _points(self) -> Decimal:
        text = self.values["分值"]
        if not text:
            return Decimal(1)
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal(-1)
        if not (
            value.is_finite() and 0 < value < 10000 and value == value.quantize(Decimal("0.1"))
        ):
            self.error("分值", f"分值“{text}”无效，应为大于 0 的数字，最多一位小数")
            return Decimal(1)
        return value

    def _category(self) -> Category | None:
        path = normalise_path(self.values["分类"])
        if not path:
            self.error("分类", "分类不能为空")
            return None
        category = self.lookups.categories.get(path)
        if category is None:
            self.error("分类", f"分类“{self.values['分类']}”不存在，请先在“题目分类”中创建")
        return category

    def _article(self):
        title, number = _regulation_title(self.values["依据文件"]), self.values["依据条目序号"]
        if not title:
            if number:
                self.error("依据文件", "填写了依据条目序号时必须填写依据文件")
            return None
        pages = self.lookups.regulations.get(title)
        if not pages:
            self.error("依据文件", f"法规库中没有标题为“{title}”的法规文件")
            return None
        if not number:
            self.error("依据条目序号", "填写了依据文件时必须填写依据条目序号")
            return None
        if not number.isdigit():
            self.error("依据条目序号", f"依据条目序号“{number}”无效，应为整数")
            return None
        article = self.lookups.articles.get((pages[0].pk, int(number)))
        if article is None:
            self.error("依据条目序号", f"《{title}》中没有序号为 {number} 的条目")
        return article

    def _status(self) -> str:
        text = self.values["状态"]
        if not text:
            return Question.Status.PUBLISHED
        status = next((key for key, label in STATUS_LABELS.items() if label == text), None)
        if status is None:
            self.error("状态", f"状态“{text}”无效，应为草稿或已发布")
            return Question.Status.PUBLISHED
        return status

    def _knowledge_points(self) -> list[str]:
        names = split_names(self.values["知识点"])
        for name in names:
            if len(name) > KnowledgePoint.MAX_LENGTH:
                self.error(
                    "知识点", f"知识点“{name}”过长，不能超过 {KnowledgePoint.MAX_LENGTH} 个字"
                )
        return names

    # Type-specific columns ---------------------------------------------------------------------

    def _specific_fields(self, model: type[Question], stem: str) -> dict[str, Any] | None:
        """The type's own fields, read by the type from the option and answer columns."""
        options = self._options(model)
        answer = self.values["答案"]
        if options is None and answer:
            return None  # the options' error says what is wrong
        try:
            return model.excel_fields(stem=stem, options=options or [], answer=answer)
        except AnswerError as problem:
            self.error(problem.column, str(problem))
            return None

    def _options(self, model: type[Question]) -> list[str] | None:
        texts = [self.values[header] for header in OPTION_HEADERS]
        filled = [i for i, text in enumerate(texts) if text]
        if not model.has_options:
            if filled:
                self.error(OPTION_HEADERS[filled[0]], "只有单选题和多选题可以填写选项")
                return None
            return []
        count = filled[-1] + 1 if filled else 0
        gaps = [i for i in range(count) if not texts[i]]
        if gaps:
            self.error(OPTION_HEADERS[gaps[0]], "选项须从选项A起连续填写，中间不能留空")
            return None
        if count < 2:
            self.error("选项A", f"{model.type_label}至少需要两个选项")
            return None
        return texts[:count]

    def _model_clean(self, question: Question) -> None:
        """The model's own rules (field limits and ``clean()``), reported on the right column."""
        try:
            question.clean_fields(
                exclude=["category", "source_article", "source_page", "created_by"]
            )
            question.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.error(FIELD_COLUMNS.get(name, "题型"), message.rstrip("。"))


def _duplicate_errors(rows: list[tuple[int, dict[str, str]]], lookups: Lookups) -> list[RowError]:
    """Stems repeated within the file or already in the bank (whitespace ignored).

    Every row with a stem takes part, also rows with other errors, so one pass over the
    error list shows every problem of the file.
    """
    errors, seen = [], {}
    letter = column_letter("题干")
    for number, values in rows:
        key = normalise_stem(values["题干"])
        if not key:
            continue
        if key in seen:
            message = f"题干与第{seen[key]}行重复"
        elif key in lookups.existing_stems:
            message = f"题库中已有相同题干的题目（编号 {lookups.existing_stems[key]}）"
        else:
            seen[key] = number
            continue
        errors.append(RowError(message, number, letter, "题干"))
    return errors


def validate_rows(rows: list[tuple[int, dict[str, str]]]) -> tuple[list[Draft], list[RowError]]:
    """Every row checked; the drafts are only complete when there is no error at all."""
    lookups = Lookups.load(rows)
    drafts, errors = [], []
    for number, values in rows:
        reader = RowReader(number, values, lookups)
        draft = reader.read()
        errors.extend(reader.errors)
        if draft is not None:
            drafts.append(draft)
    errors.extend(_duplicate_errors(rows, lookups))
    errors.sort(key=lambda error: (error.row or 0, error.column))
    return drafts, errors


# Writing --------------------------------------------------------------------------------------


def _insert_base_rows(questions: list[Question]) -> None:
    """Inserts the shared ``Question`` rows and gives each concrete question its primary key."""
    for question in questions:  # what ``Question.save`` records, which bulk inserts skip
        if question.source_article is not None:
            question.source_fingerprint = article_fingerprint(question.source_article)
    base_fields = [f for f in Question._meta.concrete_fields if not f.primary_key]
    bases = [Question(**{f.attname: getattr(q, f.attname) for f in base_fields}) for q in questions]
    Question.objects.non_polymorphic().bulk_create(bases, batch_size=500)
    for question, base in zip(questions, bases, strict=True):
        question.pk = question.id = base.pk
        question.created_at, question.updated_at = base.created_at, base.updated_at
        question._state.adding = False
        question._state.db = base._state.db


def _insert_child_rows(model: type[Question], questions: list[Question]) -> None:
    """Inserts the type's own table rows in batches.

    ``bulk_create`` refuses multi-table children, so the rows are inserted with the queryset's
    ``_insert`` (what ``bulk_create`` itself uses) after ``_insert_base_rows`` gave them pks.
    """
    using = router.db_for_write(model)
    fields = model._meta.local_concrete_fields
    size = max(connections[using].ops.bulk_batch_size(fields, questions), 1)
    for chunk in chunks(questions, size):
        model._base_manager.using(using)._insert(chunk, fields=fields, using=using)


def _link_knowledge_points(drafts: list[Draft]) -> None:
    names = {name for draft in drafts for name in draft.knowledge_points}
    if not names:
        return
    KnowledgePoint.objects.bulk_create(
        [KnowledgePoint(name=name) for name in sorted(names)], ignore_conflicts=True
    )
    ids = dict(KnowledgePoint.objects.values_list("name", "pk"))
    through = Question.knowledge_points.through
    links = [
        through(question_id=draft.question.pk, knowledgepoint_id=ids[name])
        for draft in drafts
        for name in draft.knowledge_points
    ]
    through.objects.bulk_create(links, batch_size=500)


def _by_type(questions: list[Question]) -> dict[type[Question], list[Question]]:
    groups: dict[type[Question], list[Question]] = defaultdict(list)
    for question in questions:
        groups[type(question)].append(question)
    return groups


def _index(groups: dict[type[Question], list[Question]]) -> None:
    """Adds the new questions to the search index (bulk inserts send no save signals)."""
    from wagtail.search.backends import get_search_backends

    for backend in get_search_backends(with_auto_update=True):
        for model, questions in groups.items():
            try:
                backend.add_bulk(model, questions)
            except Exception:
                if not backend.catch_indexing_errors:
                    raise
                logger.exception("Could not index %d imported %s", len(questions), model.__name__)


def create_questions(drafts: list[Draft], user=None) -> list[Question]:
    """Writes valid drafts in one transaction with bulk inserts; returns the saved questions."""
    questions = [draft.question for draft in drafts]
    for question in questions:
        question.polymorphic_ctype_id = ContentType.objects.get_for_model(
            type(question), for_concrete_model=False
        ).pk
        question.created_by = user if user is not None and user.is_authenticated else None
    groups = _by_type(questions)
    with transaction.atomic():
        _insert_base_rows(questions)
        for model, group in groups.items():
            _insert_child_rows(model, group)
        _link_knowledge_points(drafts)
        _index(groups)
    return questions


def import_questions(file: IO[bytes], *, user=None) -> ImportResult:
    """Imports an .xlsx file of questions: all rows, or none when any row has an error; one
    audit entry (file, rows, who) on the first question's category."""
    rows, errors = read_rows(file)
    if errors:
        return ImportResult(errors=errors)
    drafts, errors = validate_rows(rows)
    if errors:
        return ImportResult(errors=errors)
    questions = create_questions(drafts, user)
    if questions:
        first = questions[0]
        audit(
            first.category if first.category_id else first, QUESTION_IMPORT_ACTION, user=user,
            file=getattr(file, "name", ""), rows=len(rows), questions=len(questions),
        )  # fmt: skip
    return ImportResult(created=len(questions))
