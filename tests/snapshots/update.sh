#!/usr/bin/env bash
# Re-take every screen snapshot after a change that is meant (or after merging branches
# that change screens), then render them to PNG to look at before committing the SVGs.
#
#   bash tests/snapshots/update.sh            # SVGs in tests/snapshots/__snapshots__/
#   bash tests/snapshots/update.sh /tmp/png   # ...and PNGs there (needs: pip install cairosvg)
set -euo pipefail
cd "$(dirname "$0")/../.."
python - <<'PY'
from importlib.metadata import PackageNotFoundError, version
import re
from pathlib import Path

# The versions the pictures are taken with: the exact pins of the test extra.
pins = dict(re.findall(r'"(textual|rich|textual-plotext|plotext)==([^"]+)"',
                       Path("pyproject.toml").read_text()))

def installed(name):
    try:
        return version(name)
    except PackageNotFoundError:
        return None

wrong = {k: installed(k) for k, v in pins.items() if installed(k) != v}
if wrong:
    raise SystemExit(f"snapshots are taken with {pins}; installed: {wrong}. "
                     "Run: pip install -e '.[test]' (or bump the pins in pyproject.toml too)")
PY
OMP_NUM_THREADS=1 python -m pytest tests/snapshots -q --snapshot-update -p no:randomly
if [ $# -ge 1 ]; then
    python tests/snapshots/render_png.py "$1"
fi
