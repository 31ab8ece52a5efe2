"""Plot the word rate against steps per block for every text model (the AR model as the
reference line) from the `words` rows of `vmd-eval text --json`, rendered offscreen.

    python scripts/plot_text_words.py docs/results/text.json --png docs/results/text-words.png
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="the JSON that vmd-eval text --json wrote")
    parser.add_argument("--png", type=Path, required=True)
    args = parser.parse_args()
    words = json.loads(args.report.read_text()).get("words")
    if not words:
        raise SystemExit(f"{args.report} has no word-rate rows (run vmd-eval text with --word-prompts > 0)")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.text.word_chart import WordRateChart

    app = QApplication.instance() or QApplication([])
    chart = WordRateChart()
    chart.show_rows(words)
    chart.resize(760, 420)
    chart.show()
    app.processEvents()
    args.png.parent.mkdir(parents=True, exist_ok=True)
    chart.grab().save(str(args.png))
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
