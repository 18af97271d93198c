"""Chinese segmentation shared by the search backends and highlighting."""

from content.search import segment


def test_tokenize_drops_stop_words_and_punctuation():
    """Function words and punctuation never become tokens."""
    assert segment.words("县委书记的离任检查，和任前公示。") == [
        "县委书记",
        "离任",
        "检查",
        "任前",
        "公示",
    ]


def test_tokenize_folds_full_width_and_case():
    """Full-width digits and letters fold to half-width lower case."""
    assert segment.words("１２３８０ ＷＥＢ Web") == ["12380", "web", "web"]


def test_token_offsets_point_at_the_word_in_the_normalized_text():
    """start/end slice each token's text out of the normalized input."""
    text = "监督举报电话１２３８０"
    normalized = segment.normalize(text)
    tokens = segment.tokenize(text)
    assert [normalized[t.start : t.end] for t in tokens] == [t.text for t in tokens]
    assert tokens[-1].text == "12380" and (tokens[-1].start, tokens[-1].end) == (6, 11)


def test_search_mode_adds_the_words_inside_a_long_word():
    """search_mode yields 县委 and 书记 besides 县委书记."""
    found = {t.text for t in segment.tokenize("县委书记", search_mode=True)}
    assert found == {"县委", "书记", "县委书记"}


def test_segmented_separates_words_with_spaces():
    """segmented() is the space-separated search-mode word list the database backend stores."""
    assert segment.segmented("有效监督县委书记") == "有效 监督 县委 书记 县委书记"


def test_index_tokens_number_whole_words_and_share_positions_with_sub_words():
    """Whole words get positions 0, 1, 2 …; sub-words take the position of their word."""
    pairs = [(p, t.text) for p, t in segment.index_tokens("监督县委书记的用人")]
    assert pairs == [(0, "监督"), (1, "县委书记"), (1, "县委"), (1, "书记"), (2, "用人")]


def test_query_parts_split_at_straight_full_width_and_curly_quotes():
    """Quoted parts of a query are phrases, whatever double quote was typed."""
    assert segment.query_parts('县委书记 "任前公示" “民主推荐” ＂票决制＂') == [
        ("县委书记", False),
        ("任前公示", True),
        ("民主推荐", True),
        ("票决制", True),
    ]


def test_highlight_terms_are_distinct_and_longest_first():
    """Highlighting gets each meaningful query word once, longest first, no single CJK char."""
    assert segment.highlight_terms('"县委书记" 离任 县委书记 的 党 12380') == [
        "12380",
        "县委书记",
        "离任",
    ]
