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
