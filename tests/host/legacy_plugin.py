"""A plugin written for plugin API 1 before the class entry points and the completion
request (tests/host/test_legacy_plugin.py keeps it working, as the README promises).

Its entry point names an instance (``legacy = "legacy_plugin:plugin"``) and its completion
provider has the first signature, ``suggest(text)`` with the text before the cursor.
"""

from __future__ import annotations

from typing import Any

from textseq_tui.plugin import CommandResult, Plugin, SlashCommand


class Ending:
    """Completes "hello wor" to "hello world" from the text before the cursor."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def suggest(self, text: str) -> str | None:
        self.seen.append(text)
        target = "hello world"
        tail = text[-len(target):]
        for size in range(len(target) - 1, 0, -1):
            if tail.endswith(target[:size]):
                return target[size:]
        return None


class LegacyPlugin(Plugin):
    name = "legacy"
    title = "Legacy"
    description = "written before class entry points"

    def __init__(self) -> None:
        super().__init__()
        self.provider = Ending()

    def slash_commands(self) -> list[SlashCommand]:
        def note(args: str, ctx: Any) -> CommandResult:
            ctx.store.insert("notes", {"text": args})
            return CommandResult(text=f"{len(ctx.store.rows('notes'))} notes")

        return [SlashCommand("note", "keep a note", note)]

    def completion_provider(self) -> Ending:
        return self.provider


plugin = LegacyPlugin()
