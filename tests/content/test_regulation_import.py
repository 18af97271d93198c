"""Importing a regulation's text: the splitter on every numbering style, the metadata, the
files, the preview's corrections, permissions, and what saving writes."""

import dataclasses
import hashlib
import io
import json
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, WorkflowTask

from content.admin.regulation_import import (
    ArticleForm,
    ImportRegulationButton,
    ReimportRegulationButton,
)
from content.demo import seeds
from content.demo.documents import DOCUMENTS
from content.models import RegulationPage
from content.regulations import files
from content.regulations.edits import apply_edits, split_problems
from content.regulations.matching import OldArticle, match_articles, numbers_for, similarity
from content.regulations.parse import chinese_number, parse_regulation, read_regulation
from tests.content.factories import RegulationIndexPageFactory, RegulationPageFactory
from tests.factories import UserFactory, staff_with

ARTICLES_TEXT = """中共中央办公厅文件
中办发〔2010〕9号
党政领导干部选拔任用工作
责任追究办法（试行）
（2010年3月7日中共中央办公厅印发）
第一章　总则
第一条【目的】为了严肃干部选拔任用工作纪律，制定本办法。
第二条　本办法适用于下列机关：
（一）党的机关；
（二）政府机关。
第二章　责任
第一节　党委的责任
第三条　有下列情形之一的，应当追究责任。
第二节　组织部门的责任
第四条（解释）本办法由中央组织部负责解释。
第三章　附则
第五条　本办法自发布之日起施行。
中共中央办公厅
二〇一〇年三月七日
"""

OUTLINE_TEXT = """关于加强干部监督的实施意见
各县（市、区）委组织部：
为加强干部监督，现提出如下意见。
一、总体要求
（一）指导思想
1.坚持党管干部。全面加强党的领导。
（1）严格标准；
（2）严格程序。
2.注重实效。抓好落实。
（二）工作措施
1.健全制度。完善监督办法。
二、附则
本意见自印发之日起施行。
中共某市委组织部
2011年5月4日
"""


# The splitter ---------------------------------------------------------------------------------


def test_articles_style_splits_chapters_sections_and_articles():
    """第X章/第X节/第X条: each article with its chapter and section, numbered as written."""
    doc = read_regulation(ARTICLES_TEXT)
    assert [a.label for a in doc.articles] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert [a.number for a in doc.articles] == [1, 2, 3, 4, 5]
    assert doc.articles[0].section == "第一章 总则"
    assert doc.articles[2].section == "第二章 责任 › 第一节 党委的责任"
    assert doc.articles[3].section == "第二章 责任 › 第二节 组织部门的责任"
    assert doc.articles[4].section == "第三章 附则"


def test_an_article_keeps_its_items_and_paragraphs():
    """The (一)(二) items inside an article stay in its body, one paragraph each."""
    article = read_regulation(ARTICLES_TEXT).articles[1]
    assert article.body.splitlines() == [
        "本办法适用于下列机关：",
        "（一）党的机关；",
        "（二）政府机关。",
    ]


def test_bracketed_article_headings_are_read():
    """【目的】 and （解释） after the number are the article's heading, not its text."""
    articles = read_regulation(ARTICLES_TEXT).articles
    assert (articles[0].heading, articles[3].heading, articles[2].heading) == ("目的", "解释", "")
    assert articles[0].body.startswith("为了严肃")


def test_article_numbers_follow_the_text():
    """第十二条 is anchor 12; a number that goes back takes the next one instead."""
    doc = parse_regulation("第十条　甲。\n第十二条　乙。\n第三条　丙。")
    assert [a.number for a in doc.articles] == [10, 12, 13]
    assert [chinese_number(t) for t in ("十二", "一百零三", "二十", "15", "甲")] == [
        12, 103, 20, 15, None,
    ]  # fmt: skip


