"""The host knows nothing about any one plugin, and heavy libraries stay out of its imports."""

from __future__ import annotations

import re
from pathlib import Path

from textseq_tui.discovery import discover

HOST = Path(__file__).resolve().parents[2] / "textseq_tui"


def test_no_host_module_names_a_plugin() -> None:
    names = {r.name for r in discover()} | {"textseq_plugins"}
    pattern = re.compile("|".join(re.escape(n).replace("\\-", "[-_ ]") for n in names), re.I)
    offenders = [
        f"{path.relative_to(HOST)}:{number}: {line.strip()}"
        for path in HOST.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_plugin_api_module_imports_no_ui_or_heavy_library() -> None:
    source = (HOST / "plugin.py").read_text()
    top_level = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert not [line for line in top_level
                if re.search(r"\b(textual|typer|torch|gensim|sklearn|numpy|sqlite_utils)\b", line)]


LIGHT_IMPORT = (
    "import sys\n"
    "import textseq_tui.plugin as api\n"
    "eager = [n for n in api.__all__ if n not in api._LAZY]\n"
    "exec('from textseq_tui.plugin import ' + ', '.join(eager))\n"
    "heavy = ('sqlite_utils', 'numpy', 'textual', 'typer', 'click', 'torch', 'rich')\n"
    "print(','.join(m for m in heavy if m in sys.modules))\n"
)


def test_importing_the_plugin_api_loads_nothing_heavy() -> None:
    """``import textseq_tui.plugin`` and every name it does not resolve lazily (TRAIN_LOSS,
    VAL_LOSS, the errors, the dataclasses, cli_io) load no store, UI or ML library."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", LIGHT_IMPORT], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


PLUGINS = HOST.parent / "plugins"
EXAMPLES = HOST.parent / "examples"
#: What a plugin may import of the host: the plugin API, the documented ML toolkit and the
#: charts for plugin screens.
PUBLIC = re.compile(r"^textseq_tui\.(plugin|ml|charts)(\.|$)")
IMPORT = re.compile(r"^\s*(?:from\s+(textseq_tui[\w.]*)\s+import\s+([\w, ()]+)|"
                    r"import\s+(textseq_tui[\w.]*))")


def test_plugins_import_the_host_only_through_its_public_api() -> None:
    """Built-ins (and the example) use only ``textseq_tui.plugin``, ``textseq_tui.ml`` and
    ``textseq_tui.charts``, as a third-party plugin must: what they need is in the API, not in host internals."""
    offenders = []
    for path in [*PLUGINS.rglob("*.py"), *EXAMPLES.rglob("*.py")]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found = IMPORT.match(line)
            if not found:
                continue
            module = found.group(1) or found.group(3)
            names = found.group(2) or ""
            if module == "textseq_tui":  # from textseq_tui import X: X must be public
                ok = all(n.strip() in {"plugin", "ml", "charts"} for n in names.strip("()").split(",")
                         if n.strip())
            else:
                ok = bool(PUBLIC.match(module))
            if not ok:
                offenders.append(f"{path.relative_to(HOST.parent)}:{number}: {line.strip()}")
    assert offenders == []


def test_public_api_names_resolve() -> None:
    import textseq_tui.ml as ml
    import textseq_tui.plugin as api

    for name in api.__all__:
        assert getattr(api, name) is not None, name
    for name in ml.__all__:
        assert getattr(ml, name) is not None, name
