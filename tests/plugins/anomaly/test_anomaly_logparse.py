"""The Drain re-implementation: templates, wildcards, sessions, accuracy on loghub HDFS."""

from __future__ import annotations

import csv

from textseq_plugins.anomaly.logparse import (
    DrainParser,
    grouping_accuracy,
    header_regex,
    parse_log,
)


def test_lines_differing_in_variables_share_one_template():
    parser = DrainParser()
    a = parser.add("Received block blk_1 of size 67108864 from /10.0.0.1")
    b = parser.add("Received block blk_2 of size 3 from /10.0.0.2")
    c = parser.add("Deleting block blk_3 file /mnt/x")
    assert a is b and a is not c
    assert a.text == "Received block <*> of size <*> from /<*>"
    assert (a.count, c.count) == (2, 1)


def test_different_lengths_never_merge():
    parser = DrainParser()
    assert parser.add("a b c") is not parser.add("a b c d")


def test_header_regex_splits_the_hdfs_header():
    m = header_regex("<Date> <Time> <Pid> <Level> <Component>: <Content>").match(
        "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 x")
    assert m and m.group("Component") == "dfs.DataNode$PacketResponder"
    assert m.group("Content") == "PacketResponder 1 x"


def test_grouping_accuracy_counts_split_groups_as_wrong():
    assert grouping_accuracy(["A", "A", "B"], ["x", "x", "y"]) == 1.0
    assert grouping_accuracy(["A", "C", "B"], ["x", "x", "y"]) == 1 / 3


def test_matches_loghub_structured_file_on_hdfs_2k(shared_data):
    folder = shared_data / "sequences" / "loghub_hdfs"
    lines = (folder / "HDFS_2k.log").read_text().splitlines()
    with open(folder / "HDFS_2k.log_structured.csv", newline="") as fh:
        truth = [row["EventId"] for row in csv.DictReader(fh)]
    parsed = parse_log(lines)
    assert parsed.unmatched == []
    assert grouping_accuracy(parsed.events, truth) >= 0.99  # Drain published: 0.998
    # Every session key is a block id and every line names at least one block.
    assert all(k.startswith("blk_") for k in parsed.sessions)
    assert sum(map(len, parsed.sessions.values())) >= len(lines)


def _deeplog_keys():
    from pathlib import Path

    import textseq_plugins.anomaly as pkg
    from textseq_plugins.anomaly.logparse import KeyTemplates

    path = Path(pkg.__file__).parent / "deeplog_hdfs_templates.json"
    return KeyTemplates.from_json(path.read_text())


def test_key_templates_prefer_the_most_specific_match():
    keys = _deeplog_keys()
    assert keys.key_of("Received block blk_1 of size 67108864 from /10.0.0.1") == "9"
    assert keys.key_of("Received block blk_1 src: /10.0.0.1:5 dest: /10.0.0.2:5 of size 3") == "6"
    assert keys.key_of("PacketResponder 1 for block blk_1 terminating") == "11"
    assert keys.key_of("BLOCK* ask 10.0.0.1:50010 to delete  blk_1 blk_2") == ""  # left out
    assert keys.key_of("something else entirely") is None


def test_parse_log_with_keys_uses_their_ids_and_marks_new_events():
    from textseq_plugins.anomaly.logparse import KeyTemplates

    keys = KeyTemplates({"7": "open <*>", "8": "close <*>"}, ignore=["noise <*>"])
    parsed = parse_log(["open blk_1", "noise blk_1", "weird thing blk_1", "close blk_1"],
                       log_format="<Content>", keys=keys)
    assert parsed.sessions == {"blk_1": ["7", "new-E3", "8"]}
    assert KeyTemplates.from_json(keys.to_json()) == keys


def test_raw_hdfs_lines_map_onto_deeplog_keys_as_loghub_labels_them(shared_data):
    folder = shared_data / "sequences" / "loghub_hdfs"
    lines = (folder / "HDFS_2k.log").read_text().splitlines()
    with open(folder / "HDFS_2k.log_structured.csv", newline="") as fh:
        truth = [row["EventId"] for row in csv.DictReader(fh)]
    with open(folder / "HDFS_2k.log_templates.csv", newline="") as fh:
        text = {row["EventId"]: row["EventTemplate"] for row in csv.DictReader(fh)}
    parsed = parse_log(lines, keys=_deeplog_keys())
    # Every loghub event group maps onto exactly one DeepLog key, and no line is left unknown.
    assert grouping_accuracy(parsed.events, truth) == 1.0
    key = {text[t]: k for t, k in zip(truth, parsed.events, strict=True)}
    assert key["Receiving block blk_<*> src: /<*>:<*> dest: /<*>:<*>"] == "5"
    assert key["BLOCK* NameSystem.allocateBlock: /<*>/part-<*>. blk_<*>"] == "22"
    assert key["BLOCK* ask <*>:<*> to delete  blk_<*>"] is None  # no DeepLog key: left out
    assert not any(e.startswith("new-") for s in parsed.sessions.values() for e in s)