def test_outline_style_parts_sections_items_and_subitems():
    """一、 (一) 1. (1): items are articles under their part and section; (1) stays in its item."""
    doc = read_regulation(OUTLINE_TEXT)
    first = doc.articles[0]
    assert first.label == "一(一)1."
    assert first.section == "一、总体要求 › （一）指导思想"
    assert (first.heading, first.body.splitlines()) == (
        "坚持党管干部",
        ["全面加强党的领导。", "（1）严格标准；", "（2）严格程序。"],
    )
    assert [a.label for a in doc.articles[:3]] == ["一(一)1.", "一(一)2.", "一(二)1."]


def test_outline_supplementary_provisions_are_their_own_part():
    """二、附则 starts a part 附则 whose paragraphs are articles labelled 附则."""
    last = read_regulation(OUTLINE_TEXT).articles[-1]
    assert (last.section, last.label, last.body) == ("附则", "附则", "本意见自印发之日起施行。")


def test_subitems_alone_are_articles():
    """A list of (1) (2) items with no item above them makes one article each."""
    doc = parse_regulation("说明如下：\n（1）第一项内容。\n（2）第二项内容。")
    assert [a.label for a in doc.articles] == ["(1)", "(2)"]
    assert doc.preamble == "说明如下："


def test_mixed_styles_put_outline_items_inside_articles():
    """In a 第X条 document, 一、 and 1. lines are paragraphs of the article above them."""
    doc = parse_regulation("第一条　下列情形：\n一、甲情形；\n1.乙情形。\n第二条　其他。")
    assert len(doc.articles) == 2
    assert doc.articles[0].body.splitlines() == ["下列情形：", "一、甲情形；", "1.乙情形。"]


def test_metadata_from_the_head_and_the_signature():
    """Title (over two lines), letterhead issuer, number and date are read; the signature too."""
    doc = read_regulation(ARTICLES_TEXT)
    assert doc.title == "党政领导干部选拔任用工作责任追究办法（试行）"
    assert (doc.issuer, doc.document_number) == ("中共中央办公厅", "中办发〔2010〕9号")
    assert doc.issued_on.isoformat() == "2010-03-07"
    assert doc.signature == "中共中央办公厅 二〇一〇年三月七日"
    assert doc.preamble == ""


def test_metadata_from_the_signature_alone():
    """Without a note under the title, the issuer and date come from the closing lines."""
    doc = read_regulation(OUTLINE_TEXT)
    assert doc.title == "关于加强干部监督的实施意见"
    assert (doc.issuer, doc.issued_on.isoformat()) == ("中共某市委组织部", "2011-05-04")
    assert doc.preamble.startswith("各县（市、区）委组织部：")
    assert "中共某市委组织部" not in doc.articles[-1].body


