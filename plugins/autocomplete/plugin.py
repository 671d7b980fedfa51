"""The autocomplete plugin object: its capabilities, wired to the host's plugin API.

Everything heavy (torch, the model, the screen) is imported inside the methods.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textseq_plugins import BuiltinPlugin, imported_on_call

from textseq_tui.plugin import (
    BadInput,
    CommandResult,
    CompletionRequest,
    ModelSpec,
    OpenScreen,
    PluginContext,
    ScreenSpec,
    SlashCommand,
)

if TYPE_CHECKING:
    import typer
    from sqlite_utils.migrations import Migrations

    from textseq_tui.plugin import PluginStore

DEFAULT_MODEL = "char-rnn-english"
#: The kind of the character models this plugin loads (``registry.load(name, kind=KIND)``).
KIND = "char-rnn"


def _model_name(ctx: PluginContext) -> str:
    return str(ctx.settings.get("model", DEFAULT_MODEL))


#: characters of new personal text (chat messages, typing sessions) that start a background
#: adaptation of the character model in the app
ADAPT_EVERY = 20_000
#: seconds between checks that the history was not forgotten (by ``textseq autocomplete
#: forget``, maybe while the app runs): the app drops its caches within this
GENERATION_CHECK_S = 0.5


def learning_on(ctx: PluginContext) -> bool:
    """``plugins.autocomplete.learn`` in settings.json (default true)."""
    return bool(ctx.settings.get("learn", True))


class Personal:
    """The personal history as the completers see it: loaded from the store once (in a worker
    thread), then kept in step with what is learned. A damaged history never breaks typing:
    ``words()`` returns None (the model alone) and ``problem`` says once what happened."""

    def __init__(self, ctx: PluginContext) -> None:
        self.ctx = ctx
        self.lock = threading.RLock()
        self._words: Any = None
        self.problem = ""
        self._model: Any = None  # (model name, adapted file's stat, the loaded model)
        self.adapting: threading.Thread | None = None
        self.model_note = ""  # why the adapted model is not used (or failed), if it is not
        self.stopping = threading.Event()  # set at exit: a background adaptation gives up
        #: the ghost text's calibration (``words.TARGET_PRECISION``): read from the store once,
        #: kept up to date by the completers, saved with each text learned
        self.calibration: float | None = None
        #: the history's generation these caches belong to (a ``forget`` bumps it, maybe
        #: from another process); ``epoch`` counts the times they were dropped for it
        self._generation: int | None = None
        self._checked = 0.0
        self.epoch = 0

    def sync(self, every: float = GENERATION_CHECK_S) -> None:
        """Drop every cache (words, calibration, adapted model) when the history was
        forgotten since they were read; asks the store at most once per ``every`` s."""
        import time

        from textseq_plugins.autocomplete import history

        now = time.monotonic()
        if now - self._checked < every:
            return
        self._checked = now
        try:
            current = history.generation(self.ctx.store)
        except Exception:  # noqa: BLE001 — an unreadable store is reported by words()
            return
        with self.lock:
            if self._generation is not None and current != self._generation:
                self.forget()
                self.epoch += 1
            self._generation = current

    def words(self) -> Any:
        self.sync()
        with self.lock:
            if self._words is None and not self.problem:
                from textseq_plugins.autocomplete import history

                try:
                    self._words = history.load(self.ctx.store)
                except Exception as err:  # noqa: BLE001 — typing goes on with the model alone
                    self.problem = (f"personal history unreadable ({type(err).__name__}: "
                                    f"{str(err)[:120]}); ghost text uses the model alone")
                    self.ctx.log.warning(self.problem)
            return self._words

    def learn(self, text: str) -> int:
        """Add ``text`` to the stored history and to the loaded one; returns words learned.
        Enough new text since the last adaptation starts one in the background."""
        from textseq_plugins.autocomplete import history
        from textseq_plugins.autocomplete.words import words_of

        self.sync(every=0.0)  # a forget since: this session's calibration is not kept
        n = history.learn_texts(self.ctx.store, [text])
        with self.lock:
            if self._words is not None:
                self._words.add_words(words_of(text))
            if self.calibration is not None:
                history.save_calibration(self.ctx.store, self.calibration,
                                         since=self._generation)
        self.maybe_adapt()
        return n

    def stored_calibration(self) -> float:
        """Where the last session's ghost text left the thresholds (0.0 when unreadable)."""
        with self.lock:
            if self.calibration is None:
                from textseq_plugins.autocomplete import history

                try:
                    self.calibration = history.load_calibration(self.ctx.store)
                except Exception as err:  # noqa: BLE001 — the base thresholds do
                    self.ctx.log.warning(f"ghost text calibration unreadable: {err}")
                    self.calibration = 0.0
            return self.calibration

    def forget(self) -> None:
        with self.lock:
            self._words = None
            self._model = None
            self.calibration = None

    # -- the adapted character model ---------------------------------------------------

    def model(self, name: str) -> Any:
        """The character model for ghost text: this home's adaptation of ``name`` when there
        is one (re-read when the file changes), else ``name`` as shipped. A damaged or stale
        file is never fatal: the shipped model is used and ``model_note`` says why (logged
        once)."""
        from textseq_plugins.autocomplete.adapt import adapted_path

        self.sync()
        path = adapted_path(self.ctx)
        try:
            st = path.stat()
            stamp: Any = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        cached = self._model
        if cached is not None and cached[0] == name and cached[1] == stamp:
            return cached[2]
        if stamp is None:
            model, note = self.ctx.registry.load(name, kind=KIND), ""
        else:
            from textseq_plugins.autocomplete.adapt import home_model

            try:
                model, note = home_model(self.ctx, name)
            except Exception as err:  # noqa: BLE001 — typing goes on with the shipped model
                model = self.ctx.registry.load(name, kind=KIND)
                note = f"personal model unusable ({err})"
        if note and note != self.model_note:
            self.ctx.log.warning(note)
        self.model_note = note
        self._model = (name, stamp, model)
        return model

    def maybe_adapt(self, min_new: int | None = None) -> bool:
        """Start adapting the model in a background thread when ``min_new`` characters
        (default ``ADAPT_EVERY``) of personal text arrived since the last adaptation and
        none is running. Returns True when one started. Typing never waits for it: the
        ghost text swaps the new model in when its file appears."""
        from textseq_plugins.autocomplete import history
        from textseq_plugins.autocomplete.adapt import adapted_path, read_metadata

        if self.adapting is not None and self.adapting.is_alive():
            return False
        last = 0
        path = adapted_path(self.ctx)
        if path.exists():
            try:
                last = int(read_metadata(path)["info"].get("last_text_id", 0))
            except Exception:  # noqa: BLE001 — a damaged file is simply rebuilt
                last = 0
        if history.text_since(self.ctx.store, last) < (ADAPT_EVERY if min_new is None
                                                        else min_new):
            return False
        import atexit

        self.adapting = threading.Thread(target=self._adapt, name="autocomplete-adapt",
                                         daemon=True)
        atexit.register(self.stopping.set)
        self.adapting.start()
        return True

    def _adapt(self) -> None:
        from textseq_plugins.autocomplete import history
        from textseq_plugins.autocomplete.adapt import adapt_home

        try:
            info = adapt_home(self.ctx, _model_name(self.ctx), threads=1,
                              should_stop=self.stopping.is_set)
            self.ctx.log.info("adapted the character model: %s steps in %s s",
                              info["steps"], info["seconds"])
        except InterruptedError:
            pass
        except history.Forgotten:
            self.ctx.log.info("the history was forgotten while adapting: result discarded")
        except Exception as err:  # noqa: BLE001 — a failed adaptation leaves the old model
            self.model_note = f"adapting the model failed ({type(err).__name__}: {err})"
            self.ctx.log.warning(self.model_note)


