"""Plugins made up for host tests: a good one, and ones that fail in every way."""

from __future__ import annotations

import time
from typing import Any

from textseq_tui.discovery import PluginRecord
from textseq_tui.plugin import (
    Annotation,
    CommandResult,
    CompletionRequest,
    Plugin,
    SlashCommand,
    Span,
)


class EchoPlugin(Plugin):
    name = "echo"
    title = "Echo"
    description = "echoes"

    def slash_commands(self):
        return [SlashCommand("echo", "repeat the words", lambda a, c: CommandResult(
            text=f"echo: {a}", data=a), usage="/echo WORDS")]

    def annotators(self):
        plugin = self

        class Shout:
            name = "shout"

            def annotate(self, text: str) -> Annotation:
                return Annotation(label=f"{len(text)} chars", spans=[Span(0, 1, "bold red")],
                                  data=plugin.name)

        return [Shout()]

    def completion_provider(self):
        class Words:
            def complete(self, request: CompletionRequest) -> str | None:
                target, text = "hello world", request.before
                if target.startswith(text) and text != target:
                    return target[len(text):]
                return None

        return Words()


class RaisesOnStart(Plugin):
    name = "bad-start"

    def start(self, ctx: Any) -> None:
        raise RuntimeError("no config")


class RaisesInCommand(Plugin):
    name = "bad-command"

    def slash_commands(self):
        def boom(args: str, ctx: Any) -> str:
            raise ZeroDivisionError("division by zero")

        return [SlashCommand("boom", "fails", boom)]


class HangsInCommand(Plugin):
    name = "slow"

    def slash_commands(self):
        def hang(args: str, ctx: Any) -> str:
            time.sleep(30)
            return "late"

        return [SlashCommand("hang", "never answers in time", hang)]


class RaisesInAnnotator(Plugin):
    name = "bad-annotator"

    def annotators(self):
        class Broken:
            name = "broken"

            def annotate(self, text: str) -> Annotation:
                raise ValueError("cannot read")

        return [Broken()]


def record(plugin: Plugin | None, name: str | None = None, error: str | None = None,
           factory: Any = None) -> PluginRecord:
    """A discovered plugin as an entry point naming its class would give (``factory``: the
    class, by default; a second Host of the same record calls it)."""
    name = name or (plugin.name if plugin else "broken")
    if factory is None and plugin is not None:
        factory = type(plugin)
    return PluginRecord(name=name, dist="tests", version="0", value=f"tests:{name}",
                        plugin=plugin, error=error, factory=factory)


def broken_import(name: str = "broken-import") -> PluginRecord:
    return record(None, name, error="ImportError: No module named 'missing_dep'")