def _demo_split(prefix: str) -> str:
    document = next(doc for doc in DOCUMENTS if doc.prefix == prefix)
    raw = seeds.read_seed(Path(settings.DEMO_SEEDS_DIR), prefix)
    parsed = dataclasses.asdict(parse_regulation(seeds.anonymize(document.clean(raw))))
    for name in ("title", "issuer", "document_number", "issued_on"):
        parsed.pop(name)
    return hashlib.sha256(
        json.dumps(parsed, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()


@pytest.mark.parametrize(
    "prefix, digest",
    [
        ("000", "7a752f6c4413c4204301195cf31b0744053f316c89697444071c079c38787289"),
        ("001", "d2fd06f6428a5f4c583732f8bbd0033201a59099c9a433781c99c0a9d8c738b0"),
        ("002", "b88c33005919864d70c1182e22eee7d11ef8b5b438aae375f9a969bcb5f152e7"),
    ],
)
def test_demo_documents_split_exactly_as_before(prefix, digest):
    """The shared splitter gives the demo's regulations the very split the loader made before
    (a digest of preamble, articles and signature taken from the loader's own parser)."""
    assert _demo_split(prefix) == digest


def test_the_demo_loader_uses_the_shared_splitter():
    """One parser: the demo's seeds module and loader hand out the import's splitter."""
    from content.demo import loader

    assert seeds.parse_regulation is parse_regulation
    assert loader.parse_regulation is parse_regulation


# Files and bad input --------------------------------------------------------------------------


def _docx_bytes(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_become_lines():
    """A Word document is read paragraph by paragraph."""
    data = _docx_bytes(["某某办法", "第一条　甲。", "第二条　乙。"])
    text = files.read_text(upload=io.BytesIO(data), name="办法.docx")
    assert [a.label for a in files.split_text(text).articles] == ["第一条", "第二条"]


def test_txt_in_gb18030_is_read():
    """A .txt saved in the Windows Chinese encoding reads as well as UTF-8."""
    data = "某某办法\n第一条　甲。\n".encode("gb18030")
    assert "第一条" in files.read_text(upload=io.BytesIO(data), name="a.TXT")


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("空.txt", b"", "是空的"),
        ("空白.txt", b"  \n\n", "是空的"),
        ("假.docx", b"not a zip at all", "不是有效的 Word"),
        ("图.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "不是文本文件"),
        ("旧.doc", b"whatever", "不是 .docx 或 .txt"),
        ("大.txt", b"x" * (files.MAX_FILE_BYTES + 1), "超过 2 MB"),
    ],
)
def test_bad_files_are_refused_with_a_message(name, data, message):
    """Each kind of bad file gets its own Chinese message naming the file."""
    with pytest.raises(files.RegulationTextError, match=message) as refused:
        files.read_text(upload=io.BytesIO(data), name=name)
    assert name in str(refused.value)


def test_text_without_numbering_is_refused():
    """A text in which no article numbering is found is refused, saying what to check."""
    with pytest.raises(files.RegulationTextError, match="没有找到条目编号"):
        files.split_text("一段没有任何编号的文字。\n又一段文字。")


# Corrections in the preview -------------------------------------------------------------------


def _row(label, body, heading="", **edits):
    return {"label": label, "section": "", "heading": heading, "body": body, **edits}


def test_merge_with_next_joins_the_texts():
    """与下一条合并 puts the next article's heading and text into this one."""
    rows = [_row("1.", "甲。", merge=True), _row("2.", "乙。", heading="标题"), _row("3.", "丙。")]
    merged = apply_edits(rows)
    assert [(r["label"], r["body"]) for r in merged] == [("1.", "甲。\n标题。乙。"), ("3.", "丙。")]


def test_split_at_a_paragraph_makes_two_articles():
    """从第几段拆出新条 cuts the article before that paragraph."""
    split = apply_edits([_row("第一条", "一段。\n二段。\n三段。", split_at=3)])
    assert [(r["label"], r["body"]) for r in split] == [
        ("第一条", "一段。\n二段。"),
        ("第一条之二", "三段。"),
    ]


def test_a_split_beyond_the_text_is_explained():
    """A paragraph that does not exist is refused with the article's position and range."""
    rows = [
        _row("1.", "甲。"),
        _row("2.", "甲。\n乙。", split_at=5),
        _row("3.", "丙。", split_at=2),
    ]
    assert split_problems(rows) == {
        1: "第 2 条只有 2 段，拆分的段号应在 2 到 2 之间。",
        2: "第 3 条只有一段，不能拆分。",
    }


# Matching a new text to the old one -----------------------------------------------------------


def test_matching_by_text_by_label_and_moved():
    """Same text, same label reworded, and a moved article close in text all keep their old id."""
    old = [
        OldArticle(11, 1, "第一条", "为了严肃纪律，制定本办法。"),
        OldArticle(12, 2, "第二条", "本办法适用于党的机关和政府机关。"),
        OldArticle(13, 3, "第三条", "有下列情形之一的应当追究责任，包括违反程序和纪律。"),
        OldArticle(14, 4, "第四条", "本办法由中央组织部负责解释。"),
    ]
    new = [
        ("第一条", "为了严肃纪律，制定本办法。"),
        ("第二条", "本办法适用于党的机关、人大机关和政府机关。"),
        ("第三条", "新增加的一条关于报告的规定。"),
        ("第四条", "有下列情形之一的应当追究责任，包括违反程序和纪律的。"),
    ]
    matched = match_articles(old, new)
    assert [m.id if m else None for m in matched] == [11, 12, None, 13]
    assert numbers_for(matched, [1, 2, 3, 4]) == [1, 2, 5, 3]


def test_numbers_for_new_articles_avoid_kept_anchors():
    """A new article whose natural number is kept by an old one takes the next free number."""
    kept = OldArticle(1, 2, "", "")
    assert numbers_for([None, kept, None], [1, 2, 3]) == [1, 2, 3]
    assert numbers_for([None, None, kept], [1, 2, 3]) == [1, 4, 2]
    assert numbers_for([kept, None], [1, 2]) == [2, 3]


# The admin ------------------------------------------------------------------------------------


@pytest.fixture
def library(db):
    """The regulation library (an index page under home)."""
    return RegulationIndexPageFactory()


def _import_url(library):
    return reverse("regulation_import", args=[library.pk])


def _preview_data(response) -> dict:
    """The preview form's fields as the browser would post them back."""
    context = response.context
    meta = context["meta"]
    values = meta.cleaned_data if meta.is_bound else meta.initial
    data = {f"meta-{name}": value or "" for name, value in values.items()}
    data["meta-issued_on"] = str(values.get("issued_on") or "")
    formset = context["articles"]
    data.update({f"articles-{k}": v for k, v in formset.management_form.initial.items()})
    for index, row in enumerate(formset.initial):
        data.update(
            {
                f"articles-{index}-{k}": v
                for k, v in row.items()
                if k in {"label", "section", "heading", "body"}
            }
        )
    return data


@pytest.mark.django_db
def test_paste_shows_the_preview(client, editor, library):
    """Pasting a text shows its metadata and every article in order, and writes nothing."""
    client.force_login(editor)
    pages = Page.objects.count()
    response = client.post(_import_url(library), {"action": "parse", "text": ARTICLES_TEXT})
    html = response.content.decode()
    assert response.status_code == 200
    assert "党政领导干部选拔任用工作责任追究办法（试行）" in html and "中办发〔2010〕9号" in html
    assert html.index("为了严肃干部选拔任用工作纪律") < html.index("本办法自发布之日起施行")
    assert "共拆分出 5 条" in html
    assert Page.objects.count() == pages


@pytest.mark.django_db
def test_docx_upload_shows_the_preview(client, editor, library):
    """An uploaded Word document is split like pasted text."""
    client.force_login(editor)
    upload = SimpleUploadedFile("办法.docx", _docx_bytes(ARTICLES_TEXT.splitlines()))
    response = client.post(_import_url(library), {"action": "parse", "file": upload})
    assert "共拆分出 5 条" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "post, message",
    [
        ({"text": ""}, "请粘贴法规文本，或选择要上传的文件。"),
        ({"text": "没有编号的一段话。"}, "没有找到条目编号"),
        ({"file": ("空.txt", b"")}, "是空的"),
        ({"file": ("假.docx", b"PK\x03\x04broken")}, "不是有效的 Word"),
        ({"file": ("大.txt", b"x" * (files.MAX_FILE_BYTES + 1))}, "超过 2 MB"),
    ],
)
def test_bad_input_in_the_admin_says_why_and_creates_nothing(
    client, editor, library, post, message
):
    """Each bad input is shown on the import page in Chinese and no page is created."""
    client.force_login(editor)
    pages = Page.objects.count()
    if "file" in post:
        post = {"file": SimpleUploadedFile(*post["file"])}
    response = client.post(_import_url(library), {"action": "parse", **post})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Page.objects.count() == pages


@pytest.mark.django_db
def test_only_those_who_may_add_regulations_may_import(client, library):
    """A user without page permissions is refused the import and its buttons are hidden."""
    outsider = staff_with()
    client.force_login(outsider)
    response = client.post(_import_url(library), {"action": "parse", "text": ARTICLES_TEXT})
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert not RegulationPage.objects.exists()
    assert not ImportRegulationButton(page=library).is_shown(outsider)
    page = RegulationPageFactory(parent=library)
    assert not ReimportRegulationButton(page=page).is_shown(outsider)
    refused = client.get(reverse("regulation_reimport", args=[page.pk]))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")


@pytest.mark.django_db
def test_editors_see_the_import_button_on_the_library(client, editor, library):
    """The library's page in the admin offers 导入法规文本 to editors."""
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_explore", args=[library.pk])).content.decode()
    assert "导入法规文本" in html and _import_url(library) in html


@pytest.mark.django_db
def test_apply_merges_and_renames_then_save_creates_a_draft(client, editor, library):
    """Corrections are applied in the preview; saving makes a draft page with one revision."""
    client.force_login(editor)
    preview = client.post(_import_url(library), {"action": "parse", "text": ARTICLES_TEXT})
    data = _preview_data(preview)
    data.update({"articles-0-merge": "on", "articles-2-heading": "责任情形", "action": "apply"})
    applied = client.post(_import_url(library), data)
    assert "共拆分出 4 条" in applied.content.decode()
    data = {**_preview_data(applied), "action": "save"}
    response = client.post(_import_url(library), data)
    page = RegulationPage.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "wagtailadmin_pages:edit", args=[page.pk]
    )
    assert not page.live and page.revisions.count() == 1
    draft = page.get_latest_revision_as_object()
    assert [a.label for a in draft.articles.all()] == ["第一条", "第三条", "第四条", "第五条"]
    assert draft.articles.all()[1].heading == "责任情形"
    assert "本办法适用于下列机关" in draft.articles.all()[0].body
    assert (page.issuer, page.document_number) == ("中共中央办公厅", "中办发〔2010〕9号")


