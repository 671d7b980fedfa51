"""The autocomplete plugin: Ghost-text completion from a character-level RNN."""

from textseq_plugins.autocomplete.plugin import AutocompletePlugin

__all__ = ["AutocompletePlugin"]
