#!/bin/bash
# job-driven.sh: what later lines do depends on what the jobs wrote: a report written by a here-
# document whose text holds values NCO prints, a loop over the variables ncdump lists, a read of
# two numbers from one ncks call, bc on them, and awk over a table the jobs wrote.
for m in ccsm echam gfdl; do
  ncwa -O -a lat,lon -w gw ${m}_07.nc gm_${m}.nc
done
cat > report.txt <<EOF
July global means
ccsm:  $(ncks -H -C -v T -s '%.2f' gm_ccsm.nc)
echam: $(ncks -H -C -v T -s '%.2f' gm_echam.nc)
EOF
cat report.txt
while read -r type name rest; do
  v=${name%%(*}
  echo "variable $v of type $type"
  ncks -O -v $v gm_gfdl.nc gfdl_$v.nc
done < <(ncdump -h gm_gfdl.nc | grep -E '^\s+(float|double) [A-Za-z]+' | grep -v 'time\|gw')
set -- $(ncks -H -C -v T,pr -s '%.4f ' gm_ccsm.nc); t=$1; p=$2
echo "T=$t pr=$p"
ratio=$(echo "scale=4; $p / $t * 1000" | bc)
echo "ratio $ratio"
for m in ccsm echam gfdl; do
  printf '%s %s\n' $m "$(ncks -H -C -v T -s '%.3f' gm_$m.nc)"
done > table.txt
awk '{s += $2} END {printf "mean %.3f over %d\n", s/NR, NR}' table.txt
best=$(sort -k2 -g table.txt | head -1 | cut -d' ' -f1)
echo "coolest: $best"
ncks -O -v T gm_$best.nc coolest.nc
if cmp -s gm_ccsm.nc gm_echam.nc; then echo same; else echo "ccsm and echam differ"; fi
