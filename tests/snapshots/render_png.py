"""Render the snapshot SVGs to PNG for review: python tests/snapshots/render_png.py OUT_DIR

Needs cairosvg (pip install cairosvg; it is not a project dependency). Fonts fall back to
the system's monospace font, so box-drawing and braille glyphs may look rougher than in a
terminal; what is being reviewed is the layout.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    import cairosvg

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "snapshot-png")
    out.mkdir(parents=True, exist_ok=True)
    for svg in sorted(HERE.glob("__snapshots__/*/*.svg")):
        png = out / (svg.stem + ".png")
        cairosvg.svg2png(url=str(svg), write_to=str(png), output_width=1400)
        print(png)


if __name__ == "__main__":
    main()
