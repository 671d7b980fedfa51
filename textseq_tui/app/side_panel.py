"""The side panel: installed plugins (ok / error with the reason), loaded models, device."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from textseq_tui.discovery import PluginRecord
from textseq_tui.plugin import escape


class SidePanel(VerticalScroll):
    """Attributes down: the app sets ``records``, ``models`` and ``device``."""

    DEFAULT_CSS = """
    SidePanel { width: 26; border: round $primary-background; padding: 0 1; }
    SidePanel > Static { width: 100%; }
    """

    records: reactive[list[PluginRecord]] = reactive(list, always_update=True)
    models: reactive[list[str]] = reactive(list, always_update=True)
    device: reactive[str] = reactive("auto")

    def compose(self):
        yield Static(id="plugins")
        yield Static(id="models")
        yield Static(id="device")

    def _section(self, name: str) -> Static | None:
        # Watchers fire before compose (initial values) and is_mounted is still False in
        # on_mount: look the child up instead.
        found = self.query(f"#{name}")
        return found.first(Static) if found else None

    def watch_records(self, records: list[PluginRecord]) -> None:
        section = self._section("plugins")
        if section is None:
            return
        lines = ["[b]Plugins[/b]"]
        for record in records:
            if record.ok:
                lines.append(f"[green]●[/] {escape(record.name)}")
            else:
                lines.append(f"[red]✗[/] {escape(record.name)}\n  [red]{escape(str(record.error))}[/]")
        section.update("\n".join(lines))

    def watch_models(self, models: list[str]) -> None:
        section = self._section("models")
        if section is None:
            return
        body = "\n".join(f"• {escape(m)}" for m in models) or "[dim]none loaded yet[/]"
        section.update(f"\n[b]Models[/b]\n{body}")

    def watch_device(self, device: str) -> None:
        section = self._section("device")
        if section is not None:
            section.update(f"\n[b]Device[/b]\n{escape(device)}")

    def on_mount(self) -> None:
        self.watch_records(self.records)
        self.watch_models(self.models)
        self.watch_device(self.device)
