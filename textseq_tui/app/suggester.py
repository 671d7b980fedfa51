"""Ghost text for the chat input: slash-command names, then the plugins' completion providers.

Textual runs ``get_suggestion`` as an asyncio task on the UI loop, so every provider call goes
through ``asyncio.to_thread``: a slow model never blocks typing. The Input drops a suggestion
whose value no longer matches what is typed, so stale answers never show.
"""

from __future__ import annotations

import asyncio
import logging
import time

from textual.suggester import Suggester

from textseq_tui.app.plugin_calls import PluginBusy, PluginCalls
from textseq_tui.host import Host, ask_provider
from textseq_tui.plugin import CompletionRequest

log = logging.getLogger("textseq.app")

#: How often the newest keystroke asks again while the provider is busy with an older one
#: (fast at first, then slower: a provider loading its model can take many seconds).
BUSY_POLL_S = (0.02, 0.2)


class ChatSuggester(Suggester):
    """Suggests ``/command`` names and, for plain text, the first provider's continuation."""

    def __init__(self, host: Host, calls: PluginCalls | None = None) -> None:
        # No cache: a provider's answer depends on more than the text (a personal history, a
        # model still loading), and a cached "nothing" would hide ghost text for good.
        super().__init__(use_cache=False, case_sensitive=True)
        self.host = host
        self.calls = calls or PluginCalls()
        self._newest = ""  # the last value asked about: older questions give up

    def providers(self) -> list:
        """The plugins' completion providers (the host asks each plugin once)."""
        return [p for _, p in self.host.completion_providers()]

    async def get_suggestion(self, value: str) -> str | None:
        if value.startswith("/"):
            if " " in value:
                return None
            names = sorted([*self.host.commands, "help", "runs"])
            for name in names:
                if f"/{name}".startswith(value) and f"/{name}" != value:
                    return f"/{name} "
            return None
        if not value.strip():
            return None
        self._newest = value
        # The Input shows ghost text only with the cursor at the end of the value.
        request = CompletionRequest(value, len(value))
        for provider in self.providers():
            try:
                suffix = await self._ask(provider, value, request)
            except PluginBusy:
                return None
            except Exception as err:  # noqa: BLE001 — a broken provider must not break typing
                log.warning("completion provider failed: %s", err)
                continue
            if suffix:
                return value + suffix
        return None

    async def _ask(self, provider: object, value: str, request: CompletionRequest) -> str | None:
        """One call per provider at a time. While it works on an older keystroke (or loads
        its model on the first one), the newest waits for it for as long as it stays the
        newest: a fast burst of keys, or keys typed while the model loads, still end with
        ghost text for the last one without another keystroke. Any older question gives up
        (``PluginBusy``) as soon as a newer one is asked."""
        started = time.monotonic()
        while True:
            try:
                return await self.calls.call(("provider", id(provider)), ask_provider,
                                             provider, request, limit=1)
            except PluginBusy:
                if self._newest != value:
                    raise
                fast, slow = BUSY_POLL_S
                await asyncio.sleep(fast if time.monotonic() - started < 2.0 else slow)
