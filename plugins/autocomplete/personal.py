"""The personal history as the ghost text sees it, and the message listener that grows it.

``Personal`` holds, for one plugin context: the history's word counts (loaded from the store
once, in a worker thread, then kept in step with what is learned), the character model the
ghost text uses (this home's adaptation when there is one, loaded in the background: typing
never waits for torch), the background adaptation itself, and the ghost text's calibration.
A damaged history or adapted model never breaks typing: the model and word lists go on alone
and ``problem`` / ``model_note`` say once what happened.
"""

from __future__ import annotations

import threading
from typing import Any

from textseq_tui.plugin import PluginContext

DEFAULT_MODEL = "char-rnn-english"
#: The kind of the character models this plugin loads (``registry.load(name, kind=KIND)``).
KIND = "char-rnn"


def model_name(ctx: PluginContext) -> str:
    """The model the settings choose for ghost text (default ``char-rnn-english``)."""
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
        #: the ghost text's calibration (``Policy.target_precision``): read from the store
        #: once, kept up to date by the completers, saved with each text learned
        self.calibration: float | None = None
        self._loading: threading.Thread | None = None  # loading the model in the background
        self._loaded: set[str] = set()  # models loaded once (the registry keeps them)
        self._load_failed: tuple[str, str] | None = None  # (model name, why)
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
        from textseq_plugins.autocomplete.vocabulary import words_of

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
        self._loaded.add(name)
        return model

    def ready_model(self, name: str, start: bool = True) -> Any:
        """What ``model(name)`` returns, once it has loaded; until then None, and (when
        ``start``) it loads in a background thread (the ghost text goes on with the word
        layer alone). A model that failed to load is not tried again (``model_note`` says
        why)."""
        if name in self._loaded:
            return self.model(name)  # cheap: re-read only when the adapted file changed
        if not start:
            return None
        with self.lock:
            failed = self._load_failed is not None and self._load_failed[0] == name
            if not failed and (self._loading is None or not self._loading.is_alive()):
                self._loading = threading.Thread(target=self._load, args=(name,), daemon=True,
                                                 name="autocomplete-load")
                self._loading.start()
        return None

    def _load(self, name: str) -> None:
        try:
            getattr(self.model(name), "fast", None)  # the int8 keystroke copy, made now
        except Exception as err:  # noqa: BLE001 — the word layer goes on alone
            self._load_failed = (name, str(err))
            self.model_note = f"the character model {name} did not load ({err})"
            self.ctx.log.warning(self.model_note)

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
            info = adapt_home(self.ctx, model_name(self.ctx), threads=1,
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


