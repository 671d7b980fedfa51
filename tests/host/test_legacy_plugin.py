"""A plugin written for API 1 before this version's forms still loads and works, with a
one-line deprecation notice in ``textseq plugins`` (see tests/host/legacy_plugin.py)."""

from __future__ import annotations

import json
from importlib.metadata import EntryPoint

import pytest
from typer.testing import CliRunner

from textseq_tui.app.suggester import ChatSuggester
from textseq_tui.cli import build_app
from textseq_tui.discovery import GROUP, load_entry_point
from textseq_tui.host import FIRST_PROTOCOL_NOTICE, Host
from textseq_tui.plugin import COMPLETION_CONTEXT_CHARS, CompletionRequest, Plugin

NOTICE = ("its entry point legacy_plugin:plugin names an instance; name the class instead "
          "(legacy_plugin:LegacyPlugin): deprecated since plugin API 1")


@pytest.fixture
def legacy(home) -> Host:
    record = load_entry_point(EntryPoint("legacy", "legacy_plugin:plugin", GROUP))
    assert record.ok, record.error
    return Host(home=home, device="cpu", records=[record])


def plugins_cli(host: Host, *args: str):
    return CliRunner().invoke(build_app(host), ["plugins", *args], catch_exceptions=False)


def test_an_instance_entry_point_still_loads_and_its_commands_work(legacy, tmp_path) -> None:
    assert legacy.records[0].deprecations == [NOTICE]
    assert legacy.run_command("/note first").text == "1 notes"
    assert legacy.run_command("/note second").text == "2 notes"
    # another host gets its own instance, started on its own home
    other = Host(home=tmp_path / "other", device="cpu", records=legacy.records)
    assert other.plugin("legacy") is not legacy.plugin("legacy")
    assert other.run_command("/note elsewhere").text == "1 notes"


def test_textseq_plugins_shows_each_deprecation_in_one_line(legacy) -> None:
    rows = [json.loads(x) for x in plugins_cli(legacy, "--json").stdout.splitlines()]
    assert rows[0]["status"] == "ok"
    assert rows[0]["deprecations"] == [NOTICE, FIRST_PROTOCOL_NOTICE]
    text = plugins_cli(legacy).stdout
    assert f"legacy: deprecated: {NOTICE}\n" in text
    assert f"legacy: deprecated: {FIRST_PROTOCOL_NOTICE}\n" in text


async def test_a_first_protocol_provider_still_gives_ghost_text(legacy) -> None:
    suggester = ChatSuggester(legacy)
    assert await suggester.get_suggestion("and then hello wor") == "and then hello world"
    long = "x" * 5000 + " hello w"
    assert await suggester.get_suggestion(long) == long + "orld"
    provider = legacy.plugin("legacy").provider
    assert provider.seen[-1] == long[-COMPLETION_CONTEXT_CHARS:]  # the window it knew


class Whole(Plugin):
    """A provider of the current protocol: it sees every request whole."""

    name = "whole"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[CompletionRequest] = []

    def completion_provider(self):
        plugin = self

        class Provider:
            def complete(self, request: CompletionRequest) -> str | None:
                plugin.requests.append(request)
                return "!" if request.before.endswith("hi") else None

            def suggest(self, text: str) -> str | None:  # never used: complete comes first
                raise AssertionError("the first protocol was used")

        return Provider()


async def test_a_provider_gets_the_whole_text_and_the_cursor(home) -> None:
    from fakes import record

    host = Host(home=home, device="cpu", records=[record(Whole())])
    long = "y" * 5000 + " hi"
    assert await ChatSuggester(host).get_suggestion(long) == long + "!"
    (request,) = host.plugin("whole").requests
    assert (request.text, request.cursor, request.after) == (long, len(long), "")
    assert host.records[0].deprecations == []
    with pytest.raises(ValueError, match="outside the text"):
        CompletionRequest("abc", 4)
