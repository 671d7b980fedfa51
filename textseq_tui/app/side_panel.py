"""The side panel: installed plugins (ok / error with the reason), loaded models, device."""

from __future__ import annotations

from rich.markup import escape
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from textseq_tui.discovery import PluginRecord


class SidePanel(VerticalScroll):
    """Attributes down: the app sets ``records``, ``models`` and ``device``."""

    DEFAULT_CSS = """
    SidePanel { width: 28; border: round $primary-background; padding: 0 1; }
    SidePanel > Static { width: 100%; }
    """

    records: reactive[list[PluginRecord]] = reactive(list, always_update=True)
    models: reactive[list[str]] = reactive(list, always_update=True)
    device: reactive[str] = reactive("auto")

    def compose(self):
        yield Static(id="plugins")
        yield Static(id="models")
        yield Static(id="device")

    def watch_records(self, records: list[PluginRecord]) -> None:
        if not self.is_mounted:
            return
        lines = ["[b]Plugins[/b]"]
        for record in records:
            if record.ok:
                lines.append(f"[green]●[/] {escape(record.name)}")
            else:
                lines.append(f"[red]✗[/] {escape(record.name)}\n  [red]{escape(str(record.error))}[/]")
        self.query_one("#plugins", Static).update("\n".join(lines))

    def watch_models(self, models: list[str]) -> None:
        if not self.is_mounted:
            return
        body = "\n".join(f"• {escape(m)}" for m in models) or "[dim]none loaded yet[/]"
        self.query_one("#models", Static).update(f"\n[b]Models[/b]\n{body}")

    def watch_device(self, device: str) -> None:
        if not self.is_mounted:
            return
        self.query_one("#device", Static).update(f"\n[b]Device[/b]\n{escape(device)}")

    def on_mount(self) -> None:
        self.watch_records(self.records)
        self.watch_models(self.models)
        self.watch_device(self.device)
