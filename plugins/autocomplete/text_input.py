"""Reading a user's text: a training corpus or a text to learn, refused clearly when it is
not UTF-8 text. No torch here: a bad corpus is refused before torch is imported."""

from __future__ import annotations

from pathlib import Path

from textseq_tui.plugin import BadInput

VAL_FRACTION = 0.1


def looks_binary(data: bytes) -> bool:
    """True when the first 64 KiB hold a NUL byte or over 1 % control bytes: not text."""
    head = data[:65536]
    controls = sum(b < 9 or 13 < b < 32 for b in head)
    return b"\x00" in head or controls > len(head) * 0.01


def read_corpus(path: str | Path) -> str:
    """The text of a UTF-8 corpus file; ``BadInput`` with a fix for a missing, empty,
    binary or non-UTF-8 file."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise BadInput(f"{path}: no such file (give a UTF-8 text file with --corpus)")
    data = path.read_bytes()
    if not data.strip():
        raise BadInput(f"{path} is empty: a corpus needs text to learn from")
    if looks_binary(data):
        raise BadInput(f"{path} looks like a binary file (NUL or control bytes), not text; "
                       "give a plain UTF-8 text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadInput(
            f"{path} is not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            f"convert it first, e.g. iconv -f latin1 -t utf-8 {path.name} > corpus.txt"
        ) from None


def split_corpus(text: str, val_fraction: float = VAL_FRACTION) -> tuple[str, str]:
    """First ``1 - val_fraction`` of the characters for training, the rest held out."""
    cut = int(len(text) * (1 - val_fraction))
    return text[:cut], text[cut:]
