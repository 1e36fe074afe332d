#!/bin/bash
# strict-typo.sh: a typo in a variable's name under set -u. bash runs the lines before it, then
# prints "ouput_dir: unbound variable" and exits 1, leaving the zonal means made so far.
# Exercises: set -u, an unset variable in a command's words after jobs have been planned.
set -u
output_dir=means
mkdir -p "$output_dir"
for m in 01 02; do
  ncwa -O -a lon "ccsm_$m.nc" "$output_dir/ccsm_${m}_zm.nc"
done
ncra -O "$output_dir"/ccsm_0[12]_zm.nc "$ouput_dir/mean.nc"
echo "not reached"
