#!/bin/bash
# subdirectories.sh: one directory of outputs per model, made with mkdir -p and entered with cd,
# paths back to the inputs through ../.., then an ensemble over a glob across the subdirectories
# and per-file text tables named with basename and dirname.
# Exercises: mkdir -p with several directories, cd DIR and cd ../.., cd .., relative paths,
# globs */clim.nc over planned outputs in subdirectories, $(basename F .nc), $(dirname F).

mkdir -p out/clim out/anom
for m in ccsm echam gfdl; do
  mkdir -p out/$m
  cd out/$m
  ncrcat -O ../../${m}_??.nc ts.nc
  ncra -O ts.nc clim.nc
  ncwa -O -a lat,lon -w gw ts.nc gm.nc
  cd ../..
done

cd out
nces -O */clim.nc clim/ens.nc
cd ..

for m in ccsm echam gfdl; do
  ncbo -O --op_typ=sub out/$m/clim.nc out/clim/ens.nc out/anom/$m.nc
done

for f in out/anom/*.nc; do
  name=$(basename $f .nc)
  dir=$(dirname $f)
  ncks -H --trd -C -v T -d lat,0 -d lon,0 $f > $dir/${name}_T00.txt
done
exit 0
