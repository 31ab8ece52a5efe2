"""Light and dark themes built on the Okabe-Ito colour-blind-safe palette.

A Theme is plain data (hex strings) so that views, plots and exports read the same colours.
Meaning never rests on hue alone: conflicts are also outlined and hatched, committed-now
cells also drawn bold, clues also on a grey ground.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


class OkabeIto:
    BLACK = "#000000"
    ORANGE = "#E69F00"
    SKY_BLUE = "#56B4E9"
    BLUISH_GREEN = "#009E73"
    YELLOW = "#F0E442"
    BLUE = "#0072B2"
    VERMILLION = "#D55E00"
    REDDISH_PURPLE = "#CC79A7"


@dataclass(frozen=True)
class Theme:
    name: str
    dark: bool
    window: str
    base: str
    panel: str
    text: str
    muted: str
    border: str
    accent: str
    board: str
    grid_thin: str
    grid_thick: str
    clue_fill: str
    clue_text: str
    model_text: str
    model_fill: str
    model_fill_min: float
    model_fill_max: float
    committed_now: str
    committed_now_alpha: float
    conflict: str
    ghost: str
    peer_fill: str
    same_digit_fill: str
    selection: str
    ok: str
    lanes: tuple[tuple[str, str], ...]

    def lane_colour(self, lane: str) -> str:
        return dict(self.lanes).get(lane, self.accent)


LIGHT = Theme(
    name="light",
    dark=False,
    window="#F3F4F6",
    base="#FFFFFF",
    panel="#FFFFFF",
    text="#1B1F24",
    muted="#626B76",
    border="#D3D7DD",
    accent=OkabeIto.BLUE,
    board="#FFFFFF",
    grid_thin="#C3C8D0",
    grid_thick="#2B3036",
    clue_fill="#E4E7EC",
    clue_text="#101317",
    model_text=OkabeIto.BLUE,
    model_fill=OkabeIto.BLUE,
    model_fill_min=0.04,
    model_fill_max=0.30,
    committed_now=OkabeIto.YELLOW,
    committed_now_alpha=0.85,
    conflict=OkabeIto.VERMILLION,
    ghost="#7A828D",
    peer_fill="#0A2540",
    same_digit_fill=OkabeIto.REDDISH_PURPLE,
    selection=OkabeIto.REDDISH_PURPLE,
    ok=OkabeIto.BLUISH_GREEN,
    lanes=(("mdm", OkabeIto.ORANGE), ("vmd", OkabeIto.BLUE), ("ar", OkabeIto.REDDISH_PURPLE)),
)

DARK = Theme(
    name="dark",
    dark=True,
    window="#1C1F24",
    base="#15171B",
    panel="#23272E",
    text="#E7E9EC",
    muted="#9BA3AE",
    border="#3A4049",
    accent=OkabeIto.SKY_BLUE,
    board="#191C21",
    grid_thin="#3B414A",
    grid_thick="#B4BCC6",
    clue_fill="#2C3139",
    clue_text="#F4F6F8",
    model_text=OkabeIto.SKY_BLUE,
    model_fill=OkabeIto.SKY_BLUE,
    model_fill_min=0.05,
    model_fill_max=0.30,
    committed_now=OkabeIto.YELLOW,
    committed_now_alpha=0.40,
    conflict="#F2792F",
    ghost="#8A929C",
    peer_fill="#FFFFFF",
    same_digit_fill=OkabeIto.REDDISH_PURPLE,
    selection=OkabeIto.REDDISH_PURPLE,
    ok="#2BC29A",
    lanes=(("mdm", OkabeIto.ORANGE), ("vmd", OkabeIto.SKY_BLUE), ("ar", OkabeIto.REDDISH_PURPLE)),
)

THEMES = {t.name: t for t in (LIGHT, DARK)}


def theme_named(name: str) -> Theme:
    return THEMES.get(name, LIGHT)


def colour(hex_code: str, alpha: float = 1.0) -> QColor:
    c = QColor(hex_code)
    c.setAlphaF(max(0.0, min(1.0, alpha)))
    return c


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Fusion style with a palette from the theme, so every stock widget follows it."""
    app.setStyle("Fusion")
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.base,
        QPalette.ColorRole.AlternateBase: theme.panel,
        QPalette.ColorRole.ToolTipBase: theme.panel,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.panel,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.BrightText: theme.conflict,
        QPalette.ColorRole.Highlight: theme.accent,
        QPalette.ColorRole.HighlightedText: "#FFFFFF" if not theme.dark else "#0B0D10",
        QPalette.ColorRole.Link: theme.accent,
        QPalette.ColorRole.Mid: theme.border,
        QPalette.ColorRole.Midlight: theme.border,
        QPalette.ColorRole.Dark: theme.grid_thick if not theme.dark else "#0E1013",
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, value in roles.items():
        p.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.muted))
    app.setPalette(p)
