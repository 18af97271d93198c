"""The clause finder and the draft makers of ``quizzes.drafting`` (pure, no database). The
example clauses are written for the tests in the style of the regulations."""

from fractions import Fraction

import pytest

from quizzes import drafting
from quizzes.formats import BLANK_MARK


def only(text: str) -> drafting.Finding:
    findings = drafting.find_clauses(text)
    assert len(findings) == 1, findings
    return findings[0]


def drafts_of(text: str, others: list[drafting.Quantity] = ()) -> dict[str, drafting.Draft]:
    finding = only(text)
    made = drafting.make_drafts(finding, citation="《办法》第五条", others=list(others))
    return {draft.kind: draft for draft in made}


@pytest.mark.parametrize(
    ("text", "number", "unit", "value", "qualifier"),
    [
        ("参加民主推荐的人数不少于应到人数的三分之二。", "三分之二", "", Fraction(2, 3), "不少于"),
        ("讨论决定干部任免每年不得超过5次。", "5", "次", Fraction(5), "不得超过"),
        ("得票率在50%以上的，方可列为考察对象。", "50", "%", Fraction(50), "以上"),
        ("工作交接一般应在7个工作日内办结。", "7", "个工作日", Fraction(7), "内"),
        ("任前公示期一般为五个工作日。", "五", "个工作日", Fraction(5), ""),
        ("须经全体委员过半数同意。", "过半", "", Fraction(1, 2), "过"),
        ("至少保证八个学时的法规纪律学习。", "八", "个学时", Fraction(8), "至少"),
        ("提拔人数超过三十人的，须事先报批。", "三十", "人", Fraction(30), "超过"),
        ("法规纪律内容不低于百分之十五。", "十五", "百分之", Fraction(15), "不低于"),
        ("调整人数在二十人以下的，可直接研究。", "二十", "人", Fraction(20), "以下"),
        ("未获通过的，一年内不得再次推荐。", "一", "年", Fraction(1), "内"),
    ],
)
def test_each_pattern_is_found_with_its_number_unit_and_threshold(
    text, number, unit, value, qualifier
):
    """Every threshold word and number style is found, with the number, unit and qualifier."""
    finding = only(text)
    quantity = finding.quantity
    assert (quantity.text, quantity.unit, quantity.value) == (number, unit, value)
    assert finding.qualifier == qualifier
    assert finding.marked[1] == number


@pytest.mark.parametrize(
    "text",
    [
        "2010年3月，中央办公厅印发了四项监督制度。",  # a year and a month are no rule
        "各单位要在6月15日前报送学习计划。",  # a date
        "依照第三条的规定办理。",  # an ordinal
        "着重从以下四个方面探索实践。",  # 以下 with no number of a unit
        "每次调整干部的情况都要报备。",  # no number at all
        "请一名同志负责联络。",  # 一名 without a threshold is no rule
        "举报电话为12380。",
        "再通过三年时间进行完善。",  # 通过 is not 过半
        "在二次会议投票推荐中增加演讲环节。",  # the second meeting, not a count
    ],
)
def test_numbers_that_are_no_rule_are_left_out(text):
    """Dates, ordinals, bare 一名 and numbers without unit give no finding."""
    assert drafting.find_clauses(text) == []


def test_a_sentence_with_two_thresholds_gives_two_findings():
    """Each number of a sentence is a finding of its own, in order."""
    text = "一届内批量调整干部不得超过2次，讨论决定干部任免每年不得超过5次。"
    keys = [f.quantity.key for f in drafting.find_clauses(text)]
    assert keys == ["2次", "5次"]


def test_the_clause_is_widened_to_the_consequence_of_a_condition():
    """A clause ending in 的 keeps the part after it, so the rule reads whole."""
    finding = only("在民主推荐中得票率达不到50%的，不得列为考察对象。")
    assert finding.clause == "在民主推荐中得票率达不到50%的，不得列为考察对象"


def test_half_width_commas_of_a_bad_copy_become_full_width():
    """Stems drafted from a copy with half-width marks read with full-width ones."""
    finding = only("经考察不合格的,一年内不得再次推荐。")
    assert "," not in finding.clause and "，" in finding.clause


@pytest.mark.parametrize(
    ("text", "expected"),
    [("一百二十", 120), ("十二", 12), ("两", 2), ("三十", 30), ("二〇一", 201), ("一千零五", 1005)],
)
def test_chinese_numerals_are_read(text, expected):
    """Chinese numerals, with 十 百 千, 两 and 〇, read as integers."""
    assert drafting.chinese_to_int(text) == expected


@pytest.mark.parametrize("value", [1, 2, 10, 12, 20, 30, 105, 120, 1005])
def test_chinese_numerals_are_written_back(value):
    """Writing a number in Chinese numerals and reading it back gives the number."""
    assert drafting.chinese_to_int(drafting.int_to_chinese(value)) == value


