#!/usr/bin/env bash
# Re-take every screen snapshot after a change that is meant (or after merging branches
# that change screens), then render them to PNG to look at before committing the SVGs.
#
#   bash tests/snapshots/update.sh            # SVGs in tests/snapshots/__snapshots__/
#   bash tests/snapshots/update.sh /tmp/png   # ...and PNGs there (needs: pip install cairosvg)
set -euo pipefail
cd "$(dirname "$0")/../.."
python - <<'PY'
import sys

sys.path.insert(0, "tests/snapshots")
from conftest import drawing_versions_differ  # the pins of .ci/constraints.txt

differ = drawing_versions_differ()
if differ:
    raise SystemExit("snapshots are taken with the versions of .ci/constraints.txt; "
                     f"installed: {'; '.join(differ)}. Run: pip install -c "
                     ".ci/constraints.txt -e '.[test]' (or bump the pins there too)")
PY
OMP_NUM_THREADS=1 python -m pytest tests/snapshots -q --snapshot-update -p no:randomly
if [ $# -ge 1 ]; then
    python tests/snapshots/render_png.py "$1"
fi
