"""The completion providers' warm-ups come first: the other plugins' warm-ups start only once
they are done (the first ghost text after launch must not wait on other plugins' imports)."""

from __future__ import annotations

import threading

from fakes import record
from helpers import wait_for

from textseq_tui.app.main import TextseqApp
from textseq_tui.host import Host
from textseq_tui.plugin import CompletionRequest, Plugin

EVENTS: list[str] = []


class Words:
    def complete(self, request: CompletionRequest) -> str | None:
        return None


class ProvidingPlugin(Plugin):
    name = "providing"

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def completion_provider(self) -> Words:
        return Words()

    def warmup(self) -> None:
        EVENTS.append("providing started")
        self.release.wait(10)
        EVENTS.append("providing done")


class OtherPlugin(Plugin):
    name = "other"

    def warmup(self) -> None:
        EVENTS.append("other started")


async def test_other_warmups_wait_for_the_completion_providers(home, monkeypatch) -> None:
    monkeypatch.setenv("TEXTSEQ_WARMUP", "1")
    EVENTS.clear()
    other, providing = OtherPlugin(), ProvidingPlugin()
    app = TextseqApp(Host(home=home, device="cpu", records=[record(other), record(providing)]))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "providing started" in EVENTS, what="the first warm-up")
        assert "other started" not in EVENTS  # held back while the provider warms up
        providing.release.set()
        await wait_for(pilot, lambda: "other started" in EVENTS, what="the other warm-up")
    assert EVENTS == ["providing started", "providing done", "other started"]
