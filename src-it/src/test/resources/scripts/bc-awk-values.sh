#!/bin/bash
# bc-awk-values.sh: numbers taken out of NCO output with awk, arithmetic with bc -l, and a
# unit conversion factor computed with bc passed to ncap2.
set -e
factor=$(echo "scale=8; 1/86400" | bc -l)
echo "factor $factor"
ncap2 -O -s "pr=pr*${factor}f; pr@units=\"kg m-2 s-1\"" ccsm_01.nc pr_si.nc
ncwa -O -a lat,lon,time ccsm_01.nc gm.nc
t=$(ncdump -v T gm.nc | awk '/^ T =/ {print $3}')
echo "global mean T: $t"
celsius=$(echo "$t - 273.15" | bc -l)
printf 'in C: %.2f\n' "$celsius"
if (( $(echo "$t > 280" | bc -l) )); then
  echo warm
else
  echo cold
fi
ncdump -v lat ccsm_01.nc | awk '/^ lat =/,/;/' | tr -d ' ;' | sed 's/lat=//' > lats.txt
awk -F, '{for (i=1;i<=NF;i++) if ($i != "") n++} END {print n, "latitudes"}' lats.txt
