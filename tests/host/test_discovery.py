"""Entry-point discovery: broken plugins are listed with their error, the rest load."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from textseq_tui import discovery
from textseq_tui.discovery import discover, load_entry_point
from textseq_tui.plugin import Plugin

BUILTINS = {"odd-one-out", "autocomplete", "sentiment", "clusterer", "anomaly"}


class OldApi(Plugin):
    name = "old"
    api_version = 99


not_a_plugin = object()


def ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=discovery.GROUP)


def test_builtins_are_discovered_through_entry_points() -> None:
    records = discover()
    names = {r.name for r in records}
    assert BUILTINS <= names
    for r in records:
        if r.name in BUILTINS:
            assert r.ok, r.error
            assert r.source == "built-in"


def test_entry_points_name_classes_and_each_call_makes_a_new_instance() -> None:
    for record in discover():
        if record.name in BUILTINS:
            assert record.factory is type(record.plugin) and not record.deprecations
            assert record.factory() is not record.plugin


def test_plugin_raising_on_import_is_reported_not_fatal() -> None:
    record = load_entry_point(ep("ghost", "no_such_module_xyz:plugin"))
    assert not record.ok
    assert record.status.startswith("error: ModuleNotFoundError")
    assert "no_such_module_xyz" in record.detail


def test_plugin_raising_non_import_error_is_caught() -> None:
    record = load_entry_point(ep("zero", "zero_division_plugin:plugin"))
    assert not record.ok and "ZeroDivisionError" in record.error


def test_unsupported_api_version_is_refused_clearly() -> None:
    record = load_entry_point(ep("old", "test_discovery:OldApi"))
    assert not record.ok
    assert "plugin API 99" in record.error and "supports 1" in record.error


def test_object_that_is_not_a_plugin_is_refused() -> None:
    record = load_entry_point(ep("obj", "test_discovery:not_a_plugin"))
    assert "is not a textseq_tui.plugin.Plugin" in record.error


@pytest.mark.parametrize("value,expected", [("", set()), ("sentiment", {"sentiment"}),
                                            ("sentiment, anomaly", {"sentiment", "anomaly"})])
def test_load_plugins_env_limits_what_loads(monkeypatch, value, expected) -> None:
    monkeypatch.setenv("TEXTSEQ_LOAD_PLUGINS", value)
    assert {r.name for r in discover()} == expected


class Nameless(Plugin):
    pass


def test_the_host_name_textseq_is_refused_for_a_plugin() -> None:
    record = load_entry_point(ep("textseq", "test_discovery:Nameless"))
    assert not record.ok and "is the host's own" in record.error
