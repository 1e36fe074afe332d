#!/bin/bash
# mktemp-cleanup.sh: a scratch directory from mktemp -d removed by an EXIT trap, work done inside
# it with cd and the results copied back with cp; a scratch file from mktemp too.
set -e
top=$(pwd)
work=$(mktemp -d)
list=$(mktemp)
trap 'rm -rf "$work" "$list"' EXIT
cd "$work"
for m in ccsm echam; do
  ncra -O "$top"/${m}_0[4-9].nc ${m}_AMJJAS.nc
  echo ${m}_AMJJAS.nc >> "$list"
done
nces -O ccsm_AMJJAS.nc echam_AMJJAS.nc ens_AMJJAS.nc
ncatted -O -h -a history,global,d,, ens_AMJJAS.nc   # it names the scratch directory
cp ens_AMJJAS.nc "$top"/
cd "$top"
echo "$(wc -l < "$list") members"
ncks -H -C -v T -d lat,3 -d lon,0 -s '%.2f\n' ens_AMJJAS.nc