def test_fill_in_blanks_the_number_and_accepts_both_numeral_styles():
    """The fill-in replaces the number with the blank, keeps the unit, accepts 5 and 五."""
    fill = drafts_of("讨论决定干部任免每年不得超过5次。")["fill"]
    assert fill.stem == f"根据《办法》第五条，讨论决定干部任免每年不得超过{BLANK_MARK}次。"
    assert fill.blanks == [["5", "五"]]


def test_fill_in_of_a_fraction_blanks_the_whole_fraction():
    """三分之二 is blanked whole and 2/3 is accepted too."""
    fill = drafts_of("常委到会不足三分之二的，不得研究干部任免事宜。")["fill"]
    assert "不足____的" in fill.stem
    assert fill.blanks == [["三分之二", "2/3"]]


def test_true_false_changes_the_number_and_is_false():
    """The true/false states the clause with another number, in the clause's numeral style."""
    tf = drafts_of("提拔人数超过三十人的，须事先报批。")["truefalse"]
    assert tf.correct is False
    assert "三十" not in tf.stem and "超过四十人的" in tf.stem


@pytest.mark.parametrize(
    "text",
    [
        "讨论决定干部任免每年不得超过5次。",
        "常委到会不足三分之二的，不得研究干部任免事宜。",
        "得票率在50%以上的，方可列为考察对象。",
        "未获通过的，一年内不得再次推荐。",
        "须经全体委员过半数同意。",
        "工作交接一般应在7个工作日内办结。",
    ],
)
def test_single_choice_has_the_true_value_once_and_three_distractors(text):
    """Four distinct options, the key is the true value, no distractor equals it."""
    finding = only(text)
    single = drafts_of(text)["single"]
    assert len(single.options) == len(set(single.options)) == 4
    true_text = drafting.written(finding.quantity.value, finding.quantity)
    assert single.options[single.correct].startswith(true_text)
    assert sum(option.startswith(true_text) for option in single.options) == 1
    assert "（　）" in single.stem


def test_distractors_come_first_from_the_document_same_unit():
    """The document's other thresholds of the same unit are the first distractors."""
    others = [f.quantity for f in drafting.find_clauses("每批调整不得超过12次。任期内不超过3次。")]
    single = drafts_of("讨论决定干部任免每年不得超过5次。", others)["single"]
    assert "12" in single.options and "3" in single.options


def test_a_percent_choice_carries_the_percent_sign_in_its_options():
    """For N% the options read 40%, 50%…, and the stem has no stray %."""
    single = drafts_of("得票率在50%以上的，方可列为考察对象。")["single"]
    assert all(option.endswith("%") for option in single.options)
    assert "（　）以上" in single.stem


def test_every_draft_cites_the_article_and_quotes_the_clause():
    """Stems name the article; the explanation quotes the whole sentence."""
    for draft in drafts_of("工作交接一般应在7个工作日内办结。").values():
        assert draft.stem.startswith("根据《办法》第五条")
        assert draft.explanation == "《办法》第五条规定：“工作交接一般应在7个工作日内办结。”"
        assert draft.fact == "7个工作日"


def test_draft_keys_are_stable_and_distinct():
    """The same clause gives the same keys each time; three kinds, three keys."""
    first = [d.key for d in drafts_of("每年不得超过5次。").values()]
    again = [d.key for d in drafts_of("每年不得超过5次。").values()]
    assert first == again and len(set(first)) == 3


def test_fact_keys_read_any_number_style():
    """五次 in a stem and 5次 in a clause are the same fact."""
    assert "5次" in drafting.fact_keys("每年讨论决定干部任免不得超过五次")
    assert "2/3" in drafting.fact_keys("到会常委须达到三分之二")


def test_the_changed_number_is_not_one_the_clause_already_states():
    """达到70%、低于80% never becomes 达到80%、低于80%."""
    text = "满意率之和达到70%、低于80%的，限期整改。"
    first = drafting.find_clauses(text)[0]
    tf = drafting.make_drafts(first, citation="《意见》第二项")[1]
    assert tf.kind == "truefalse" and "达到80%、低于80%" not in tf.stem


def test_a_changed_percent_never_reaches_100():
    """90%以上 is never changed into the impossible 100%以上."""
    assert all(v < 100 for v in drafting.near_values(only("满意率达到90%以上。").quantity))


def test_clauses_that_differ_only_by_their_number_are_flagged_ambiguous():
    """Two targets worded alike (the years masked) make their drafts ambiguous, with a note."""
    text = "至××年底，满意率达到80%以上。至××年底，使满意率达到90%以上。交接应在7个工作日内办结。"
    findings = drafting.find_clauses(text)
    assert drafting.ambiguous(findings) == {0, 1}
    drafts = drafting.make_drafts(findings[0], citation="《意见》", unclear=True)
    assert all(d.note == drafting.AMBIGUOUS_NOTE for d in drafts)


def test_quotes_inside_the_quoted_sentence_become_single_quotes():
    """The explanation quotes the sentence in “”, its own quotes turn to ‘’ (in the clause too,
    so the review list still finds the clause in the explanation to highlight it)."""
    draft = drafts_of("“两年两提高”，即满意率达到80%以上。")["fill"]
    assert "规定：“‘两年两提高’" in draft.explanation and draft.quote in draft.explanation
