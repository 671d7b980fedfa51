"""ctx.state and Host.state: small JSON state per plugin (and for the host app) kept in the
home's SQLite between runs, safe from threads, opened on first use."""

from __future__ import annotations

import threading

import pytest
from fakes import EchoPlugin, record

from textseq_tui.host import Host
from textseq_tui.plugin import Plugin


class Other(Plugin):
    name = "other"


def host_on(home) -> Host:
    return Host(home=home, device="cpu", records=[record(EchoPlugin()), record(Other())])


def test_state_round_trips_json_values_and_outlives_the_host(home) -> None:
    host = host_on(home)
    state = host.plugin("echo").context.state
    assert not (home / "textseq.db").exists()  # nothing opened until state is used
    assert state.get("mode") is None and state.get("mode", "guess") == "guess"
    value = {"difficulty": "hard", "seen": [1, 2.5, None, True], "name": "Åsa"}
    state.set("game", value)
    state.set("mode", "beat")
    got = state.get("game")
    assert got == value and got is not value
    got["seen"].append(3)  # a copy: the stored value is unchanged
    assert host.plugin("echo").context.state.get("game") == value
    again = host_on(home).plugin("echo").context.state
    assert again.all() == {"game": value, "mode": "beat"}
    again.delete("mode")
    assert again.get("mode", "none") == "none" and state.all() == {"game": value}


def test_each_plugin_and_the_host_app_have_their_own_keys(home) -> None:
    host = host_on(home)
    echo, other = (host.plugin(n).context.state for n in ("echo", "other"))
    echo.set("panel", "echo's")
    other.set("panel", "other's")
    host.state.set("panel", {"shown": False})
    assert (echo.get("panel"), other.get("panel")) == ("echo's", "other's")
    assert host_on(home).state.get("panel") == {"shown": False}


@pytest.mark.parametrize("value", [float("nan"), {1, 2}, object(), {"x": float("inf")}])
def test_a_value_json_cannot_hold_is_refused(home, value) -> None:
    state = host_on(home).plugin("echo").context.state
    with pytest.raises(ValueError, match="not a JSON value"):
        state.set("bad", value)
    assert state.get("bad") is None


@pytest.mark.parametrize("key", ["", None, 3, "k" * 201])
def test_a_key_is_a_short_string(home, key) -> None:
    with pytest.raises(ValueError, match="state key"):
        host_on(home).plugin("echo").context.state.set(key, 1)


def test_state_is_safe_from_threads(home) -> None:
    state = host_on(home).plugin("echo").context.state
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                state.set(f"t{n}", i)
                state.set("shared", n)
                assert state.get(f"t{n}") == i
        except BaseException as err:  # noqa: BLE001 — reported by the test
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    values = state.all()
    assert {values[f"t{n}"] for n in range(6)} == {19} and values["shared"] in range(6)
