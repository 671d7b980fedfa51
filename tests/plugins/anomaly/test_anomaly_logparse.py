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
