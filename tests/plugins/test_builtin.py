"""What the built-in plugins share (``textseq_plugins``): loaders and screen factories named
without importing their modules until called."""

from __future__ import annotations

import subprocess
import sys

from textseq_plugins import imported_on_call


def test_imported_on_call_imports_at_the_call_and_passes_the_arguments() -> None:
    join = imported_on_call("posixpath", "join")
    assert join.__name__ == "join"
    assert join("a", "b") == "a/b"


def test_the_plugins_name_their_loaders_and_screens_without_importing_them() -> None:
    code = ("import sys; from textseq_tui.host import Host; from pathlib import Path; "
            "import tempfile; h = Host(home=Path(tempfile.mkdtemp()), device='cpu'); "
            "specs = [s for p in h.plugins for s in p.model_specs()]; "
            "screens = [s for p in h.plugins for s in p.screens()]; "
            "assert specs and screens; "
            "heavy = [m for m in ('torch', 'textual.screen', 'textseq_plugins.anomaly.screen', "
            "'textseq_plugins.sentiment.model', 'textseq_plugins.clusterer.screen') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
