"""Each theme source finds its kind of theme, and every theme it reports holds for its words
by the source's own check."""

from __future__ import annotations

import pytest
from textseq_plugins.odd_one_out.connections import (
    letter_themes,
    phrase_themes,
    sound_themes,
    wordnet_themes,
)
from textseq_plugins.odd_one_out.connections.wordplay import (
    anagrams_of,
    hidden_words,
    minus_one_letter,
    rhyme_key,
)

# a board made for these tests (not a published one): fruit, ___ ball, letters, palindromes
BOARD = ["apple", "banana", "cherry", "mango", "foot", "basket", "snow", "base",
         "bee", "sea", "tea", "why", "level", "kayak", "radar", "civic"]
SOURCES = (wordnet_themes, phrase_themes, sound_themes, letter_themes)


def _members(theme) -> set[str]:
    return {BOARD[i] for i in theme.members}


def test_wordnet_finds_the_fruit(tables):
    themes = wordnet_themes.find(BOARD, tables)
    fruit = [t for t in themes if "fruit" in t.name and _members(t) >= set(BOARD[:4])]
    assert fruit and all(t.kind == "category" for t in fruit)


def test_phrases_find_the_ball_compounds(tables):
    themes = phrase_themes.find(BOARD, tables)
    ball = [t for t in themes if t.name == "___ ball"]
    assert ball and _members(ball[0]) >= {"foot", "basket", "snow", "base"}  # tea ball too


def test_sounds_find_the_letter_homophones(tables):
    themes = sound_themes.find(BOARD, tables)
    letters = [t for t in themes if t.name == "sounds like a letter"]
    assert letters and _members(letters[0]) >= {"bee", "sea", "tea", "why"}
    assert sound_themes.says("knows", "letter", tables) is None
    assert sound_themes.says("won", "number", tables) == "one"


def test_letters_find_the_palindromes(tables):
    themes = letter_themes.find(BOARD, tables)
    pal = [t for t in themes if t.name == "palindromes"]
    assert pal and _members(pal[0]) == {"level", "kayak", "radar", "civic"}


def test_wordplay_transformations():
    known = {"cat", "thing", "pear", "earl", "scat", "tea"}
    assert "cat" in hidden_words("scatter", known) and "scatter" not in hidden_words(
        "scatter", known | {"scatter"})
    assert anagrams_of("night", {"ghint": ["night", "thing"]}.get) == {"thing"}
    assert minus_one_letter("pearl", known) == {"pear", "earl"}
    assert rhyme_key("S T EY1 SH AH0 N") == "EY1 SH AH0 N"


def test_a_bad_board_word_is_placed_in_no_theme(tables):
    board = ["!!!"] + BOARD[1:]
    for source in SOURCES:
        assert all(0 not in t.members for t in source.find(board, tables))


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.SOURCE)
def test_every_theme_holds_for_its_words_by_its_source(source, tables):
    for theme in source.find(BOARD, tables):
        for i in theme.members:
            assert source.holds(theme, BOARD[i], tables), (theme.name, BOARD[i])