class PersonalLearner:
    """The message listener: every plain chat message sent adds to the personal history
    (unless ``learn`` is off in settings); its indicator shows while learning is on."""

    name = "personal history"

    def __init__(self, ctx: PluginContext, personal: Personal) -> None:
        self.ctx = ctx
        self.personal = personal

    @property
    def indicator(self) -> str:
        if self.personal.problem:
            return f"autocomplete: {self.personal.problem}"
        if self.personal.adapting is not None and self.personal.adapting.is_alive():
            return "adapting the model to your words"
        if self.personal.model_note:
            return f"autocomplete: {self.personal.model_note}"
        return "learning your words" if learning_on(self.ctx) else ""

    def hear(self, text: str) -> None:
        if learning_on(self.ctx) and not self.personal.problem:
            self.personal.learn(text)


def _write(args: str, ctx: PluginContext) -> CommandResult:
    """``/write TEXT``: continue TEXT with 200 sampled characters at temperature 0.8."""
    from textseq_tui.plugin import escape

    if not args.strip():
        raise BadInput("usage: /write TEXT — the model continues TEXT")
    model = ctx.registry.load(_model_name(ctx), kind=KIND)
    temperature = float(ctx.settings.get("temperature", 0.8))
    more = model.write(args, n_chars=200, temperature=temperature)
    return CommandResult(text=f"{escape(args)}[bold]{escape(more)}[/]",
                         data={"text": args, "continuation": more, "temperature": temperature})


