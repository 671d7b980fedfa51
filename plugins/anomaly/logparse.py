"""Raw log lines -> templates -> event-id sequences grouped by a session key.

A small, dependency-free implementation of Drain (He et al., "Drain: An Online Log Parsing
Approach with Fixed Depth Tree", ICWS 2017), the parser the loghub benchmark ranks first
on HDFS. We write our own (about 100 lines) instead of depending on the ``drain3`` package:
that one persists its state with jsonpickle (unpickling), has had no release since 2022,
and we need only the in-memory parser.

How Drain assigns a line to a template:

1. Mask variables with regexes (block ids, IP:port, hex, numbers) so they cannot split
   templates, then split the content on whitespace.
2. Walk a fixed-depth tree: first by the number of tokens, then by the first
   ``depth - 2`` tokens (a token with a digit goes to the wildcard child ``<*>``; a node
   with ``max_children`` children sends new tokens to ``<*>`` too).
3. In the leaf, take the template with the most equal tokens (wildcards do not count);
   if that share is at least ``similarity`` the line joins it and every position where
   they differ becomes ``<*>``; otherwise the line starts a new template.

Event ids are ``E1``, ``E2``, ... in order of first appearance. A parser has a cap on
templates (``max_templates``): once it is reached, a line that fits no template gets the
event id ``E*`` ("some other event") and the tree stops growing, so an endless stream of
novel lines (``parse-logs --follow``) keeps bounded memory.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

WILDCARD = "<*>"

#: The HDFS header (loghub's log_format "<Date> <Time> <Pid> <Level> <Component>: <Content>").
HDFS_FORMAT = "<Date> <Time> <Pid> <Level> <Component>: <Content>"
#: Variables masked before parsing (loghub's Drain settings for HDFS, plus hex and numbers).
DEFAULT_MASKS = (r"blk_-?\d+", r"(\d+\.){3}\d+(:\d+)?", r"0x[0-9a-fA-F]+")
#: HDFS sessions are blocks.
HDFS_SESSION = r"blk_-?\d+"
#: Templates one parser keeps at most (loghub's 16 data sets have 6 to 341 each;
#: 10,000 hold about 15 MB). Past it a line fitting none gets ``OVERFLOW_EVENT``.
MAX_TEMPLATES = 10_000
#: ``parse-logs --follow``: sessions open at once at most, and events held by all open
#: sessions together (past either, the least recently active session closes early: about
#: 25 MB at most); events one session collects before it is handed over (its key goes on).
MAX_OPEN_SESSIONS = 20_000
MAX_HELD_EVENTS = 1_000_000
MAX_SESSION_EVENTS = 100_000
#: ``follow_lines``: a longer line is cut here (the rest of it is skipped).
MAX_LINE_BYTES = 1 << 20
#: The event id of a line that fits no template once ``max_templates`` is reached.
OVERFLOW_EVENT = "E*"


def header_regex(log_format: str) -> re.Pattern[str]:
    """A regex with one named group per ``<Field>`` of a loghub-style ``log_format``."""
    parts = re.split(r"(<[^<>]+>)", log_format)
    pattern = ""
    for part in parts:
        if part.startswith("<") and part.endswith(">"):
            name = part[1:-1]
            pattern += f"(?P<{name}>.*?)" if name != "Content" else f"(?P<{name}>.*)"
        else:
            pattern += r"\s+".join(re.escape(word) for word in part.split(" "))
    return re.compile("^" + pattern + "$")


@dataclass
class Template:
    """A log template: tokens with ``<*>`` wildcards, its event id and how many lines."""

    event_id: str
    tokens: list[str]
    count: int = 0

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


@dataclass
class DrainParser:
    """Drain with depth ``depth`` (>= 3), similarity threshold ``similarity`` (0..1)."""

    depth: int = 4
    similarity: float = 0.5
    max_children: int = 100
    masks: tuple[str, ...] = DEFAULT_MASKS
    templates: list[Template] = field(default_factory=list)
    max_templates: int = MAX_TEMPLATES

    def __post_init__(self) -> None:
        self._tree: dict = {}
        self._masks = [re.compile(m) for m in self.masks]
        #: the lines that fit no template once the cap was reached (all under ``E*``)
        self.overflow = Template(OVERFLOW_EVENT, [WILDCARD])

    @property
    def full(self) -> bool:
        """True once ``max_templates`` templates exist: new shapes go to ``E*``."""
        return len(self.templates) >= self.max_templates

    def tokenize(self, content: str) -> list[str]:
        """Content with variables masked, split on whitespace."""
        for mask in self._masks:
            content = mask.sub(WILDCARD, content)
        return content.split()

    def add(self, content: str) -> Template:
        """Parse one message (the content part of a line); returns its template."""
        tokens = self.tokenize(content)
        full = self.full
        leaf = self._leaf(tokens, grow=not full)
        best, best_sim = None, -1.0
        # A masked token of the line matches nothing (a wildcard of a template never counts):
        # C-speed comparisons, as a leaf can hold thousands of templates on novel input.
        probe = [None if t == WILDCARD else t for t in tokens]
        for template in leaf:
            same = sum(map(operator.eq, template.tokens, probe))
            sim = same / max(len(tokens), 1)
            if sim > best_sim:
                best, best_sim = template, sim
        if (best is None or best_sim < self.similarity) and full:
            self.overflow.count += 1
            return self.overflow
        if best is None or best_sim < self.similarity:
            best = Template(f"E{len(self.templates) + 1}", tokens)
            self.templates.append(best)
            leaf.append(best)
        else:
            best.tokens = [a if a == b else WILDCARD
                           for a, b in zip(best.tokens, tokens, strict=True)]
        best.count += 1
        return best

    def _leaf(self, tokens: list[str], grow: bool = True) -> list[Template]:
        """The leaf's templates; with ``grow=False`` a missing path is not made (``[]``)."""
        node = self._tree.get(len(tokens)) if not grow else self._tree.setdefault(len(tokens), {})
        for token in tokens[: self.depth - 2]:
            if node is None:
                return []
            key = WILDCARD if any(ch.isdigit() for ch in token) else token
            if key not in node and len(node) >= self.max_children:
                key = WILDCARD
            node = node.get(key) if not grow else node.setdefault(key, {})
        if node is None:
            return []
        return node.get(None, []) if not grow else node.setdefault(None, [])


