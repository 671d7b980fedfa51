"""Boards and answer keys: parsing, the bad-input messages, the game's feedback."""

from __future__ import annotations

import pytest
from textseq_plugins.odd_one_out.connections.board import AnswerKey, check_board, parse_line

from textseq_tui.plugin import BadInput

WORDS = ("apple pear plum fig | red blue green pink | oak elm ash yew | "
         "one two three four").replace("|", "").split()


def test_a_board_line_is_sixteen_comma_separated_items_kept_as_written():
    items = parse_line(" New York , Paris," + ",".join(WORDS[2:]))
    assert items[:2] == ["New York", "Paris"] and len(items) == 16


@pytest.mark.parametrize("line, message", [
    (",".join(["dog"] * 16), "'dog' appears 16 times"),
    (",".join(WORDS[:15]), "has 15"),
    (",".join(WORDS[:15]) + ", ", "empty"),
    ('{"groups": [["a","b","c","d"]]}', "answer key"),
    ("{not json", "not JSON"),
])
def test_bad_boards_get_one_line_that_says_what_is_wrong(line, message):
    with pytest.raises(BadInput) as err:
        parse_line(line)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_an_answer_key_gives_the_games_feedback():
    key = parse_line('{"groups": [["apple","pear","plum","fig"], ["red","blue","green","pink"],'
                     ' ["oak","elm","ash","yew"], ["one","two","three","four"]]}')
    assert isinstance(key, AnswerKey) and len(key.items) == 16
    assert key.feedback(("fig", "plum", "PEAR", "apple")) == "correct"
    assert key.feedback(("fig", "plum", "pear", "red")) == "one away"
    assert key.feedback(("fig", "plum", "red", "blue")) == "wrong"
    assert check_board(WORDS) == WORDS
