"""The Textual app: a chat view, a side panel, plugin screens and the command palette."""
