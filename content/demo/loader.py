"""Builds the demo site from the source documents: library pages, regulations, case studies."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.html import escape
from wagtail.models import Page

from content.demo import seeds
from content.demo.documents import DOCUMENTS, SeedDocument
from content.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    HomePage,
    MisconductType,
    RegulationArticle,
    RegulationIndexPage,
    RegulationPage,
    StudyMaterialIndexPage,
    StudyMaterialPage,
)
from content.models.cases import CaseStudyArticleLink
from content.regulations.parse import parse_regulation

CASE_STUDIES_FILE = Path(__file__).resolve().parent.parent / "demo_data" / "case_studies.json"
LIBRARY = (
    (RegulationIndexPage, "法规库", "regulations", "四项监督制度及配套规定、实施意见的全文，逐条可查、可引用。"),
    (CaseStudyIndexPage, "典型案例", "cases", "选人用人正反两方面的典型案例，以案释纪、以案促学。"),
    (StudyMaterialIndexPage, "学习资料", "materials", "工作动态、调研报告和辅导材料。"),
)  # fmt: skip


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)

    def note(self, page: Page, created: bool) -> None:
        (self.created if created else self.existing).append(page.title)


def load_content(*, seeds_dir: Path) -> LoadReport:
    """Create whatever demo page is missing; pages that exist are left as they are."""
    texts = {doc.prefix: seeds.read_seed(seeds_dir, doc.prefix) for doc in DOCUMENTS}
    cases = json.loads(CASE_STUDIES_FILE.read_text(encoding="utf-8"))
    report = LoadReport()
    with transaction.atomic():
        home = _prepare_home()
        indexes = {model: _ensure_index(home, model, *rest, report) for model, *rest in LIBRARY}
        for doc in DOCUMENTS:
            parent = indexes[
                RegulationIndexPage if doc.page_type == "regulation" else StudyMaterialIndexPage
            ]
            page, created = _ensure_document(parent, doc, texts[doc.prefix])
            report.note(page, created)
        for case in cases:
            page, created = _ensure_case(indexes[CaseStudyIndexPage], case)
            report.note(page, created)
    return report


def _prepare_home() -> HomePage:
    home = HomePage.objects.get()
    if not home.intro:
        home.lead = "学制度、测掌握、强监督"
        home.intro = (
            "<p>面向县处级领导干部、组工干部和单位管理员的干部选拔任用监督制度学习平台："
            "逐条学习法规原文，以测促学检验掌握程度，按学时完成岗前培训。</p>"
        )
        home.save_revision().publish()
    return home


def _ensure_index(home, model, title, slug, intro, report) -> Page:
    existing = model.objects.child_of(home).filter(slug=slug).first()
    if existing:
        report.note(existing, False)
        return existing
    page = model(title=title, slug=slug, show_in_menus=True, intro=f"<p>{intro}</p>")
    _publish(home, page)
    report.note(page, True)
    return page


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _ensure_document(parent: Page, doc: SeedDocument, raw: str) -> tuple[Page, bool]:
    existing = Page.objects.child_of(parent).filter(slug=doc.slug).specific().first()
    if existing:
        return existing, False
    text = seeds.anonymize(doc.clean(raw))
    title = doc.title_in_text(raw) if doc.title_in_text else doc.title
    if doc.page_type == "regulation":
        return _publish(parent, _regulation_page(doc, title, text)), True
    return _publish(parent, _material_page(doc, title, text)), True


def _regulation_page(doc: SeedDocument, title: str, text: str) -> RegulationPage:
    parsed = parse_regulation(text)
    return RegulationPage(
        title=title,
        slug=doc.slug,
        issuer=doc.issuer,
        issued_on=doc.issued_on,
        status=doc.status,
        summary=doc.summary,
        is_regulation=doc.is_regulation,
        history_note=doc.history_note,
        preamble=parsed.preamble,
        signature=parsed.signature,
        articles=[
            RegulationArticle(
                number=a.number,
                label=a.label,
                section=a.section,
                heading=a.heading,
                body=a.body,
                sort_order=a.number,
            )
            for a in parsed.articles
        ],
    )


def _material_page(doc: SeedDocument, title: str, text: str) -> StudyMaterialPage:
    blocks = seeds.parse_report(text)[1] if doc.prefix == "004" else seeds.parse_news(text)
    return StudyMaterialPage(
        title=title,
        slug=doc.slug,
        kind=doc.kind,
        source=doc.issuer,
        published_on=doc.issued_on,
        summary=doc.summary,
        body=[
            (kind, value if kind == "heading" else f"<p>{escape(value)}</p>")
            for kind, value in blocks
        ],
    )


def _ensure_case(parent: Page, case: dict) -> tuple[Page, bool]:
    existing = CaseStudyPage.objects.child_of(parent).filter(title=case["title"]).first()
    if existing:
        return existing, False
    articles, materials = resolve_sources(case["sources"])
    page = CaseStudyPage(
        title=case["title"],
        kind=case["kind"],
        summary=case["summary"],
        body="".join(f"<p>{escape(p)}</p>" for p in case["body"]),
        lessons="\n".join(case["lessons"]),
        is_teaching_case=True,
        article_links=[CaseStudyArticleLink(article=a) for a in dict.fromkeys(articles)],
    )
    page.misconduct.set([_misconduct_type(name) for name in case["misconduct_types"]])
    page.related_materials.set(list(dict.fromkeys(materials)))
    return _publish(parent, page), True


def _misconduct_type(name: str) -> MisconductType:
    tag = MisconductType.objects.filter(name=name).first()
    return tag or MisconductType.objects.create(
        name=name, slug=f"type-{MisconductType.objects.count() + 1}"
    )


def document_page(prefix: str) -> Page:
    slug = next(doc.slug for doc in DOCUMENTS if doc.prefix == prefix)
    return Page.objects.get(slug=slug).specific


class SourceIndex:
    """Resolves short quotations to the article or page holding them; reads each document once."""

    def __init__(self):
        self._texts: dict[str, tuple[Page, list[tuple[RegulationArticle, str, str]]]] = {}

    def _document(self, prefix: str):
        if prefix not in self._texts:
            page = document_page(prefix)
            articles = (
                [
                    (a, seeds.compact(article_text(a)), seeds.compact(a.section))
                    for a in page.articles.all()
                ]
                if isinstance(page, RegulationPage)
                else []
            )
            self._texts[prefix] = (page, articles)
        return self._texts[prefix]

    def resolve(self, doc_prefix: str, quote: str) -> RegulationArticle | Page:
        """The article whose text (or section heading) holds the quotation, or the page when it
        is in a preamble or a study material."""
        page, articles = self._document(doc_prefix)
        needle = seeds.compact(seeds.anonymize(quote))
        for article, text, _ in articles:
            if needle in text:
                return article
        for article, _, section in articles:
            if needle in section:
                return article
        whole = material_text(page) if isinstance(page, StudyMaterialPage) else page.preamble
        if needle in seeds.compact(whole):
            return page
        raise seeds.SeedError(f"《{page.title}》中找不到引文“{quote}”")


def resolve_source(doc_prefix: str, quote: str) -> RegulationArticle | Page:
    return SourceIndex().resolve(doc_prefix, quote)


def resolve_sources(sources: list[dict]) -> tuple[list[RegulationArticle], list[StudyMaterialPage]]:
    index = SourceIndex()
    resolved = [index.resolve(s["doc"], s["quote"]) for s in sources]
    articles = [r for r in resolved if isinstance(r, RegulationArticle)]
    return articles, [r for r in resolved if isinstance(r, StudyMaterialPage)]


def article_text(article: RegulationArticle) -> str:
    return f"{article.heading}。{article.body}" if article.heading else article.body


def material_text(page: StudyMaterialPage) -> str:
    from django.utils.html import strip_tags

    return "".join(
        strip_tags(str(block.value.source if hasattr(block.value, "source") else block.value))
        for block in page.body
    )
