#!/bin/bash
# appends.sh: a combined file built the old way: a template copied, variables appended into it
# one after the other with ncks -A, attributes edited in a loop with ncatted, a variable renamed.
set -e
mkdir -p combined
for m in ccsm echam gfdl; do
  out=combined/${m}_TP.nc
  cp ${m}_01.nc $out
  ncks -O -v T ${m}_01.nc tmp_T_$m.nc
  ncrename -h -v T,tas tmp_T_$m.nc
  ncks -A -v tas tmp_T_$m.nc $out
  ncap2 -O -s 'pr_mm_month=pr*30.0f' ${m}_01.nc tmp_pr_$m.nc
  ncks -A -C -v pr_mm_month tmp_pr_$m.nc $out
  rm -f tmp_T_$m.nc tmp_pr_$m.nc
  for att in long_name units; do
    ncatted -O -h -a ${att},tas,o,c,"$(ncks -M -v T $out | grep -c .) ${att} of $m" $out
  done
  ncatted -h -a institution,global,c,c,"model $m" -a comment,T,d,, $out
done
ls combined
for f in combined/*.nc; do
  ncks -m -v tas "$f" | grep -E 'tas:(long_name|units)' | sed 's/^ *//'
  ncks -M $f | grep -i institution | sed 's/^ *//'
done
