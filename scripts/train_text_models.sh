#!/usr/bin/env bash
# The text models at context 128 (docs/results/text-training.md): the AR reference, block MDM and
# Block VMD at blocks 4 and 8, one budget for all (5,000 steps of 32 windows), fp32 on one CPU
# thread each by default (bf16 autocast is ~9x slower than fp32 on this project's build CPU);
# THREADS=2 for a run that has the machine to itself (the thread count changes speed, not the budget).
#   scripts/train_text_models.sh [ar|mdm-b4|vmd-b4|mdm-b8|vmd-b8 ...]   (default: all, in turn)
# A run stopped at any point resumes from runs/text128-<name>/; when that folder has no state, a
# packed one from training/resume/ (scripts/pack_resume.py) is copied in first.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/data/tinyshakespeare.txt}
COMMON=(--corpus "$CORPUS" --threads "${THREADS:-1}" --bf16 false --steps 5000 --seq-len 128 --d-model 128 --n-layers 4
        --eval-every 500 --log-every 50)
declare -A ARGS=(
  [ar]="--model ar"
  [mdm-b4]="--model mdm --block 4"
  [vmd-b4]="--model vmd --block 4 --free-bits 0.05"
  [mdm-b8]="--model mdm --block 8"
  [vmd-b8]="--model vmd --block 8 --free-bits 0.05"
)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(ar mdm-b4 vmd-b4 mdm-b8 vmd-b8)
for name in "${names[@]}"; do
  run=runs/text128-$name
  finished=training/resume/text128-$name/text128-$name.safetensors
  if [ -f "$finished" ]; then  # trained to the end already: only its checkpoint was kept
    [ -f "runs/text128-$name.safetensors" ] || cp "$finished" runs/
    continue
  fi
  if [ ! -f "$run/train_state.safetensors" ] && [ -d "training/resume/text128-$name" ]; then
    mkdir -p "$run" && cp training/resume/text128-"$name"/* "$run"/
  fi
  # shellcheck disable=SC2086
  .venv/bin/vmd-train text ${ARGS[$name]} "${COMMON[@]}" --run-dir "$run" --out "runs/text128-$name.safetensors" >> "runs/text128-$name.log" 2>&1
done
