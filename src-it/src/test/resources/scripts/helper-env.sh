#!/bin/bash
# Drive the one-model.sh helper for a few models, with an environment hand-off.
# For swamp: env VAR=... bash one-model.sh is the helper's call with those variables.
export OUT=helper_out
mkdir -p "$OUT"
bash one-model.sh ccsm 4
bash one-model.sh echam
secret=run42 bash one-model.sh gfdl 2
env secret=viaenv OUT="$OUT" bash one-model.sh obs 6
echo "done list:"
cat "$OUT/done.txt"
ls "$OUT"
for z in "$OUT"/*_zonal*.nc; do
  printf '%s lon-dim: ' "$(basename "$z")"
  ncks -m "$z" | grep -c '^ *lon = ' || true
done
