#!/bin/bash
# by-hand-parallel.sh: a script written to run a few commands at a time on a workstation, the
# ways scientists write that: background jobs throttled with `jobs -r` and `wait -n`, a loop that
# polls `jobs -p`, `xargs -n 1 -P` and `xargs -I{}` over lists that `ls` and `find` print, GNU
# parallel, and a final report. Under swamp the pool decides how many run at once; the commands and files are bash's.
# Exercises: &, $!, jobs -r/-p, wait -n, wait PID, xargs (-n, -I, -P, -r, an output redirection
# opened once, its status 123), GNU parallel (::: sources, every combination, {.} {/.} {1} {2},
# a command in quotes, input lines, -k with an output redirection, a failure), find over inputs
# and over planned outputs, '| while read' over what find prints once the jobs before have run.
set -e
mkdir -p T pr clim
for f in ccsm_??.nc echam_??.nc; do
  ncks -O -v T,gw "$f" "T/${f%.nc}_T.nc" &
  if (( $(jobs -r | wc -l) >= 3 )); then
    wait -n
  fi
done
wait
for m in ccsm echam gfdl; do
  ncra -O ${m}_0[1-6].nc clim/${m}_jjas.nc &
  pids+=($!)
  while [ "$(jobs -p | wc -l)" -ge 2 ]; do
    sleep 0.1
  done
done
for p in "${pids[@]}"; do
  wait $p || echo "a climatology failed"
done
ls T/ccsm_*_T.nc | xargs -n 1 -P 4 -I{} ncwa -O -a lat,lon -w gw {} {}.gm
find . -maxdepth 1 -name 'gfdl_0?.nc' | sort | xargs -n 1 -I{} ncks -O -v pr {} pr/{}
find T -name '*.gm' | sort | xargs ncrcat -O -o T/ccsm_gm_series.nc > xargs.log 2>&1
find clim -name '*_jjas.nc' | sort | while read -r f; do
  echo "$(basename "$f"): $(ncks -m "$f" | grep -c float) float variables"
done
echo missing_1.nc missing_2.nc | xargs -n 1 ncks -O -v T -o never.nc 2>/dev/null || echo "xargs: $?"
parallel -j 2 ncks -O -v pr,gw {} pr/{/.}_pr.nc ::: ccsm_0[1-3].nc
ls pr/*_pr.nc | parallel 'ncwa -O -a lat,lon -w gw {} {.}.gm.nc'
parallel -k echo {1}-{2} ::: ccsm echam ::: djf jja > combos.txt
parallel ncks -O -v T missing_{}.nc -o never.nc ::: 1 2 2>/dev/null || echo "parallel failed"
printf '' | xargs -r rm
ls pr | wc -l
