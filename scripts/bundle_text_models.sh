#!/usr/bin/env bash
# Once scripts/train_text_models.sh has trained all five context-128 models: bundle them as the
# Text tab's models and measure them into docs/results/text.{md,json} (each checkpoint's
# metadata gets its figures: --record), then plot the word rates.
#   scripts/bundle_text_models.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/data/tinyshakespeare.txt}
NAMES=(ar mdm-b4 vmd-b4 mdm-b8 vmd-b8)
for name in "${NAMES[@]}"; do
  [ -f "runs/text128-$name.safetensors" ] || { echo "runs/text128-$name.safetensors is missing: scripts/train_text_models.sh $name" >&2; exit 1; }
done
for name in "${NAMES[@]}"; do cp "runs/text128-$name.safetensors" "resources/checkpoints/text-$name.safetensors"; done
.venv/bin/vmd-eval text --phrase-checkpoint --corpus "$CORPUS" --nfe 1 2 4 8 --word-prompts 128 --record --threads 1 \
  --json docs/results/text.json --markdown docs/results/text.md
.venv/bin/python scripts/plot_text_words.py docs/results/text.json --png docs/results/text-words.png