@dataclass
class ParsedLog:
    """The result of :func:`parse_log`: per line its event id (None when the header did
    not match), sessions in order of first appearance, templates and unmatched lines."""

    events: list[str | None]
    sessions: dict[str, list[str]]
    templates: list[Template]
    unmatched: list[int]


def parse_log(lines: Iterable[str], *, log_format: str = HDFS_FORMAT,
              session_regex: str = HDFS_SESSION, parser: DrainParser | None = None,
              keys: KeyTemplates | None = None) -> ParsedLog:
    """Parse raw log lines into event ids and group them into sessions.

    A line whose header does not match ``log_format`` is parsed whole as content and
    reported in ``unmatched`` (1-based line numbers). A line naming several session keys
    (an HDFS "delete" names several blocks) joins each of their sessions once.
    With ``keys`` (a model's stored templates), a line matching one of them gets that
    template's event id, so logs parsed later share the ids a model was trained on; a line
    matching none keeps its Drain id prefixed ``new-`` (the model reads it as unseen).
    """
    parser = parser or DrainParser()
    header = header_regex(log_format)
    session_re = re.compile(session_regex)
    events: list[str | None] = []
    sessions: dict[str, list[str]] = {}
    unmatched = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if not line.strip():
            events.append(None)
            continue
        match = header.match(line)
        if match is None:
            unmatched.append(number)
            content = line
        else:
            content = match.group("Content")
        template = parser.add(content)
        event = template.event_id
        if keys is not None:
            known = keys.key_of(content)
            event = f"new-{event}" if known is None else known
        events.append(event or None)
        if not event:
            continue  # a line the model's key set leaves out
        for key in dict.fromkeys(session_re.findall(line)):
            sessions.setdefault(key, []).append(event)
    return ParsedLog(events, sessions, parser.templates, unmatched)


def template_regex(template: str) -> re.Pattern[str]:
    """A regex matching the messages of a template: ``<*>`` stands for any text (also none),
    a space for any run of whitespace."""
    parts = [r"\s+".join(re.escape(w) for w in lit.split(" ")) for lit in template.split(WILDCARD)]
    return re.compile(".*?".join(parts), re.DOTALL)


