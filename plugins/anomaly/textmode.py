"""Text mode: the words of a text a person would call odd — a slip, a keyboard mash, a noun
that does not fit — and why.

The character model is the autocomplete plugin's, loaded through the shared registry
(``registry.load("char-rnn-english")``: the same cached instance the ghost text uses); its
word counts (``words.npz`` in the same registry directory) and wordfreq make the lexicon.
Shapes a model would find surprising but a person would not (URLs, @mentions, hashtags,
numbers, emoticons, names, acronyms, other alphabets) are never judged (``wordshape``); the
judged words get two scores (``wordscore``), nouns a third from the host's shared GloVe
vectors and WordNet (``outofplace``), and each is compared with a threshold chosen on
ordinary text of several kinds (``textcalib``, ``textmode_thresholds.json``).

``judge_text`` is what ``textseq anomaly text``, ``/anomaly text`` and the chat annotator
show. When the model is missing, text mode says so and how to get it; nothing else breaks.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from textseq_tui.plugin import Annotation, ModelError, Span

CHAR_MODEL = "char-rnn-english"
#: Its kind (the autocomplete plugin's ``ModelSpec``): another kind is refused in one line.
CHAR_MODEL_KIND = "char-rnn"
#: Only the first this many characters of a long text are judged (the rest is named in a
#: note): a chat message is far shorter, and 100 KB would keep the model busy for seconds.
MAX_CHARS = 2_000
#: What the label says for each reason (``textcalib.REASONS``).
LABELS = {"typo": "typo?", "unusual": "unusual:", "out of place": "out of place?"}
#: A word used in this many earlier messages of the chat is the user's own (see
#: ``PersonalWords``), never odd to them.
OWN_AFTER = 2
#: Marks named in a label; more are counted ("+2").
LABEL_MARKS = 2


def load_char_model(registry: Any, name: str = CHAR_MODEL) -> Any:
    """The shared character model, or ModelError saying how to get one."""
    try:
        model = registry.load(name, kind=CHAR_MODEL_KIND)
    except ModelError as err:
        raise ModelError(f"text mode needs the autocomplete character model {name!r}: {err} "
                         "(train one with `textseq autocomplete train --corpus FILE "
                         f"--name {name}`)") from None
    if not hasattr(model, "char_surprisals") or not hasattr(model, "step"):
        raise ModelError(f"model {name!r} has no char_surprisals()/step(); text mode needs "
                         "the autocomplete plugin's character model")
    return model


def reason_for(scores: dict[str, float | None], thresholds: dict[str, Any]) -> str:
    """Why a word with these scores (by reason) is marked ("typo", "unusual", "out of
    place": the first of ``textcalib.REASONS`` past its threshold), or ""."""
    from textseq_plugins.anomaly.textcalib import REASONS

    for reason in REASONS:
        value = scores.get(reason)
        if value is not None and reason in thresholds and value > thresholds[reason]:
            return reason
    return ""


def word_scores(score: Any) -> dict[str, float | None]:
    """A ``wordscore.WordScore``'s scores by reason."""
    return {"typo": score.typo, "unusual": score.unusual, "out of place": score.out_of_place}


def load_meaning(registry: Any) -> tuple[Any, Any]:
    """The host's shared GloVe vectors and WordNet (for ``outofplace``); ModelError when
    either is missing."""
    from textseq_tui.ml import GLOVE_KIND, GLOVE_MODEL

    return registry.load(GLOVE_MODEL, kind=GLOVE_KIND), registry.load_default("wordnet")


def _model_note(registry: Any, thresholds: dict[str, Any]) -> str:
    """A note when the registry's model is not the one the thresholds were chosen for."""
    try:
        files = registry.get(CHAR_MODEL).card.files
    except Exception:  # noqa: BLE001 — a registry without cards: nothing to compare
        return ""
    want = thresholds.get("model", {}).get("weights_sha256")
    have = files.get("weights.safetensors") if isinstance(files, dict) else None
    if want and have and want != have:
        return (f"the thresholds were chosen for another {CHAR_MODEL}; marks may be too many "
                "or too few")
    return ""


def _lexicon(registry: Any) -> Any:
    from textseq_plugins.anomaly.lexicon import lexicon_for

    try:
        path = registry.get(CHAR_MODEL).path
    except Exception:  # noqa: BLE001 — no directory (a stand-in registry): wordfreq alone
        path = None
    return lexicon_for(path)


def _cut(text: str) -> tuple[str, str]:
    """The part of ``text`` judged and a note when it is not all of it."""
    if len(text) <= MAX_CHARS:
        return text, ""
    cut = text.rfind(" ", 0, MAX_CHARS + 1)
    cut = cut if cut > MAX_CHARS // 2 else MAX_CHARS
    return text[:cut], f"judged the first {cut:,} of {len(text):,} characters"


def quoted(word: str) -> str:
    """A word for a label, in double quotes, long ones shortened."""
    return '"' + (word if len(word) <= 24 else word[:23] + "\u2026") + '"'


def label_of(marks: list[dict[str, Any]]) -> str:
    """``typo? "teh"``, ``unusual: "qzxv", typo? "recieve" +1``; "" without marks."""
    shown = [f"{LABELS[m['reason']]} {quoted(m['word'])}" for m in marks[:LABEL_MARKS]]
    more = len(marks) - LABEL_MARKS
    return ", ".join(shown) + (f" +{more}" if more > 0 else "")


def judge_text(registry: Any, text: str, *, personal: frozenset[str] | set[str] = frozenset(),
               model: Any = None, thresholds: dict[str, Any] | None = None,
               top: int | None = None) -> dict[str, Any]:
    """The odd words of ``text``: ``{"text", "nats_per_char", "label", "marked": N,
    "words": [{"word", "start", "end", "marked", "reason", ...}], "note"?}``.

    Every word-like piece is listed in order (at most ``top``, the most suspicious first,
    when given) with ``marked`` (true when the app labels it) and ``reason``: "typo" (with
    ``suggestion``, the word probably meant), "unusual" or "out of place" when marked;
    otherwise why not: "ordinary", "yours" (in ``personal``, the user's own words) or the
    shape that is never judged ("url", "mention", "hashtag", "number", "emoticon", "code",
    "name", "acronym", "other alphabet", "elongated", "laughter", "short"). ``scores`` holds
    the word's scores (nats; log-odds for "out of place") beside the ``thresholds``. Only the first ``MAX_CHARS``
    characters are judged (``note`` says so).
    """
    from textseq_plugins.anomaly import textcalib
    from textseq_plugins.anomaly.wordscore import score_text

    notes = []
    if not text.strip():
        return {"text": text, "nats_per_char": 0.0, "label": "", "marked": 0, "words": [],
                "note": "empty text: nothing to judge"}
    model = model or load_char_model(registry)
    thresholds = thresholds or textcalib.load()
    judged, cut_note = _cut(text)
    notes += [n for n in (cut_note, _model_note(registry, thresholds)) if n]
    vectors = wordnet = None
    if "out of place" in thresholds:
        try:
            vectors, wordnet = load_meaning(registry)
        except (ModelError, AttributeError) as err:
            notes.append(f"nouns out of place not judged: {err}")
    scored = score_text(model, _lexicon(registry), judged, personal, vectors=vectors,
                        wordnet=wordnet)
    words = []
    for s in scored.words:
        w = s.word
        row: dict[str, Any] = {"word": w.text, "start": w.start, "end": w.end}
        why = reason_for(word_scores(s), thresholds) if w.judge else ""
        row["marked"] = bool(why)
        row["reason"] = why or w.skip or ("yours" if s.extra.get("yours") else "ordinary")
        if s.suggestion and (why == "typo" or not why):
            row["suggestion"] = s.suggestion
        scores = {k: round(v, 2) for k, v in word_scores(s).items() if v is not None}
        if scores:
            row["scores"] = scores
        words.append(row)
    marks = [w for w in words if w["marked"]]
    if top is not None:
        words = sorted(words, key=_suspicion(thresholds), reverse=True)[: max(0, top)]
    out = {"text": text, "nats_per_char": round(scored.nats_per_char, 4),
           "label": label_of(marks), "marked": len(marks), "words": words,
           "thresholds": {k: thresholds[k] for k in textcalib.REASONS if k in thresholds}}
    if notes:
        out["note"] = "; ".join(notes)
    return out


def judge_lines(registry: Any, items: Any, top: int | None, as_json: bool) -> None:
    """``anomaly text``: judge each ``(line number, text)`` and print it as it comes (a JSON
    object a line, ``"line": N`` in a batch); a line that cannot be judged is refused in its
    place and the rest go on. A missing model stops the command (every line would fail)."""
    from textseq_tui.plugin import BadInput, cli_io, emit, refuse

    model = None
    for number, text in items:
        try:
            model = model or load_char_model(registry)
            result = judge_text(registry, text, model=model, top=top)
        except (BadInput, ValueError) as err:
            refuse(number, err, as_json)
            continue
        shown = render_markup(result, cli_io.escape_markup)
        emit(result, as_json, f"line {number}: {shown}" if number else shown, line=number,
             markup=True)


def _suspicion(thresholds: dict[str, Any]) -> Any:
    """Sort key: how far a word's highest score is past (or short of) its threshold."""
    def key(row: dict[str, Any]) -> float:
        scores = row.get("scores", {})
        return max((v - thresholds[k] for k, v in scores.items()), default=float("-inf"))
    return key


def render_markup(result: dict[str, Any], escape: Any = None) -> str:
    """Markup: marked words reversed red, then a line naming them and why. Textual markup
    (the app's transcript) unless ``escape`` is Rich's (``rich.markup.escape``, for the
    CLI's Rich console)."""
    if escape is None:
        from textseq_tui.plugin import escape

    text = result["text"]
    marks = sorted((w for w in result["words"] if w["marked"]), key=lambda w: w["start"])
    out, at = [], 0
    for w in marks:
        out.append(escape(text[at : w["start"]]))
        out.append(f"[reverse red]{escape(text[w['start'] : w['end']])}[/]")
        at = w["end"]
    out.append(escape(text[at:]))
    why = []
    for w in marks:
        hint = f" ({escape(w['suggestion'])}?)" if w.get("suggestion") else ""
        why.append(f"{LABELS[w['reason']]} {escape(quoted(w['word']))}{hint}")
    summary = "; ".join(why) if why else "nothing odd"
    note = f" ({escape(result['note'])})" if result.get("note") else ""
    return "".join(out) + f"\n{summary}{note}"


class PersonalWords:
    """The words a user has written in earlier chat messages: one used in ``OWN_AFTER``
    messages is theirs (a nickname, a project, their slang) and never odd to them.

    Kept in memory for the app's session only: autocomplete's stored history is that
    plugin's own data, which the plugin API gives no other plugin a way to read."""

    def __init__(self, limit: int = 50_000) -> None:
        self.seen: Counter[str] = Counter()
        self.limit = limit
        self.lock = threading.Lock()

    def words(self) -> frozenset[str]:
        with self.lock:
            return frozenset(w for w, n in self.seen.items() if n >= OWN_AFTER)

    def hear(self, result: dict[str, Any]) -> None:
        with self.lock:
            self.seen.update({w["word"].lower() for w in result["words"]
                              if w["reason"] in ("ordinary", "yours") or w["marked"]})
            if len(self.seen) > self.limit:  # bounded: forget the words seen once
                self.seen = Counter({w: n for w, n in self.seen.items() if n > 1})


class SurpriseAnnotator:
    """Labels each chat message that has odd words (``typo? "teh"``); says nothing about
    the others, and once that it is off when the character model is missing."""

    name = "surprise"

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self.personal = PersonalWords()
        self._missing_noted = False

    def annotate(self, text: str) -> Annotation | None:
        try:
            result = judge_text(self.registry, text, personal=self.personal.words())
        except ModelError as err:
            if self._missing_noted:
                return None
            self._missing_noted = True
            return Annotation(label="odd words: off (no character model)",
                              data={"note": str(err)})
        self.personal.hear(result)
        if not result["marked"]:
            return None
        spans = [Span(w["start"], w["end"], "reverse red",
                      f"{LABELS[w['reason']]} {w.get('suggestion', '')}".strip())
                 for w in result["words"] if w["marked"]]
        return Annotation(label=result["label"], spans=spans, data=result)
