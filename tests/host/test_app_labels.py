"""Labels show in one order, the host's annotator order, whichever answers first (#24
item 4)."""

from __future__ import annotations

import time

from fakes import record
from helpers import wait_for

from textseq_tui.app.main import TextseqApp
from textseq_tui.host import Host
from textseq_tui.plugin import Annotation, Plugin


def labelling(name: str, label: str, delay: float) -> Plugin:
    class Labeller(Plugin):
        def annotators(self):
            class Slow:
                def annotate(self, text: str) -> Annotation:
                    time.sleep(delay)
                    return Annotation(label=label)

            Slow.name = name
            return [Slow()]

    Labeller.name = name
    return Labeller()


async def test_labels_keep_the_same_order_whoever_answers_first(home) -> None:
    host = Host(home=home, device="cpu", records=[record(labelling("first", "mood: calm", 0.4)),
                                                  record(labelling("second", "typo? \"teh\"",
                                                                   0.0))])
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        for count, text in enumerate(("one", "two", "three"), 1):
            await pilot.press(*text, "enter")
            await wait_for(pilot, lambda n=count: sum("calm" in e and "teh" in e
                                                      for e in app.transcript.entries()) == n)
        for text in ("one", "two", "three"):
            assert f'you: {text}  [mood: calm]  [typo? "teh"]' in app.transcript.entries()


def test_a_label_wraps_whole_at_any_width():
    import io

    from rich.console import Console

    from textseq_tui.app.transcript import user_text

    message = user_text("The meeting about the budget went walrus and everyone agreed",
                        [("anomaly", Annotation('out of place? "walrus"')),
                         ("sentiment", Annotation("neutral"))])
    for width in range(24, 90):
        out = io.StringIO()
        Console(file=out, width=width, color_system=None).print(message)
        lines = out.getvalue().splitlines()
        assert max(len(line.rstrip()) for line in lines) <= width
        assert any('[out of place? "walrus"]' in line for line in lines), (width, lines)
        assert any("[neutral]" in line for line in lines)
    assert message.plain.endswith('  [out of place? "walrus"]  [neutral]')
