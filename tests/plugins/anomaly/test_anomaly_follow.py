"""``anomaly parse-logs --follow``: sessions of a growing log printed as they close."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys

from textseq_plugins.anomaly.logparse import SessionFollower


def test_sessions_close_after_idle_lines_or_idle_time() -> None:
    now = [0.0]
    follower = SessionFollower(log_format="<Content>", session_regex=r"s\d+", idle_lines=3,
                               idle_seconds=10, clock=lambda: now[0])
    closed = []
    for line in ["open s1", "read s1", "open s2", "noise", "read s2"]:
        closed += follower.feed(line)
    assert [k for k, _ in closed] == ["s1"]  # 3 lines after its last event
    assert closed[0][1] == ["E1", "E2"]
    now[0] = 10.0
    assert [k for k, _ in follower.tick()] == ["s2"]
    assert follower.close_all() == []


def test_follow_prints_a_closed_session_before_the_input_ends(home) -> None:
    env = {**os.environ, "TEXTSEQ_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "textseq_tui", "anomaly", "parse-logs", "-", "--follow",
         "--idle-lines", "2", "--format", "<Content>", "--session", r"s\d+", "--json"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    try:
        proc.stdin.write(b"open s1\nread s1\nopen s2\nread s2\n")
        proc.stdin.flush()
        assert selector.select(timeout=60), "no session within 60 s"
        assert json.loads(proc.stdout.readline()) == {"session": "s1", "events": ["E1", "E2"]}
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0, proc.stderr.read().decode()
        assert json.loads(proc.stdout.read()) == {"session": "s2", "events": ["E1", "E2"]}
    finally:
        proc.kill()
        proc.wait()


def test_the_follower_keeps_bounded_memory_on_endless_novel_input_and_says_so() -> None:
    # issue 31: 13.8k templates and +21 MB in 48 s of novel lines, growing without limit
    from textseq_plugins.anomaly.logparse import OVERFLOW_EVENT, DrainParser

    follower = SessionFollower(log_format="<Content>", session_regex=r"#\d+",
                               parser=DrainParser(max_templates=20), idle_lines=10_000,
                               max_sessions=30, max_held=100, max_events=8)
    closed = []
    for i in range(400):  # every line a new shape and a new session; s0 in every line
        words = " ".join("".join(chr(97 + (i * 7 + k * 3 + j * i) % 26) for j in range(4))
                         for k in range(i % 5 + 2))
        closed += follower.feed(f"{words} #{i + 1} #0")
    assert len(follower.parser.templates) == 20
    assert follower.parser.overflow.count > 0
    assert any(OVERFLOW_EVENT in events for _, events in closed)
    assert len(follower._open) <= 30 and follower.held <= 100
    assert follower.closed_early > 0 and follower.split > 0
    assert all(len(events) <= 8 for _, events in closed)
    assert [k for k, e in closed if k == "#0" and len(e) == 8]  # #0 handed over at 8 events
    notices = follower.notices()
    assert len(notices) == 3 and follower.notices() == []  # each cap said once
    assert "templates (the cap)" in notices[0] and "E*" in notices[0]
    rest = follower.close_all()
    # every event went out exactly once: no line lost at any cap
    assert sum(len(e) for _, e in closed + rest) == 400 * 2
    assert "closed early" in follower.summary() and "split" in follower.summary()


def test_follow_reads_a_fifo_and_reports_the_caps_on_stderr(home, tmp_path) -> None:
    fifo = tmp_path / "log.fifo"
    os.mkfifo(fifo)
    env = {**os.environ, "TEXTSEQ_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "textseq_tui", "anomaly", "parse-logs", str(fifo), "--follow",
         "--idle-lines", "2", "--format", "<Content>", "--session", r"s\d+", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        with open(fifo, "wb") as writer:  # opens once the reader has
            writer.write(b"open s1\nread s1\nopen s2\nread s2\n")
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err.decode()
    sessions = [json.loads(line) for line in out.decode().splitlines()]
    assert sessions == [{"session": "s1", "events": ["E1", "E2"]},
                        {"session": "s2", "events": ["E1", "E2"]}]
    assert b"no such file" not in err
