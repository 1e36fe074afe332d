#!/bin/bash
# ls-expr-substitution.sh: file lists from $(ls ...) of inputs and of files the script writes,
# counters with expr in backquotes, names from $(echo ...) and $(basename ...).
# Exercises: $(ls glob) over existing and planned files, `expr $n + 1`, $(echo), $(basename),
# $(seq), quoted "$(...)".

for f in $(ls obs_0?.nc); do
  ncwa -O -a lat,lon -w gw $f $(basename $f .nc)_gm.nc
done

n=0
for f in $(ls obs_0?_gm.nc); do
  n=`expr $n + 1`
done
ncrcat -O $(ls obs_0?_gm.nc) obs_gm_h1.nc
echo "$n global means" > count.txt

tag=$(echo obs | tr a-z A-Z)
ncatted -O -a tag,global,o,c,"$tag" obs_gm_h1.nc
last=$(ls obs_0?_gm.nc | tail -1)
ncks -H --trd -C -v T "$last" > last.txt
for m in $(seq 10 12); do ncks -O -v pr obs_$m.nc "$(echo obs_pr_$m.nc)"; done
ncrcat -O obs_pr_1?.nc obs_pr_q4.nc
exit 0
