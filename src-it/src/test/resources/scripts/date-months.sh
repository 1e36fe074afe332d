#!/bin/bash
# date-months.sh: walking months with GNU date, seq -w, printf -v and 10# arithmetic.
start=2000-01-01
d=$start
while [ "$(date -d "$d" +%Y%m)" -le 200006 ]; do
  ym=$(date -d "$d" +%Y%m)
  mm=$(date -d "$d" +%m)
  ncks -O -v T ccsm_${mm}.nc T_${ym}.nc
  echo "$ym from ccsm_${mm}.nc"
  d=$(date -d "$d + 1 month" +%Y-%m-%d)
done
ncrcat -O T_2000??.nc T_2000H1.nc
for mm in $(seq -w 7 12); do
  printf -v prev '%02d' $(( 10#$mm - 1 ))
  echo "month $mm follows $prev (numeric $((10#$mm)))"
done
echo "last month: $(date -d "$start + 11 months" +%B)"
# the month-08 trap: %02d of "08" is not an octal number (bash says so, prints 00, status 1)
for mm in $(seq -w 7 10); do
  m2=$(printf '%02d' $mm)
  echo "printf gives $m2 for $mm"
done