@dataclass
class KeyTemplates:
    """Event ids and their templates (``<*>`` wildcards), stored beside a model
    (``templates.json``) so raw logs parsed later map onto the event ids it was trained on.

    :meth:`key_of` gives a message the id of the matching template with the most literal
    text (the most specific: "Received block <*> src: <*> dest: <*> of size <*>" before
    "Received block <*> of size <*> from <*>"), or None. A message matching one of
    ``ignore`` gets ``""``: it is left out of sessions (DeepLog's HDFS key set has no event for
    "BLOCK* ask <*> to delete <*>", a NameNode line naming many blocks at once).
    """

    templates: dict[str, str]
    ignore: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        rules = [*self.templates.items(), *(("", t) for t in self.ignore)]
        order = sorted(rules, key=lambda kv: -len(kv[1].replace(WILDCARD, "")))
        self._compiled = [(key, template_regex(t)) for key, t in order]
        self._cache: dict[str, str | None] = {}

    def key_of(self, content: str) -> str | None:
        content = content.strip()
        if content in self._cache:
            return self._cache[content]
        found = next((k for k, rx in self._compiled if rx.fullmatch(content)), None)
        if len(self._cache) < 100_000:
            self._cache[content] = found
        return found

    @classmethod
    def from_parsed(cls, templates: Iterable[Template]) -> KeyTemplates:
        """The templates a Drain run found, under their Drain event ids."""
        return cls({t.event_id: t.text for t in templates})

    def to_json(self) -> str:
        import json

        return json.dumps({"templates": [{"event": k, "template": t}
                                         for k, t in self.templates.items()],
                           "ignore": self.ignore}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> KeyTemplates:
        import json

        from textseq_tui.plugin import BadInput

        try:
            rows = json.loads(text)["templates"]
            return cls({str(r["event"]): str(r["template"]) for r in rows},
                       [str(t) for t in json.loads(text).get("ignore", [])])
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise BadInput(f"not a templates file ({err}); write one with "
                           "`textseq anomaly parse-logs LOG --save-templates FILE`") from None


def grouping_accuracy(predicted: list[str | None], truth: list[str]) -> float:
    """loghub's parsing accuracy: the share of lines whose predicted group holds exactly the
    same lines as their true group (a template split or merged counts all its lines wrong)."""
    from collections import defaultdict

    pred_groups: dict[str | None, set[int]] = defaultdict(set)
    true_groups: dict[str, set[int]] = defaultdict(set)
    for i, (p, t) in enumerate(zip(predicted, truth, strict=True)):
        pred_groups[p].add(i)
        true_groups[t].add(i)
    correct = sum(len(lines) for t, lines in true_groups.items()
                  if pred_groups[predicted[next(iter(lines))]] == lines)
    return correct / max(len(truth), 1)


class SessionFollower:
    """Sessions of a growing log, each handed over once it is closed (``parse-logs --follow``).

    The rule: a session is closed when ``idle_lines`` further log lines have arrived without
    one of its events, or when ``idle_seconds`` of wall time have passed since its last event
    (checked by :meth:`tick` while waiting for more lines); whatever is still open when the
    input ends (or on Ctrl+C) is closed then. Event ids are those of one Drain parser for the
    whole stream, so they are stable from the first line on.

    Memory is bounded whatever the stream: at most ``max_sessions`` sessions are open and
    ``max_held`` events held by them all (past either, the least recently active session
    is closed early, counted in ``closed_early``), a session is handed over once it holds
    ``max_events`` events (its key then starts a new session, counted in ``split``), and
    the parser keeps at most ``parser.max_templates`` templates (then ``E*``).
    ``notices()`` says once when each cap is first reached.
    """

    def __init__(self, *, log_format: str = HDFS_FORMAT, session_regex: str = HDFS_SESSION,
                 parser: DrainParser | None = None, idle_lines: int = 10_000,
                 idle_seconds: float = 60.0, clock: Any = None,
                 max_sessions: int = MAX_OPEN_SESSIONS, max_held: int = MAX_HELD_EVENTS,
                 max_events: int = MAX_SESSION_EVENTS) -> None:
        import time
        from collections import OrderedDict

        self.parser = parser or DrainParser()
        self.header = header_regex(log_format)
        self.session_re = re.compile(session_regex)
        self.idle_lines = idle_lines
        self.idle_seconds = idle_seconds
        self.clock = clock or time.monotonic
        self.number = 0
        self.unmatched = 0
        self.max_sessions = max_sessions
        self.max_events = max_events
        self.max_held = max_held
        self.held = 0  # events held by the open sessions
        self.closed_early = 0  # sessions closed because max_sessions were open
        self.split = 0  # sessions handed over at max_events, their key going on
        self._told: set[str] = set()
        # key -> (events, last line number, last time), least recently active first
        self._open: OrderedDict[str, tuple[list[str], int, float]] = OrderedDict()

    def feed(self, line: str) -> list[tuple[str, list[str]]]:
        """Parse one raw line; returns the sessions it closed (by the line rule)."""
        self.number += 1
        line = line.rstrip("\r\n")
        if line.strip():
            match = self.header.match(line)
            if match is None:
                self.unmatched += 1
            content = line if match is None else match.group("Content")
            event = self.parser.add(content).event_id
            now = self.clock()
            capped: list[tuple[str, list[str]]] = []
            for key in dict.fromkeys(self.session_re.findall(line)):
                events = self._open.pop(key, ([], 0, 0.0))[0]
                events.append(event)
                self.held += 1
                if len(events) >= self.max_events:
                    self.split += 1
                    self.held -= len(events)
                    capped.append((key, events))
                    continue
                self._open[key] = (events, self.number, now)
            while self._open and (len(self._open) > self.max_sessions
                                  or self.held > self.max_held):
                self.closed_early += 1
                key, (events, _, _) = self._open.popitem(last=False)
                self.held -= len(events)
                capped.append((key, events))
            if capped:
                return capped + self._close(
                    lambda last_line, _t: self.number - last_line >= self.idle_lines)
        return self._close(lambda last_line, _t: self.number - last_line >= self.idle_lines)

    def notices(self) -> list[str]:
        """One line for each cap reached since the last call (each said once)."""
        said = []
        caps = {
            "templates": (self.parser.full,
                          f"{self.parser.max_templates:,} templates (the cap): lines that fit "
                          f"none are event {OVERFLOW_EVENT} from now on"),
            "sessions": (self.closed_early > 0,
                         f"{self.max_sessions:,} open sessions or {self.max_held:,} events "
                         "held (the cap): the least recently active session is closed early"),
            "events": (self.split > 0,
                       f"a session reached {self.max_events:,} events (the cap): it is printed "
                       "and its key starts a new session"),
        }
        for name, (reached, text) in caps.items():
            if reached and name not in self._told:
                self._told.add(name)
                said.append(text)
        return said

    def summary(self) -> str:
        """What the caps did, in one line ("" when none was reached)."""
        parts = []
        if self.parser.overflow.count:
            parts.append(f"{self.parser.overflow.count:,} line(s) got event {OVERFLOW_EVENT} "
                         f"(past {self.parser.max_templates:,} templates)")
        if self.closed_early:
            parts.append(f"{self.closed_early:,} session(s) closed early (over "
                         f"{self.max_sessions:,} open or {self.max_held:,} events held)")
        if self.split:
            parts.append(f"{self.split:,} session(s) split at {self.max_events:,} events")
        return "; ".join(parts)

    def tick(self) -> list[tuple[str, list[str]]]:
        """The sessions idle for ``idle_seconds`` (call it while waiting for lines)."""
        now = self.clock()
        return self._close(lambda _n, last_time: now - last_time >= self.idle_seconds)

    def close_all(self) -> list[tuple[str, list[str]]]:
        """Every session still open, least recently active first."""
        return self._close(lambda _n, _t: True)

    def _close(self, idle: Any) -> list[tuple[str, list[str]]]:
        closed = []
        while self._open:
            key, (events, last_line, last_time) = next(iter(self._open.items()))
            if not idle(last_line, last_time):
                break
            del self._open[key]
            self.held -= len(events)
            closed.append((key, events))
        return closed


def follow_lines(source: str, poll: float = 0.2, stop: Any = None,
                 max_line: int = MAX_LINE_BYTES) -> Iterable[str | None]:
    """Lines of a file as it grows (``tail -f``), or of stdin, a pipe or a FIFO until it
    ends (every writer closed it); ``None`` each time ``poll`` seconds pass without a new
    line (so a caller can close idle sessions).

    A regular file is read from its start and followed until ``stop()`` is true (default:
    never; Ctrl+C ends it). A partial last line waits for its newline; a line longer than
    ``max_line`` bytes is cut there (the rest of it is skipped), so memory stays bounded.
    """
    import os
    import select
    import stat
    import sys
    import time

    if source == "-":
        fd, close = sys.stdin.fileno(), False
    else:
        fd, close = os.open(source, os.O_RDONLY), True  # a FIFO: waits for a writer
    is_file = stat.S_ISREG(os.fstat(fd).st_mode)
    pending = b""
    skipping = False  # inside the rest of an over-long line
    try:
        while True:
            if not is_file:
                ready, _, _ = select.select([fd], [], [], poll)
                if not ready:
                    yield None
                    continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                if not is_file:
                    break
                if stop is not None and stop():
                    break
                time.sleep(poll)
                yield None
                continue
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if skipping:
                    skipping = False
                    continue
                yield line[:max_line].decode("utf-8", errors="replace")
            if len(pending) > max_line:
                if not skipping:
                    yield pending[:max_line].decode("utf-8", errors="replace")
                pending, skipping = b"", True
        if pending and not skipping:
            yield pending.decode("utf-8", errors="replace")
    finally:
        if close:
            os.close(fd)
