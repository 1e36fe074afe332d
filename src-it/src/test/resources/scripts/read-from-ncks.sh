#!/bin/bash
# read-from-ncks.sh: variables listed from a file's metadata and read into a loop: one file per
# variable, each renamed with ncrename; the long_name attributes pulled out with sed.
ncks -O -v T,pr obs_05.nc both.nc
ncks -m both.nc | awk '/^ *float/ {sub(/\(.*/, "", $2); print $2}' > vars.txt
while read -r v; do
  ncks -O -v "$v" both.nc "var_$v.nc"
  ncrename -O -v "$v,${v}_obs" "var_$v.nc" "obs_$v.nc"
  echo "$v -> ${v}_obs"
done < vars.txt
for f in obs_T.nc obs_pr.nc; do
  ncdump -h "$f" | sed -n 's/.*long_name = "\(.*\)" ;/\1/p' | head -1
done
