"""Command-palette provider: every plugin's slash commands and screens."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class PluginCommands(Provider):
    """Lists ``/commands`` (inserted into the chat input) and plugin screens (opened)."""

    def _entries(self):
        app = self.app
        host = app.host  # type: ignore[attr-defined]
        for name, bound in sorted(host.commands.items()):
            yield (f"/{name}  ({bound.plugin.name})", bound.command.help,
                   partial(app.prefill_command, name))
        for plugin, spec in host.screens():
            yield (f"Open {spec.title}  ({plugin.name})", spec.help or spec.title,
                   partial(app.open_screen, plugin.name, spec.name))
        yield ("/help", "list the chat commands", partial(app.prefill_command, "help"))
        yield ("Training runs", "every plugin's training runs and their loss curves",
               app.open_runs)

    async def discover(self) -> Hits:
        for label, help_text, callback in self._entries():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, callback in self._entries():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)
