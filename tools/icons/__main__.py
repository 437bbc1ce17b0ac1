"""Renders the skill's store icons from their vector source: `python -m tools.icons`.

tools/icons/our-rituals.svg is drawn by hand for this project; Alexa wants a 108 x 108 and a 512 x 512
PNG (skill-package/assets/images/, which `our-rituals ask-package` puts in the ASK project). Needs cairosvg
(`pip install cairosvg`, which needs the cairo library: `sudo apt-get install libcairo2`).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "tools" / "icons" / "our-rituals.svg"
IMAGES = ROOT / "skill-package" / "assets" / "images"
SIZES = {"small-icon.png": 108, "large-icon.png": 512}


def render(out: Path = IMAGES) -> list[Path]:
    """Write each icon size into `out`; returns the files written."""
    import cairosvg

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, size in SIZES.items():
        target = out / name
        cairosvg.svg2png(url=str(SOURCE), write_to=str(target), output_width=size, output_height=size)
        written.append(target)
    return written


def main() -> int:
    try:
        written = render()
    except (ImportError, OSError) as error:
        print(f"icons not rendered: {error} (pip install cairosvg; it needs libcairo2)", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
