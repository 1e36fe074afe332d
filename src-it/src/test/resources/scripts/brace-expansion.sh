#!/bin/bash
# brace-expansion.sh: brace expansion in all the places scientists use it: a list of models,
# a numeric range, a zero-padded range of months, directories made in one mkdir, and pairs of
# input files.
# Exercises: {a,b,c} in for and in arguments, {1..3}, {01..06}, {07..12}, prefix{a,b}suffix,
# mkdir -p sets/{a,b}, ncrcat/ncra/ncecat.

mkdir -p halves/{first,second}
for m in {ccsm,echam,gfdl}; do
  ncrcat -O ${m}_{01..06}.nc halves/first/${m}.nc
  ncrcat -O ${m}_{07..12}.nc halves/second/${m}.nc
done

for i in {1..3}; do
  mm=$(printf "%02d" $((i * 4)))
  ncra -O {ccsm,gfdl}_${mm}.nc pair_${mm}.nc
done

ncecat -O -u model halves/first/{ccsm,echam,gfdl}.nc halves/first_models.nc
ncra -O halves/second/{ccsm,echam}.nc halves/second_ce.nc
for v in {T,pr}; do for p in pair_{04,08}.nc; do ncks -H --trd -C -v $v -d lat,5 -d lon,0 $p >> pair_lat5.txt; done; done
exit 0
