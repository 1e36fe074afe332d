#!/bin/bash
# nested-loops.sh: loops in loops, written multi-line and on one line: every model times every
# variable split out of its time series, seasons within models, and a pair skipped with continue.
# Exercises: nested for (multi-line and one-line), continue inside the inner loop, [ ] && [ ]
# tests on loop variables, ncks -v, ncra -d time with indices, ncrcat over a nested glob.

for m in ccsm echam gfdl; do
  ncrcat -O ${m}_??.nc ${m}_ts.nc
  for v in T pr; do
    if [ $m = echam ] && [ $v = pr ]; then
      continue
    fi
    ncks -O -v $v ${m}_ts.nc ${m}_${v}.nc
  done
done

for m in ccsm gfdl; do for q in 1 2 3 4; do ncra -O -d time,$(( (q - 1) * 3 )),$(( q * 3 - 1 )) ${m}_pr.nc ${m}_pr_q$q.nc; done; done

for m in ccsm gfdl; do
  ncrcat -O ${m}_pr_q?.nc ${m}_pr_quarters.nc
done
ncks -H --trd -C -v pr -d lat,0 -d lon,0 ccsm_pr_quarters.nc > ccsm_pr_q.txt
exit 0
