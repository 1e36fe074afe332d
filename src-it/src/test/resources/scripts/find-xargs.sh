#!/bin/bash
# find-xargs.sh: files found with find, sorted and read in a loop; find -print0 | xargs -0
# with -n1 -P4; sort -V; basename and ${f%.nc}.
mkdir -p zonal
find . -maxdepth 1 -name 'echam_*.nc' | sort | while read f; do
  b=$(basename "$f" .nc)
  ncwa -O -a lon "$f" "zonal/${b}_zm.nc"
done
find . -maxdepth 1 -name 'gfdl_0[1-4].nc' -print0 | xargs -0 -n1 -P4 bash -c 'ncks -O -v pr "$0" "${0%.nc}_pr.nc"'
find . -maxdepth 1 -name 'gfdl_0[1-4].nc' -print0 | sort -z | xargs -0 -I{} ncks -O -v T {} {}.T.nc
ls gfdl_0*.nc.T.nc | sort -V
for f in zonal/*.nc; do echo "${f%.nc} $(dirname $f)"; done
