"""The chat's ghost text: the plugin's completion provider.

Right after launch the character model is not loaded yet (importing torch alone takes most
of a second on a small machine), so the provider answers in two stages:

1. the word layer alone (``WordCompleter`` without a model: the model's word counts and the
   English word list, numpy only, loaded in a few hundred milliseconds; a keystroke typed
   before even that is ready waits for it and gets its answer then);
2. from the keystroke after the character model has loaded (in a background thread, which
   the plugin's warm-up starts once a first ghost text has been offered from the words, or
   1.5 s after they were ready; without a warm-up, the keystroke after that ghost text),
   the whole policy: the character model, the word layer and the personal history.

A newer keystroke makes an older call still feeding a long paste give up (``should_stop``),
so the latest keystroke is answered first; only the last ``CONTEXT_CAP`` chars of the text
before the cursor are encoded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textseq_tui.plugin import CompletionRequest, PluginContext


def new_completer(ctx: PluginContext, model: Any, layers: Any, name: str,
                  personal: Any = None) -> Any:
    """A ``WordCompleter`` for model ``name`` (``model``: its loaded ``CharModel``, or None
    for the word layer alone) with its word layer (from ``layers``, a ``WordLayers``), the
    policy the settings ask for and, when ``personal`` (a ``Personal``) is given, the
    history's words and the calibration earlier sessions reached."""
    from textseq_plugins.autocomplete.policy import policy_settings
    from textseq_plugins.autocomplete.word_completer import WordCompleter

    completer = WordCompleter(model, layer=layers.get(name),
                              policy=policy_settings(ctx.settings))
    if personal is not None:
        completer.personal = personal.words()
        completer.calibration = personal.stored_calibration()
    return completer


class GhostTextProvider:
    """The host's completion provider: ``complete(request) -> str | None`` (ghost text at
    the cursor, from the whole text before it); ``suggest(text)`` is the same for a text
    that ends at the cursor.

    ``model(start)`` returns the character model when it has loaded, None until then (it must
    not block: the plugin's ``Personal.ready_model`` loads it in the background, once
    ``start`` is true); ``layer()``
    the model's word layer, asked when the model changes; ``personal`` (a ``Personal``) the
    history and the calibration earlier sessions reached; ``policy`` what is shown.
    """

    def __init__(self, model: Callable[[bool], Any], layer: Callable[[], Any] | None = None,
                 personal: Any = None, policy: Any = None) -> None:
        self._model = model
        self._layer = layer
        self.personal = personal
        self.policy = policy
        self._completer: Any = None
        #: set once a ghost text has been offered from the word layer for the newest keystroke:
        #: only then does the model start loading (its torch import holds the interpreter for most of a second,
        #: and the ghost text would come too late for the key it was for)
        self.answered = threading.Event()
        self._lock = threading.Lock()
        self._latest = 0
        self._counter = threading.Lock()
        self._epoch = 0  # personal.epoch when the completer was made

    def prepare(self) -> Any:
        """Make the completer for what is loaded now (the word layer alone until the
        character model is ready): loads the word layer, the English list and the history,
        all the first keystroke needs. Returns the completer."""
        with self._lock:
            completer = self._current()
            if self.personal is not None:
                self.personal.words()
            return completer

    def complete(self, request: CompletionRequest) -> str | None:
        return self.suggest(request.before)

    def suggest(self, text: str) -> str | None:
        with self._counter:
            self._latest += 1
            me = self._latest
        with self._lock:
            if me != self._latest:
                return None  # a newer keystroke is waiting: let it have the model
            c = self._current()
            c.personal = self.personal.words() if self.personal is not None else None
            # The whole text goes in: the completer encodes only its last CONTEXT_CAP chars,
            # with a window start that moves rarely, so keystrokes stay incremental.
            if not text or not c.update(text, should_stop=lambda: me != self._latest):
                return None
            if self.personal is not None:
                with self.personal.lock:
                    found = c.suggest(text)
                    self.personal.calibration = c.calibration  # saved with the next message
            else:
                found = c.suggest(text)
        if found and me == self._latest:  # an answer a newer key overtook is never shown
            self.answered.set()
        return found[0].completion if found else None

    def _current(self) -> Any:
        """The completer for the model loaded now: made anew when the model changes (loaded
        at last, a newly adapted one swapped in, another one chosen in the settings). The
        very first one is the word layer alone, and the model is asked for (its loading
        started) only once a keystroke has been answered from it: loading torch in another
        thread would slow the words down."""
        epoch = self.personal.epoch if self.personal is not None else 0
        if epoch != self._epoch:  # forgotten: nothing of the session's hit rate stays
            self._completer, self._epoch = None, epoch
        if self._completer is None:
            self._completer = self._new_completer(None)
            if self.personal is not None:  # earlier sessions' hit rate (saved in the home)
                self._completer.calibration = self.personal.stored_calibration()
        # None while it loads (in the background): the words alone
        model = self._model(self.answered.is_set())
        old = self._completer
        if old.model is not model:
            self._completer = self._new_completer(model)
            self._completer.calibration = old.calibration  # the session's hit rate goes on
        return self._completer

    def _new_completer(self, model: Any) -> Any:
        from textseq_plugins.autocomplete.word_completer import WordCompleter

        return WordCompleter(model, layer=self._layer() if self._layer else None,
                             policy=self.policy)