@pytest.mark.django_db
def test_save_and_submit_starts_the_review(client, editor, library):
    """保存并提交审核 puts the new page in the moderators' workflow, still not live."""
    client.force_login(editor)
    preview = client.post(_import_url(library), {"action": "parse", "text": OUTLINE_TEXT})
    client.post(_import_url(library), {**_preview_data(preview), "action": "submit"})
    page = RegulationPage.objects.get()
    assert page.workflow_in_progress and not page.live


@pytest.mark.django_db
def test_submitting_without_a_review_workflow_says_why_and_creates_nothing(client, editor, library):
    """A library whose workflow has no review step: 保存并提交审核 would publish the page at
    once; the editor is told why, the preview stays, and nothing is created."""
    WorkflowTask.objects.all().delete()
    client.force_login(editor)
    preview = client.post(_import_url(library), {"action": "parse", "text": OUTLINE_TEXT})
    response = client.post(_import_url(library), {**_preview_data(preview), "action": "submit"})
    html = response.content.decode()
    assert response.status_code == 200 and "无法提交审核" in html and "reg-import__article" in html
    assert not RegulationPage.objects.exists()


@pytest.mark.django_db
def test_a_missing_title_is_asked_for(client, editor, library):
    """A preview saved without a title is shown again with the message, nothing created."""
    client.force_login(editor)
    preview = client.post(_import_url(library), {"action": "parse", "text": ARTICLES_TEXT})
    response = client.post(
        _import_url(library), {**_preview_data(preview), "meta-title": "", "action": "save"}
    )
    assert "请填写法规标题。" in response.content.decode()
    assert not RegulationPage.objects.exists()


