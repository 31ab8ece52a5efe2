#!/usr/bin/env bash
# Once scripts/train_text_models.sh has trained the five context-128 models: measure each one
# (its figures go into its metadata: --record), bundle them as the Text tab's models, join the
# five reports and the phrase-pair models' into docs/results/text.{md,json} and plot the word rates.
#   scripts/bundle_text_models.sh            measure what is not measured yet, then bundle all five
#   scripts/bundle_text_models.sh mdm-b4 ... only measure these (into runs/text-bundle/); bundle nothing
# A model is measured once: its copy in runs/text-bundle/ and the report beside it are kept until
# runs/text128-<name>.safetensors changes, so a stopped run goes on where it stopped.
# Cost on one thread of the build machine (2026-12-07): 3-8 minutes for the AR or an MDM; a VMD is
# scored under K draws of z (IW_SAMPLES, default 4): 22-36 minutes at K=4, ~4 hours at K=16. K=4 is a
# little looser (docs/results/text-training.md gives the gap on the first 16 windows). Measure the two
# VMDs side by side (THREADS=1, one process each).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/data/tinyshakespeare.txt}
THREADS=${THREADS:-1}
IW_SAMPLES=${IW_SAMPLES:-4}
STAGE=runs/text-bundle
ALL=(ar mdm-b4 vmd-b4 mdm-b8 vmd-b8)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=("${ALL[@]}")
mkdir -p "$STAGE"
for name in "${names[@]}"; do
  trained=runs/text128-$name.safetensors
  staged=$STAGE/text-$name.safetensors
  report=$STAGE/text-$name.json
  [ -f "$trained" ] || { echo "$trained is missing: scripts/train_text_models.sh $name" >&2; exit 1; }
  if [ -f "$report" ] && [ "$report" -nt "$trained" ]; then
    echo "text-$name: measured already ($report)"; continue
  fi
  cp "$trained" "$staged"
  # vmd-eval writes the report last, so a stopped measurement leaves none (or the stale one).
  .venv/bin/vmd-eval text --checkpoint "$staged" --phrase-checkpoint --corpus "$CORPUS" --nfe 1 2 4 8 \
    --word-prompts 128 --iw-samples "$IW_SAMPLES" --record --threads "$THREADS" --json "$report" > "$STAGE/text-$name.log" 2>&1 \
    || { echo "text-$name: measurement failed, see $STAGE/text-$name.log" >&2; exit 1; }
  echo "text-$name: measured ($report)"
done
[ $# -gt 0 ] && exit 0
phrases=$STAGE/phrases.json  # the bundled phrase-pair models, so that text.md has their rates too
if ! [ -f "$phrases" ] || [ resources/checkpoints/phrases-mdm.safetensors -nt "$phrases" ] \
   || [ resources/checkpoints/phrases-vmd.safetensors -nt "$phrases" ]; then
  .venv/bin/vmd-eval text --checkpoint --phrase-checkpoint resources/checkpoints/phrases-{mdm,vmd}.safetensors \
    --record --threads "$THREADS" --json "$phrases" > "$STAGE/phrases.log" 2>&1 \
    || { echo "phrase models: measurement failed, see $STAGE/phrases.log" >&2; exit 1; }
fi
reports=()
for name in "${ALL[@]}"; do
  cp "$STAGE/text-$name.safetensors" "resources/checkpoints/text-$name.safetensors"
  reports+=("$STAGE/text-$name.json")
done
.venv/bin/vmd-eval text --merge "${reports[@]}" "$phrases" --json docs/results/text.json --markdown docs/results/text.md > /dev/null
.venv/bin/python scripts/plot_text_words.py docs/results/text.json --png docs/results/text-words.png
echo "bundled the five text models; docs/results/text.{md,json} and text-words.png rewritten"
