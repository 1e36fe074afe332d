#!/bin/bash
# parameter-expansion.sh: file names taken apart and put together with ${var%suffix},
# ${var#prefix}, defaults with ${var:-default} (and a variable from the environment), lengths
# with ${#var}, and options held in one variable and split into words when used unquoted.
# Exercises: ${f%.nc}, ${f#ccsm_}, ${x:-d}, ${#x}, export, word splitting of "$opts" unquoted,
# double quotes that expand and single quotes that do not, ncks/ncatted/ncwa.

for f in ccsm_0?.nc; do
  base=${f%.nc}
  month=${f#ccsm_}
  month=${month%.nc}
  ncks -O -v T,gw $f ${base}_T.nc
  ncatted -O -a month,global,c,c,"$month" ${base}_T.nc
done

suffix=${SUFFIX:-anom}
outdir=${OUTDIR:-.}
export CASE=${CASE:-control}
echo "suffix ${suffix} (${#suffix} characters), case $CASE, into $outdir" > names.txt
echo 'single quotes keep $suffix and ${#suffix} as written' >> names.txt

opts="-O -a lat,lon -w gw"
ncwa $opts ccsm_05_T.nc ccsm_05_T_gm.nc
ncra -O ccsm_0?_T.nc $outdir/ccsm_T_${suffix}_base.nc
label="JJA mean"
ncatted -O -a label,global,o,c,"$label of $CASE" ccsm_T_${suffix}_base.nc
exit 0