@pytest.fixture
def live_regulation(library):
    """A live regulation of three articles in the outline style."""
    return RegulationPageFactory(
        parent=library,
        title="某某办法",
        articles=[
            ("", "甲条原文，规定了报告事项。"),
            ("", "乙条原文，规定了责任追究。"),
            ("", "丙条原文。"),
        ],
    )


@pytest.mark.django_db
def test_reimport_keeps_matched_article_ids_in_a_new_revision(client, editor, live_regulation):
    """A new text becomes a revision: matched articles keep id and anchor, the live page waits."""
    client.force_login(editor)
    old = {a.body: (a.pk, a.number) for a in live_regulation.articles.all()}
    url = reverse("regulation_reimport", args=[live_regulation.pk])
    text = "某某办法\n1、甲条原文，规定了报告事项。\n2、新增一条。\n3、乙条原文，规定了责任追究和处理。"
    preview = client.post(url, {"action": "parse", "text": text})
    html = preview.content.decode()
    assert "未改动" in html and "已修改" in html and "新增" in html and "丙条原文" in html
    client.post(url, {**_preview_data(preview), "action": "save"})
    live_regulation.refresh_from_db()
    assert live_regulation.has_unpublished_changes and live_regulation.articles.count() == 3
    draft = live_regulation.get_latest_revision_as_object()
    rows = [(a.pk, a.number, a.body) for a in draft.articles.all()]
    assert rows[0] == (*old["甲条原文，规定了报告事项。"], "甲条原文，规定了报告事项。")
    assert rows[2][:2] == old["乙条原文，规定了责任追究。"]
    assert rows[1][0] is None and rows[1][1] == 4  # anchors 1-3 stay taken: the new one is 4


