"""Search snippets highlight the searched words wherever the snippet starts, also when it starts
mid-sentence with "…" (a character NFKC folds into three)."""

from content.search.snippets import excerpt, mark


def test_a_snippet_that_starts_mid_sentence_is_highlighted():
    """The window around a word far into the text starts with … and marks the word."""
    text = "甲" * 200 + "县委书记离任检查" + "乙" * 50
    snippet = str(excerpt(text, ["县委书记", "离任"]))
    assert snippet.startswith("…") and "<mark>县委书记</mark>" in snippet
    assert "<mark>离任</mark>" in snippet


def test_marks_land_on_the_original_characters_around_folded_ones():
    """Full-width letters and … fold to more or other characters; the marks still fit."""
    assert str(mark("…会上ＡＢＣ与县委书记", ["abc", "县委书记"])) == (
        "…会上<mark>ＡＢＣ</mark>与<mark>县委书记</mark>"
    )


def test_marked_text_is_escaped():
    """Markup in the text is shown as text, not run."""
    assert str(mark("<b>县委</b>", ["县委"])) == "&lt;b&gt;<mark>县委</mark>&lt;/b&gt;"
