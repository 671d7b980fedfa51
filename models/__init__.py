"""Default models shipped with textseq: one directory per model, each with its card.json."""
