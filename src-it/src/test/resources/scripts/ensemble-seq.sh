#!/bin/bash
# ensemble-seq.sh: members numbered with seq -w, made with ncap2 from one file, then nces for
# the mean, min and max, ncbo for anomalies, ncks to pull one point into a text table with awk.
members=$(seq -w 8 11)
for i in $members; do
  ncap2 -O -s "T=T+0.25f*${i#0}" echam_03.nc mem_${i}.nc
done
nces -O mem_??.nc ens_mean.nc
nces -O -y min mem_??.nc ens_min.nc
nces -O -y max mem_??.nc ens_max.nc
for i in $members; do
  ncbo -O --op_typ=sbt mem_${i}.nc ens_mean.nc anom_${i}.nc
done
for f in ens_m*.nc anom_{08,11}.nc; do
  printf '%-12s %s\n' "${f%.nc}" "$(ncks -H -C -v T -d lat,0 -d lon,0 -s '%.3f' $f)"
done | awk '{printf "%s=%s\n", $1, $2}' | tee table.txt
echo "$(wc -l < table.txt) rows"
