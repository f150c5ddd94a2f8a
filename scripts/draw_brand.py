"""Draw the Pro AV brand images (custom_components/proav/brand/*.png) with Pillow.

.venv/bin/python scripts/draw_brand.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = Path(__file__).resolve().parent.parent / "custom_components" / "proav" / "brand"
NAVY, TEAL, WHITE = (18, 38, 71, 255), (0, 184, 169, 255), (255, 255, 255, 255)


def _mark(size: int) -> Image.Image:
    """A screen with a play triangle and two sound waves, on a rounded navy tile."""
    scale = 4
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, s - 1, s - 1), radius=s // 5, fill=NAVY)
    # Screen
    left, top, right, bottom = s * 0.14, s * 0.22, s * 0.66, s * 0.64
    draw.rounded_rectangle((left, top, right, bottom), radius=s // 28, outline=WHITE, width=s // 26)
    draw.rectangle((s * 0.34, bottom, s * 0.46, s * 0.72), fill=WHITE)
    draw.rounded_rectangle((s * 0.26, s * 0.71, s * 0.54, s * 0.76), radius=s // 60, fill=WHITE)
    # Play triangle
    cx, cy, r = (left + right) / 2, (top + bottom) / 2, s * 0.1
    draw.polygon([(cx - r * 0.7, cy - r), (cx - r * 0.7, cy + r), (cx + r, cy)], fill=TEAL)
    # Sound waves
    for index, radius in enumerate((s * 0.12, s * 0.2)):
        box = (s * 0.70 - radius, s * 0.43 - radius, s * 0.70 + radius, s * 0.43 + radius)
        draw.arc(box, start=-50, end=50, fill=TEAL if index else WHITE, width=s // 26)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def _logo(height: int) -> Image.Image:
    """The mark followed by the words "Pro AV"."""
    mark = _mark(height)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", int(height * 0.55))
    except OSError:
        font = ImageFont.load_default(int(height * 0.55))
    text = "Pro AV"
    width = int(font.getlength(text)) + height // 3
    logo = Image.new("RGBA", (height + width, height), (0, 0, 0, 0))
    logo.paste(mark, (0, 0), mark)
    draw = ImageDraw.Draw(logo)
    draw.text((height + height // 6, height // 2), text, font=font, fill=NAVY, anchor="lm")
    return logo


def main() -> None:
    """Write icon.png, icon@2x.png, logo.png and logo@2x.png."""
    BRAND.mkdir(parents=True, exist_ok=True)
    _mark(256).save(BRAND / "icon.png", optimize=True)
    _mark(512).save(BRAND / "icon@2x.png", optimize=True)
    _logo(128).save(BRAND / "logo.png", optimize=True)
    _logo(256).save(BRAND / "logo@2x.png", optimize=True)


if __name__ == "__main__":
    main()
