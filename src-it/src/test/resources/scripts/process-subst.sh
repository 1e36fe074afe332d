#!/bin/bash
# process-subst.sh: process substitution: diff of two headers, a loop over find's output with
# < <(...), comm of two sorted lists, paste of two value columns.
if diff <(ncdump -h ccsm_01.nc | sed 1d) <(ncdump -h echam_01.nc | sed 1d) > header.diff; then
  echo "same headers"
else
  echo "headers differ in $(grep -c '^[<>]' header.diff) lines"
fi
n=0
while read -r f; do
  ncks -O -v pr "$f" "${f%.nc}_pr.nc"
  n=$((n + 1))
done < <(find . -maxdepth 1 -name 'obs_1*.nc' | sort)
echo "$n obs files"
comm -12 <(ls ccsm_*.nc | sed 's/ccsm_//') <(ls gfdl_*.nc | sed 's/gfdl_//') | wc -l
paste -d' ' <(ncks -H -C -v lat -s '%g\n' obs_01.nc) <(ncks -H -C -v gw -s '%.3f\n' obs_01.nc) > lat_gw.txt
head -3 lat_gw.txt
