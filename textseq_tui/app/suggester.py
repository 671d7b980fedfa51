"""Ghost text for the chat input: slash-command names, then the plugins' completion providers.

Textual runs ``get_suggestion`` as an asyncio task on the UI loop, so every provider call goes
through ``asyncio.to_thread``: a slow model never blocks typing. The Input drops a suggestion
whose value no longer matches what is typed, so stale answers never show.
"""

from __future__ import annotations

import logging

from textual.suggester import Suggester

from textseq_tui.app.plugin_calls import PluginBusy, PluginCalls
from textseq_tui.host import Host
from textseq_tui.plugin import COMPLETION_CONTEXT_CHARS

log = logging.getLogger("textseq.app")

#: Longest text handed to a provider (the plugin API's contract): a 100 KB paste must not
#: stall completion.
MAX_CONTEXT_CHARS = COMPLETION_CONTEXT_CHARS


class ChatSuggester(Suggester):
    """Suggests ``/command`` names and, for plain text, the first provider's continuation."""

    def __init__(self, host: Host, calls: PluginCalls | None = None) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        self.host = host
        self.calls = calls or PluginCalls()

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
        context = value[-MAX_CONTEXT_CHARS:]
        for provider in self.providers():
            try:
                # One call per provider at a time: while it works on an older keystroke,
                # newer ones get no ghost text rather than a queue behind a slow model.
                suffix = await self.calls.call(("provider", id(provider)), provider.suggest,
                                               context, limit=1)
            except PluginBusy:
                return None
            except Exception as err:  # noqa: BLE001 — a broken provider must not break typing
                log.warning("completion provider failed: %s", err)
                continue
            if suffix:
                return value + suffix
        return None