def _complete(args: str, ctx: PluginContext) -> CommandResult:
    """``/complete TEXT``: the top completions of TEXT's last word, with probabilities."""
    from textseq_plugins.autocomplete.words import WordCompleter

    from textseq_tui.plugin import escape

    if not args:
        raise BadInput("usage: /complete TEXT — suggestions for how TEXT's last word ends")
    result = WordCompleter(ctx.registry.load(_model_name(ctx), kind=KIND)).complete(args, n=3)
    lines = [f"{escape(args)}[bold]{escape(s['completion'])}[/]  p={s['prob']:.2f}"
             for s in result["suggestions"]]
    return CommandResult(text="\n".join(lines) or "no likely completion", data=result)


def _type(args: str, ctx: PluginContext) -> CommandResult:
    """``/type [MODE]``: the typing session, in MODE (``30``, ``60s``, ``25w``, ``free``) or
    the mode used last."""
    if not args.strip():
        return CommandResult(text="typing session (Ctrl+T: mode · Esc: leave)",
                             open_screen=OpenScreen("typing"))
    from textseq_plugins.autocomplete.typing_test import Mode

    mode = Mode.parse(args)  # BadInput names the modes
    return CommandResult(text=f"typing session: {mode.label} (Ctrl+T: mode · Esc: leave)",
                         open_screen=OpenScreen("typing", {"mode": mode.label}))


def _typing_history(ctx: PluginContext, **kwargs: Any) -> Any:
    from textseq_plugins.autocomplete.typing_history import (
        TypingHistoryScreen,  # plotext: only here
    )

    return TypingHistoryScreen(ctx)


class GhostTextProvider:
    """The host's completion provider: ``complete(request) -> str | None`` (ghost text at
    the cursor, from the whole text before it); ``suggest(text)`` is the same for a text
    that ends at the cursor.

    Loads the model on first use from the registry (in the caller's worker thread). A newer
    call makes an older one still feeding a long paste give up (``should_stop``), so the
    latest keystroke is answered first; only the last ``CONTEXT_CAP`` chars are encoded.
    """

    def __init__(self, load: Callable[[], Any], min_prob: float | None = None,
                 personal: Personal | None = None, target: Any = ...) -> None:
        self._load = load
        self.min_prob = min_prob
        self.target = target  # the share of ghost texts to be taken (see words.TARGET_PRECISION)
        self.personal = personal
        self._completer: Any = None
        self._lock = threading.Lock()
        self._latest = 0
        self._counter = threading.Lock()
        self._epoch = 0  # personal.epoch when the completer was made

    def complete(self, request: CompletionRequest) -> str | None:
        return self.suggest(request.before)

    def suggest(self, text: str) -> str | None:
        with self._counter:
            self._latest += 1
            me = self._latest
        with self._lock:
            if me != self._latest:
                return None  # a newer keystroke is waiting: let it have the model
            model = self._load()  # cheap once loaded; a newly adapted model swaps in here
            epoch = self.personal.epoch if self.personal is not None else 0
            if epoch != self._epoch:  # forgotten: nothing of the session's hit rate stays
                self._completer, self._epoch = None, epoch
            if self._completer is None or self._completer.model is not model:
                from textseq_plugins.autocomplete.words import WordCompleter

                old, self._completer = self._completer, WordCompleter(model, target=self.target)
                if old is not None:  # the session's hit rate outlives a newly adapted model
                    self._completer.calibration = old.calibration
                elif self.personal is not None:  # and earlier sessions' (saved in the home)
                    self._completer.calibration = self.personal.stored_calibration()
            c = self._completer
            c.personal = self.personal.words() if self.personal is not None else None
            # The whole text goes in: the completer encodes only its last CONTEXT_CAP chars,
            # with a window start that moves rarely, so keystrokes stay incremental.
            if not text or not c.update(text, should_stop=lambda: me != self._latest):
                return None
            if self.personal is not None:
                with self.personal.lock:
                    found = c.suggest(text, min_prob=self.min_prob)
                    self.personal.calibration = c.calibration  # saved with the next message
            else:
                found = c.suggest(text, min_prob=self.min_prob)
        return found[0].completion if found else None


