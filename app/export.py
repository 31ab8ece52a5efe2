"""Writing what the user sees: traces as JSON, a widget as PNG, a sequence of frames as an
animated GIF (Qt has no GIF writer; Pillow does, imported only when needed)."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QWidget

from vmdcore import atomic

from . import messages


class ExportError(Exception):
    """An export failed; the message is for the user."""


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Every file the app writes goes through here (or write_text): atomically, so an existing
    file is replaced whole or left alone (vmdcore.atomic). A failure is an ExportError."""
    path = Path(path)
    try:
        return atomic.write_bytes(path, data)
    except OSError as exc:
        raise ExportError(f"Could not write {path}: {exc.strerror or exc}") from exc


def write_text(path: str | os.PathLike, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def traces_payload(traces: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One trace is written as itself (vmd-trace); several as a vmd-trace-set keyed by lane."""
    if not traces:
        raise ExportError("There is no solve to export yet.")
    if len(traces) == 1:
        payload = next(iter(traces.values())).to_dict()
        if extra:
            payload["settings"] = {**payload.get("settings", {}), **extra}
        return payload
    return {
        "format": "vmd-trace-set",
        "version": 1,
        **(dict(extra) if extra else {}),
        "traces": {lane: trace.to_dict() for lane, trace in traces.items()},
    }


def write_json(payload: Mapping[str, Any], path: str | os.PathLike) -> Path:
    return write_text(path, json.dumps(payload, indent=1))


def save_png(widget: QWidget, path: str | os.PathLike) -> Path:
    path = Path(path)
    image = widget.grab().toImage()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if image.isNull() or not image.save(buffer, "PNG"):
        raise ExportError(f"Could not write the image {path}")
    buffer.close()
    return write_bytes(path, bytes(data.data()))


def _to_pil(image: QImage):
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits())[: rgb.bytesPerLine() * rgb.height()]
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), data, "raw", "RGB", rgb.bytesPerLine(), 1)


def save_gif(frames: Sequence[QImage], path: str | os.PathLike, frame_ms: int, last_frame_ms: int = 2000) -> Path:
    """One shared palette for all frames, so colours do not flicker from frame to frame."""
    try:
        from PIL import Image
    except ImportError as exc:
        raise ExportError("GIF export needs the Pillow package (pip install Pillow).") from exc
    if not frames:
        raise ExportError("There are no frames to write.")
    path = Path(path)
    images = [_to_pil(f) for f in frames]
    width, height = images[0].size
    picks = images[:: max(1, len(images) // 6)] + [images[-1]]
    sheet = Image.new("RGB", (width, height * len(picks)))
    for i, im in enumerate(picks):
        sheet.paste(im, (0, i * height))
    palette = sheet.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    quantized = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    durations = [max(20, int(frame_ms))] * len(quantized)
    durations[-1] = max(durations[-1], int(last_frame_ms))
    data = io.BytesIO()
    quantized[0].save(data, format="GIF", save_all=True, append_images=quantized[1:], duration=durations, loop=0, optimize=False)
    return write_bytes(path, data.getvalue())


def ask_and_write(
    parent: QWidget, title: str, default: str, file_filter: str, writer: Callable[[str], Any],
    last_dir: str = "", remember: Callable[[str], None] | None = None,
) -> Any:
    """Ask where to save (starting in `last_dir`), write there with `writer`; `remember` is given
    the chosen folder. A failed write is shown as a message. Returns what `writer` returned, or
    None when the user cancelled or the write failed."""
    start = str(Path(last_dir) / default) if last_dir else default
    path, _ = QFileDialog.getSaveFileName(parent, title, start, file_filter)
    if not path:
        return None
    if remember is not None:
        remember(str(Path(path).parent))
    try:
        return writer(path)
    except ExportError as exc:
        messages.show_error(parent, title, str(exc))
        return None
