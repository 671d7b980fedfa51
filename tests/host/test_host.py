"""The Host: starting plugins, routing slash commands, isolating failures."""

from __future__ import annotations

import pytest
from fakes import EchoPlugin, RaisesInCommand, RaisesOnStart, broken_import, record

from textseq_tui.errors import BadInput, PluginError
from textseq_tui.host import Host
from textseq_tui.plugin import SlashCommand


@pytest.fixture
def fake_host(home):
    return Host(home=home, device="cpu", records=[
        record(EchoPlugin()), record(RaisesOnStart()), record(RaisesInCommand()), broken_import(),
    ])


def test_slash_command_is_routed_to_its_plugin(fake_host) -> None:
    result = fake_host.run_command("/echo  hi there ")
    assert result.text == "echo: hi there"


def test_unknown_command_suggests_closest(fake_host) -> None:
    with pytest.raises(BadInput, match=r"unknown command /ecko\. Did you mean /echo\?"):
        fake_host.run_command("/ecko hi")


def test_plugin_failing_to_start_is_marked_and_others_work(fake_host) -> None:
    bad = next(r for r in fake_host.records if r.name == "bad-start")
    assert not bad.ok and "failed to start: RuntimeError: no config" in bad.error
    assert fake_host.run_command("/echo ok").text == "echo: ok"


class DiesWithItsCommand(RaisesOnStart):
    name = "boom"

    def slash_commands(self):
        return [SlashCommand("kaboom", "never answers", lambda args, ctx: "no")]


def test_a_plugin_that_failed_answers_its_slash_commands_with_its_error(home) -> None:
    host = Host(home=home, device="cpu", records=[record(DiesWithItsCommand()), broken_import()])
    for line in ("/boom", "/kaboom now", "/BOOM x"):
        with pytest.raises(PluginError) as err:
            host.run_command(line)
        assert str(err.value) == ("plugin 'boom' is not available: failed to start: "
                                  "RuntimeError: no config")
    with pytest.raises(PluginError, match=r"^plugin 'broken-import' is not available: "
                                          r"ImportError: No module named 'missing_dep'$"):
        host.run_command("/broken-import")
    with pytest.raises(BadInput, match="unknown command /kabom"):
        host.run_command("/kabom")


def test_command_exception_becomes_plugin_error_naming_plugin(fake_host) -> None:
    with pytest.raises(PluginError, match=r"/boom \(bad-command\) failed: ZeroDivisionError"):
        fake_host.run_command("/boom")


def test_help_lists_every_command(fake_host) -> None:
    commands = {row["command"] for row in fake_host.help_rows()}
    assert {"/help", "/echo", "/boom"} <= commands


def test_unknown_plugin_name_lists_installed(fake_host) -> None:
    with pytest.raises(BadInput, match="Did you mean 'echo'"):
        fake_host.plugin("ech")
    with pytest.raises(PluginError, match="not available"):
        fake_host.plugin("broken-import")


def test_host_never_touches_database_until_used(home) -> None:
    Host(home=home, device="cpu", records=[record(EchoPlugin())])
    assert not (home / "textseq.db").exists()