@pytest.mark.django_db
def test_an_impossible_split_is_shown_on_its_article(client, editor, library):
    """A split beyond the article's paragraphs is refused beside that article; nothing saved."""
    client.force_login(editor)
    preview = client.post(_import_url(library), {"action": "parse", "text": ARTICLES_TEXT})
    data = {**_preview_data(preview), "articles-0-split_at": "5", "action": "save"}
    html = client.post(_import_url(library), data).content.decode()
    assert "第 1 条只有一段，不能拆分。" in html
    assert not RegulationPage.objects.exists()


def _reimport_queries(client, library, size: int) -> int:
    page = RegulationPageFactory(
        parent=library, articles=[("", f"第{n}条的原文。") for n in range(size)]
    )
    text = "\n".join(["某某办法", *(f"{n + 1}、第{n}条的新文。" for n in range(size))])
    url = reverse("regulation_reimport", args=[page.pk])
    client.post(url, {"action": "parse", "text": text})  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"action": "parse", "text": text})
    assert f"共拆分出 {size} 条" in response.content.decode()
    return len(queries)


@pytest.mark.django_db
def test_reimport_preview_reads_a_constant_number_of_queries(client, editor, library):
    """Comparing with the old text costs the same queries for 3 articles as for 60."""
    client.force_login(editor)
    small, large = _reimport_queries(client, library, 3), _reimport_queries(client, library, 60)
    assert small == large <= 25


@pytest.mark.django_db
def test_a_long_regulation_goes_back_and_forth_through_the_preview(client, editor, library):
    """The largest import allowed (500 articles) posts back from its preview without refusal."""
    client.force_login(editor)
    text = "\n".join(["某某条例", *(f"第{n}条　第{n}条的条文。" for n in range(1, 501))])
    preview = client.post(_import_url(library), {"action": "parse", "text": text})
    applied = client.post(_import_url(library), {**_preview_data(preview), "action": "apply"})
    assert applied.status_code == 200 and "共拆分出 500 条" in applied.content.decode()


@pytest.mark.django_db
def test_a_locked_regulation_cannot_take_a_new_text(client, editor, live_regulation):
    """A page locked by someone else refuses the import with a message."""
    live_regulation.locked, live_regulation.locked_by = True, UserFactory()
    live_regulation.save()
    client.force_login(editor)
    response = client.get(reverse("regulation_reimport", args=[live_regulation.pk]), follow=True)
    assert "已被锁定" in response.content.decode()


def test_article_text_from_the_browser_is_one_paragraph_a_line():
    """CRLF and blank lines posted from a text box are stored as the splitter writes text."""
    form = ArticleForm({"label": "1.", "body": " 甲。\r\n\r\n乙。 \r\n"})
    assert form.is_valid() and form.cleaned_data["body"] == "甲。\n乙。"


def test_long_texts_are_compared_by_their_character_pairs():
    """Long articles (past difflib's cheap range) still tell a reworded text from another one."""
    base = "干部选拔任用工作应当坚持党管干部原则，坚持五湖四海、任人唯贤。" * 10
    other = "群众满意度低于百分之七十的，应当对党委（党组）主要负责人进行约谈。" * 10
    assert similarity(base, base.replace("任人唯贤", "德才兼备", 1)) > 0.9
    assert similarity(base, other) < 0.3
