#!/bin/bash
# subscripts.sh: a driver that runs another script once per model, as bash would: each run a
# shell of its own that sees the exported variables and its own arguments. Its commands are
# planned with the driver's, so the models' runs go in parallel.
# Exercises: bash SCRIPT ARGS, export, a variable the child does not see, $1 ${2:-d} in the
# child, ncra/ncwa/ncrcat.
set -e
export OUT=per-model
secret=kept-here
mkdir -p "$OUT"
for model in ccsm echam gfdl; do
  bash one-model.sh "$model" 2
done
bash one-model.sh obs
ncrcat -O "$OUT"/*_zonal2.nc "$OUT/zonal2_all.nc"
echo "secret is still $secret" > driver.txt
