"""Pack unfinished training runs for a commit, so a later checkout can resume them.

    python scripts/pack_resume.py runs/text128-ar runs/text128-mdm-b4 --out training/resume

Each run folder becomes training/resume/<name>/ with its state in bfloat16 (about half the size;
see training.state.pack_state) and its metrics and log as they are. scripts/train_text_models.sh
copies a packed folder back into runs/ when runs/ has no state of its own.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training.state import STATE_FILE, pack_state, saved_step  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", type=Path, help="run folders holding train_state.safetensors")
    parser.add_argument("--out", type=Path, default=Path("training/resume"))
    args = parser.parse_args(argv)
    for run in args.runs:
        if not (run / STATE_FILE).exists():
            print(f"{run}: no {STATE_FILE}, skipped", file=sys.stderr)
            continue
        target = args.out / run.name
        path = pack_state(run, target)
        for name in ("metrics.jsonl", "train.log"):
            if (run / name).exists():
                shutil.copy(run / name, target / name)
        print(f"{run} -> {target} (step {saved_step(run)}, {path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
