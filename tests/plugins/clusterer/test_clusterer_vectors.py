"""Loading vectors: GloVe slices, user files, and clear messages for bad input."""

from __future__ import annotations

import numpy as np
import pytest
from textseq_plugins.clusterer.vectors import (
    load_glove_vocab,
    load_glove_words,
    load_vectors_file,
    read_word_list,
    restrict,
)

from textseq_tui.plugin import BadInput


def write_text(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_glove_vocab_is_the_most_frequent_words_in_order(glove):
    data = load_glove_vocab(glove, 50)
    assert data.words[:3] == ["the", ",", "."]
    assert data.matrix.shape == (50, 50) and data.matrix.dtype == np.float32
    with pytest.raises(BadInput, match="only 400,000"):
        load_glove_vocab(glove, 400_001)
    with pytest.raises(BadInput, match="at least 2"):
        load_glove_vocab(glove, 1)


def test_glove_words_lists_missing_words_and_falls_back_to_lower_case(glove):
    data = load_glove_words(glove, ["Paris", "london", "qwzxvvq"])
    assert data.words == ["Paris", "london"]
    assert data.missing == ["qwzxvvq"]
    np.testing.assert_array_equal(data.matrix[0], load_glove_words(glove, ["paris"]).matrix[0])


def test_word_list_reports_duplicates_with_line_numbers():
    words, problems = read_word_list([(1, "cat"), (2, ""), (3, "dog"), (4, " cat ")])
    assert words == ["cat", "dog"]
    assert problems == ["line 4: 'cat' repeats line 1"]


def test_word2vec_text_with_header_loads(tmp_path):
    path = write_text(tmp_path / "v.txt", ["3 2", "a 1 0", "b 0 1", "c 1 1"])
    data = load_vectors_file(path)
    assert data.words == ["a", "b", "c"] and data.matrix.shape == (3, 2)
    sub = restrict(data, ["c", "zz", "a"])
    assert sub.words == ["c", "a"] and sub.missing == ["zz"]
    np.testing.assert_array_equal(sub.matrix, [[1, 1], [1, 0]])


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["a 1 0", "b 0 1 5", "c 1 1"], r"line 2 \('b'\) has 3 values, expected 2"),
        (["a 1 0", "a 0 1"], "duplicate words: 'a' \\(rows 1 and 2\\)"),
        (["a 1 0", "b nan 1"], "NaN or infinite values: 'b'"),
        (["a 1 0", "b 0 0"], "all-zero vectors: 'b'"),
        (["a 1 0"], "at least 2 words"),
        (["a 1 x", "b 1 1"], "not a number"),
        ([""], "no vectors found"),
    ],
)
def test_bad_text_vectors_get_a_clear_message(tmp_path, lines, message):
    path = write_text(tmp_path / "bad.txt", lines)
    with pytest.raises(BadInput, match=message):
        load_vectors_file(path)


def test_npy_with_words_file(tmp_path):
    np.save(tmp_path / "m.npy", np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float64))
    write_text(tmp_path / "m.words", ["x", "y", "z"])
    data = load_vectors_file(tmp_path / "m.npy")  # finds m.words beside it
    assert data.words == ["x", "y", "z"] and data.matrix.dtype == np.float32


def test_npy_problems_are_named(tmp_path):
    np.save(tmp_path / "m.npy", np.ones((3, 2), dtype=np.float32))
    with pytest.raises(BadInput, match="needs its words"):
        load_vectors_file(tmp_path / "m.npy")
    write_text(tmp_path / "w.txt", ["x", "y"])
    with pytest.raises(BadInput, match="3 vectors but 2 words"):
        load_vectors_file(tmp_path / "m.npy", tmp_path / "w.txt")
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object))
    with pytest.raises(BadInput, match="not a plain numeric"):
        load_vectors_file(tmp_path / "obj.npy", tmp_path / "w.txt")
    np.save(tmp_path / "flat.npy", np.ones(3, dtype=np.float32))
    with pytest.raises(BadInput, match="2-D"):
        load_vectors_file(tmp_path / "flat.npy", tmp_path / "w.txt")
    with pytest.raises(BadInput, match="no such vectors file"):
        load_vectors_file(tmp_path / "absent.npy")
