"""The autocomplete plugin: Ghost-text completion from a character-level RNN."""

from textseq_plugins.autocomplete.plugin import AutocompletePlugin

plugin = AutocompletePlugin()

__all__ = ["plugin", "AutocompletePlugin"]
