"""The ml package must not import torch when merely imported (the CLI's --help stays fast)."""

import subprocess
import sys


def test_importing_the_ml_package_does_not_import_torch():
    code = "import sys, textseq_tui.ml; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
