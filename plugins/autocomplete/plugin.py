"""The autocomplete plugin object: its capabilities, wired to the host's plugin API."""

from __future__ import annotations

from textseq_tui.plugin import Plugin


class AutocompletePlugin(Plugin):
    name = "autocomplete"
    title = "Autocomplete"
    description = "Ghost-text completion from a character-level RNN."
