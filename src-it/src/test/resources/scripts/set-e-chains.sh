#!/bin/bash
# set-e-chains.sh: a careful scientist's script: set -e at the top, steps chained with && and
# guarded with ||, two commands on one line with ;, long commands split with \ continuations,
# an exported setting, set -x tracing, and exit 0.
# Exercises: set -e, set -x, export, &&, ||, ;, \ line continuations, exit.

set -e
export OMP_NUM_THREADS=1
set -x

ncra -O ccsm_??.nc ccsm_clim.nc && ncwa -O -a lon ccsm_clim.nc ccsm_zm.nc
[ -f ccsm_zm.nc ] || exit 1
ncks -O -v T ccsm_zm.nc T_zm.nc; ncks -O -v pr ccsm_zm.nc pr_zm.nc
ncbo -O --op_typ=add \
     T_zm.nc \
     T_zm.nc \
     T2_zm.nc
ncra -O \
  -v T,pr \
  echam_0[1-3].nc echam_q1.nc && ncra -O -v T,pr echam_0[4-6].nc echam_q2.nc \
  && ncrcat -O echam_q1.nc echam_q2.nc echam_h1.nc
test -f T2_zm.nc && echo "done" > status.txt
set +x
exit 0
