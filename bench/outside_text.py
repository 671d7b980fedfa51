"""Prose from outside ../shared/data, for checking the autocomplete figures on text nothing
was trained or tuned on: the documentation this machine happens to have.

    python bench/outside_text.py OUT_DIR
    python bench/autocomplete.py --corpus-dir OUT_DIR --corpora node_api,valgrind,pypi_readmes \\
        --only-corpora --out bench/results/autocomplete-outside.json

Writes ``OUT_DIR/test/NAME.txt`` for each source found (a missing one is skipped, with a
note): ``node_api`` (the Node.js API docs, /usr/share/doc/nodejs/api/*.html), ``valgrind``
(the Valgrind manual, /usr/share/doc/valgrind/html), ``pypi_readmes`` (the long
descriptions of the Python packages installed beside this script, textseq's own left out),
and two books, prose rather than manuals, from a rustup toolchain's docs: ``rust_book`` (*The
Rust Programming Language*, a tutorial) and ``nomicon`` (*The Rustonomicon*, essays on
unsafe Rust).
Only prose is kept: paragraphs of 60 characters or more that are at least 85 % letters and
spaces; code blocks, tables and links are dropped.
"""

from __future__ import annotations

import email
import re
import sys
import sysconfig
from html.parser import HTMLParser
from pathlib import Path

MIN_CHARS, MIN_LETTERS = 60, 0.85


def prose(paragraph: str) -> str | None:
    text = re.sub(r"\s+", " ", paragraph).strip()
    if len(text) < MIN_CHARS:
        return None
    letters = sum(c.isalpha() or c == " " for c in text)
    return text if letters / len(text) >= MIN_LETTERS else None


class _Paragraphs(HTMLParser):
    SKIP = {"pre", "script", "style", "table", "nav"}
    BREAK = {"p", "li", "h1", "h2", "h3", "h4", "dd", "dt", "div", "br"}

    def __init__(self) -> None:
        super().__init__()
        self.out: list[str] = []
        self._skip = 0
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in self.SKIP
        if tag in self.BREAK:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        if tag in self.BREAK:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data)

    def flush(self) -> None:
        found = prose("".join(self._buf))
        self._buf = []
        if found:
            self.out.append(found)


def html_prose(files: list[Path]) -> list[str]:
    out: list[str] = []
    for path in files:
        parser = _Paragraphs()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        parser.flush()
        out += parser.out
    return out


def readme_prose(site_packages: Path) -> list[str]:
    out: list[str] = []
    code = ("    ", "\t", "|", "..", ">>>", "$", ":")
    for meta in sorted(site_packages.glob("*.dist-info/METADATA")):
        if meta.parent.name.startswith("textseq-"):
            continue
        body = email.message_from_string(meta.read_text(encoding="utf-8", errors="replace"))
        text = body.get_payload()
        if not isinstance(text, str) or len(text) < 2000:
            continue
        text = re.sub(r"```.*?```", "", text, flags=re.S)
        para: list[str] = []
        for line in [*text.splitlines(), ""]:
            if line.strip() and not line.startswith(code) \
                    and not set(line.strip()) <= set("=-~*#^`+|"):
                para.append(line.strip())
                continue
            joined = " ".join(para)
            para = []
            joined = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", joined)  # [text](link) -> text
            joined = re.sub(r"https?://\S+|<[^>]+>|`+|\*+", "", joined).lstrip("#- ")
            found = prose(joined)
            if found:
                out.append(found)
    return out


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1]) / "test"
    out.mkdir(parents=True, exist_ok=True)
    doc = Path("/usr/share/doc")
    rust_docs = sorted(Path.home().glob(".rustup/toolchains/*/share/doc/rust/html"))
    sources = {
        "rust_book": lambda: html_prose([d / "book" / "print.html" for d in rust_docs[:1]
                                         if (d / "book" / "print.html").is_file()]),
        "nomicon": lambda: html_prose([d / "nomicon" / "print.html" for d in rust_docs[:1]
                                       if (d / "nomicon" / "print.html").is_file()]),
        "node_api": lambda: html_prose(sorted(p for p in (doc / "nodejs" / "api").glob("*.html")
                                              if p.stem not in ("all", "index"))),
        "valgrind": lambda: html_prose(sorted((doc / "valgrind" / "html").glob("*.html"))),
        "pypi_readmes": lambda: readme_prose(Path(sysconfig.get_paths()["purelib"])),
    }
    for name, read in sources.items():
        paragraphs = read()
        if not paragraphs:
            print(f"{name}: not on this machine, skipped", file=sys.stderr)
            continue
        text = "\n".join(paragraphs) + "\n"
        (out / f"{name}.txt").write_text(text, encoding="utf-8")
        print(f"{name}: {len(text):,} chars", file=sys.stderr)


if __name__ == "__main__":
    main()
