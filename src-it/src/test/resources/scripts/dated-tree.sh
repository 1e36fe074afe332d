#!/bin/bash
# dated-tree.sh: a year/month tree of outputs named by dates computed with date -d, links to the
# latest month, printf -v for names, seq -w for months, and a symlink farm read through.
set -eu
start=2000-01-15
for i in $(seq 0 5); do
  ym=$(date -d "$start + $i month" +%Y-%m)
  yr=${ym%-*}; mo=${ym#*-}
  mkdir -p out/$yr/$mo
  printf -v src 'ccsm_%s.nc' "$mo"
  ncks -O -v T "$src" out/$yr/$mo/T_${yr}${mo}.nc
done
last=$(date -d "$start + 5 month" +%Y/%m)
ln -sfn "$last" out/latest
ls out/latest/
ncks -H -C -v T -d lat,0 -d lon,0 -s '%.2f\n' out/latest/T_200006.nc
for mm in $(seq -w 1 3); do
  doy=$(date -d "2001-${mm}-01" +%j)
  echo "month $mm starts on day $((10#$doy))"
done
prev=$(date -d "2000-03-01 - 1 day" +%d)
echo "February 2000 had $prev days"
ln -s ../ccsm_01.nc out/jan.nc
ncwa -O -a lat,lon out/jan.nc out/jan_gm.nc
ls -l out/jan.nc | awk '{print $NF}'
[[ -L out/jan.nc ]] && echo "a link"
