"""The seed parser on small texts written for the tests (no database)."""

from content.demo import seeds


def test_clean_004_removes_glued_page_numbers_in_order():
    """Page numbers glued into words go; real numbers with a measure word stay."""
    text = "1某市报告《工作2条例》,选拔4次,以来3召开近20次,共有4名,一些4不理想。"
    cleaned = seeds.clean_004(text)
    assert cleaned == "某市报告《工作条例》,选拔4次,以来召开近20次,共有4名,一些不理想。"


def test_clean_001_drops_boilerplate_and_fixes_conversion():
    """The download boilerplate, stray words and title go; converted characters are fixed."""
    raw = "温馨提示:\n1. 文件\n网站客服:123\n2023\n提高\n提高选人用人公信度的实施意见\n坚持原那么,打根底,满意率到达80%〞\n"
    assert seeds.clean_001(raw) == "坚持原则,打基础,满意率达到80%”"


def test_split_glued_items_separates_items_on_one_line():
    """Two numbered items sharing one line become two lines."""
    assert seeds.split_glued_items("2、甲项内容。 3、乙项内容。") == [
        "2、甲项内容。",
        "3、乙项内容。",
    ]


def test_parse_regulation_builds_outline():
    """Parts, sections and numbered items become articles with labels and section paths."""
    text = "导语一段。\n一、总体要求\n(一)基本原则\n1.坚持党管干部。具体内容甲。\n2.扩大民主\n二、工作措施\n普通段落。"
    doc = seeds.parse_regulation(text)
    assert doc.preamble == "导语一段。"
    first, second, third = doc.articles
    assert (first.label, first.section, first.heading, first.body) == (
        "一(一)1.", "一、总体要求 › (一)基本原则", "坚持党管干部", "具体内容甲。",
    )  # fmt: skip
    assert second.heading == "" and second.body == "扩大民主"
    assert (third.number, third.section, third.body) == (3, "二、工作措施", "普通段落。")


def test_parse_regulation_uses_plain_numbers_when_items_run_through():
    """A notice numbered 1…N across its parts labels items with the number alone."""
    doc = seeds.parse_regulation("一、甲部分\n1、第一项。内容\n二、乙部分\n2、第二项。内容")
    assert [a.label for a in doc.articles] == ["1.", "2."]


def test_anonymize_reads_placeholders_as_some_place():
    """XXX and ** placeholders read as 某市 / 某县."""
    assert seeds.anonymize("XXX委组织部和**县") == "某市委组织部和某县"