class AutocompletePlugin(BuiltinPlugin):
    name = "autocomplete"
    title = "Autocomplete"
    description = "Ghost-text word completion: a character RNN, a word list and your own words."

    def __init__(self) -> None:
        super().__init__()
        self._provider: Any = None
        self._personal: Personal | None = None

    def start(self, ctx: PluginContext) -> None:
        super().start(ctx)
        # A (re)start gets fresh state: the history and provider belong to this context.
        self._provider = None
        self._personal = None

    @property
    def personal(self) -> Personal:
        if self._personal is None:
            self._personal = Personal(self.context)
        return self._personal

    def warmup(self) -> None:
        """Load the character model (and torch) with its int8 keystroke copy, the word list
        and the personal history before the first keystroke wants ghost text."""
        from textseq_plugins.autocomplete.words import wordfreq_prior

        model = self.personal.model(_model_name(self.context))
        getattr(model, "fast", None)  # the int8 copy is made here, not at the first keystroke
        wordfreq_prior()
        self.personal.words()

    def model_specs(self) -> list[ModelSpec]:
        loader = imported_on_call("textseq_plugins.autocomplete.model", "load_char_model")
        return [ModelSpec(KIND, loader, default=DEFAULT_MODEL,
                          description="character-level GRU/LSTM language model; the loaded "
                          "object has char_surprisals(text), nats_per_char(text), write(text)")]

    def slash_commands(self) -> list[SlashCommand]:
        return [
            SlashCommand("write", "continue the text with the character model", _write,
                         usage="/write TEXT"),
            SlashCommand("complete", "how the last word may end (top 3, with probabilities)",
                         _complete, usage="/complete TEXT"),
            SlashCommand("type", "a typing test (15/30/60 s, 10/25/50 words) or free typing "
                         "with ghost text", _type, usage="/type [30|60s|25w|free]"),
        ]

    def screens(self) -> list[ScreenSpec]:
        def typing(ctx: PluginContext, **kwargs: Any) -> Any:
            from textseq_plugins.autocomplete.screen import TypingScreen

            return TypingScreen(ctx, model_name=kwargs.get("model", _model_name(ctx)),
                                personal=self.personal, mode=kwargs.get("mode"),
                                seed=kwargs.get("seed"), clock=kwargs.get("clock"))

        def runs(ctx: PluginContext, **kwargs: Any) -> Any:
            from textseq_plugins.autocomplete.screen import TrainingRunsScreen

            return TrainingRunsScreen(ctx)

        return [
            ScreenSpec("typing", "Typing session", typing,
                       help="typing tests (timed or by words) and free typing with ghost text"),
            ScreenSpec("runs", "Char-RNN training runs", runs,
                       help="training runs of the character model with their loss curves"),
            ScreenSpec("typing-history", "Typing history", _typing_history,
                       help="every session in a table beside a chart; personal bests per mode"),
        ]

    def cli(self) -> typer.Typer:
        from textseq_plugins.autocomplete.cli import build_cli

        return build_cli(lambda: self.context)

    def completion_provider(self) -> Any:
        if self._provider is None:
            from textseq_plugins.autocomplete.words import policy_settings

            ctx = self.context
            self._provider = GhostTextProvider(
                lambda: self.personal.model(_model_name(ctx)),
                **policy_settings(ctx.settings), personal=self.personal)
        return self._provider

    def message_listeners(self) -> list[Any]:
        return [PersonalLearner(self.context, self.personal)]

    def migrations(self) -> Migrations:
        from textseq_plugins.autocomplete.migrations import migrations

        return migrations

    def scores(self, store: PluginStore) -> list[dict[str, Any]]:
        rows = store.rows("sessions", order_by="wpm desc", limit=10)
        return [{"session": r["id"], "mode": r.get("mode") or "free",
                 "wpm": round(r["wpm"], 1), "accuracy": r.get("accuracy"),
                 "chars": r["chars"], "keystrokes": r["keystrokes"],
                 "saved": r["keystrokes_saved"],
                 "saved_pct": round(100 * r["keystrokes_saved"] / max(1, r["chars"]), 1),
                 "model": r["model"]} for r in rows]
