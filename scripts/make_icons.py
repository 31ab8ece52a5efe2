"""Draw the application icon and write it in every format a build needs.

    python scripts/make_icons.py            # writes resources/icons/

The icon is a 3 x 3 block of Sudoku cells caught mid-decode: some cells committed (in the
app's Okabe-Ito colours), the rest still masked (a grey cell with a dot). It is drawn with
Pillow at 1024 px and scaled down, so the files are reproducible from this script alone:

    vmd.svg                      the same design as a vector file (Linux desktops, docs)
    vmd-<size>.png               16 ... 512 px (window icon, hicolor theme, .desktop entries)
    vmd.png                      256 px (the default)
    vmd.ico                      Windows (16 ... 256 px in one file)
    vmd.icns                     macOS
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
BACKGROUND = "#1B2433"
MASKED = "#3A4658"
DOT = "#8C97A8"
# Okabe-Ito: blue, orange, bluish green, vermillion, sky blue.
COMMITTED = {0: "#0072B2", 2: "#E69F00", 4: "#009E73", 6: "#D55E00", 7: "#56B4E9"}
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = [(s, s) for s in (16, 24, 32, 48, 64, 128, 256)]


def _geometry(size: int) -> tuple[float, float, float, float]:
    """(margin, corner radius, cell size, gap) for a canvas of `size` pixels."""
    margin = size * 0.06
    inner = size - 2 * margin
    gap = inner * 0.055
    cell = (inner - 4 * gap) / 3
    return margin, size * 0.18, cell, gap


def draw(size: int = 1024) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    margin, radius, cell, gap = _geometry(size)
    pen.rounded_rectangle((margin, margin, size - margin, size - margin), radius=radius, fill=BACKGROUND)
    for index in range(9):
        row, col = divmod(index, 3)
        x0 = margin + gap + col * (cell + gap)
        y0 = margin + gap + row * (cell + gap)
        box = (x0, y0, x0 + cell, y0 + cell)
        colour = COMMITTED.get(index)
        pen.rounded_rectangle(box, radius=cell * 0.16, fill=colour or MASKED)
        if colour is None:
            r = cell * 0.09
            cx, cy = x0 + cell / 2, y0 + cell / 2
            pen.ellipse((cx - r, cy - r, cx + r, cy + r), fill=DOT)
    return image


def svg(size: int = 1024) -> str:
    margin, radius, cell, gap = _geometry(size)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">',
        f'  <rect x="{margin:.1f}" y="{margin:.1f}" width="{size - 2 * margin:.1f}" height="{size - 2 * margin:.1f}" '
        f'rx="{radius:.1f}" fill="{BACKGROUND}"/>',
    ]
    for index in range(9):
        row, col = divmod(index, 3)
        x0 = margin + gap + col * (cell + gap)
        y0 = margin + gap + row * (cell + gap)
        colour = COMMITTED.get(index)
        parts.append(
            f'  <rect x="{x0:.1f}" y="{y0:.1f}" width="{cell:.1f}" height="{cell:.1f}" rx="{cell * 0.16:.1f}" '
            f'fill="{colour or MASKED}"/>'
        )
        if colour is None:
            parts.append(f'  <circle cx="{x0 + cell / 2:.1f}" cy="{y0 + cell / 2:.1f}" r="{cell * 0.09:.1f}" fill="{DOT}"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "icons")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    master = draw(1024)
    for size in PNG_SIZES:
        # Small sizes are drawn at their own size: a downscaled 1024 px image blurs the gaps.
        image = draw(size * 4).resize((size, size), Image.LANCZOS) if size < 64 else master.resize((size, size), Image.LANCZOS)
        image.save(out / f"vmd-{size}.png", optimize=True)
    master.resize((256, 256), Image.LANCZOS).save(out / "vmd.png", optimize=True)
    master.save(out / "vmd.ico", sizes=ICO_SIZES)
    master.save(out / "vmd.icns")
    (out / "vmd.svg").write_text(svg(), encoding="utf-8")
    for path in sorted(out.iterdir()):
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
