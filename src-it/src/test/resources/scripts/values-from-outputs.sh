#!/bin/bash
# values-from-outputs.sh: values a script reads from the files earlier lines write, and goes on
# with: a global mean subtracted from each model's climatology, a count that decides what comes
# next, and the number of time steps of a file that a loop then walks.
# Exercises: $(ncks ...) of a job's output in an assignment, a test, a for loop's list and the
# words of ncap2 and ncks; each iteration waiting for its own value; what waits on no value
# planned and running meanwhile; 'while read ... done <' a list a job wrote; 'until' on a job;
# sed in a pipeline and in place.
mkdir -p out
for m in ccsm echam gfdl; do
  ncra -O ${m}_*.nc out/${m}_clim.nc
done
ncwa -O -a lat,lon,time -w gw out/ccsm_clim.nc out/ccsm_gm.nc
mean=$(ncks -H -C -s '%.3f' -v T out/ccsm_gm.nc)
echo "ccsm global mean: $mean"
for m in echam gfdl; do
  ncap2 -O -s "T=T-${mean}f" out/${m}_clim.nc out/${m}_minus_ccsm.nc
  n=$(ncks -m out/${m}_minus_ccsm.nc | grep -c float)
  if [ "$n" -ge 4 ]; then
    echo "$m: $n float variables"
  fi
done
ncrcat -O ccsm_0[1-6].nc out/ccsm_first_half.nc
steps=$(ncks -m out/ccsm_first_half.nc | grep -E 'time = UNLIMITED' | sed -E 's/.*\(([0-9]+) currently.*/\1/')
echo "$steps time steps"
for t in $(seq 0 $((steps - 1))); do
  ncks -O -d time,$t out/ccsm_first_half.nc out/ccsm_step_$t.nc
done
last=$(ls out/ccsm_step_*.nc | wc -l)
[ "$last" -eq "$steps" ] && echo "one file per time step"
# a list a job writes, read back; a retry loop on a command that keeps failing
ncks -m out/ccsm_clim.nc | grep -E '^ +float [A-Za-z]+\(' | cut -d'(' -f1 | tr -s ' ' | cut -d' ' -f3 > out/vars.txt
while read v; do
  ncks -O -v $v out/ccsm_clim.nc out/ccsm_$v.nc
done < out/vars.txt
tries=0
until ncks -O -v T out/gfdl_nosuch.nc out/gfdl_T.nc 2> /dev/null; do
  tries=$((tries + 1))
  [ $tries -ge 2 ] && break
done
echo "gfdl: gave up after $tries tries"
sed -i.bak 's/^/variable /' out/vars.txt
