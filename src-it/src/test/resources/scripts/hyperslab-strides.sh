#!/bin/bash
# hyperslab-strides.sh: a year's series cut up with hyperslabs: every other month with a stride,
# the last three with a negative index, coordinates with decimals, a multi-record average with
# -d over the record dimension, and ncecat over a glob with a named record dimension.
set -e
ncrcat -O ccsm_??.nc series.nc
ncrcat -O -d time,0,,2 series.nc odd_months.nc
ncrcat -O -d time,-3, series.nc last3.nc
ncra -O -d time,5,7 series.nc JJA.nc
ncra -O -F -d time,1,12,3 series.nc quarterly_first.nc
ncks -O -d lat,-30.0,30.0 -d lon,90.,270. series.nc tropics.nc
ncwa -O -a lat,lon -w gw -d time,0,11,6 series.nc gm_two.nc
ncecat -O -u member -v T ccsm_01.nc echam_01.nc gfdl_01.nc ens_jan.nc
ncecat -O -M gfdl_0[1-3].nc gfdl_stack.nc
ncpdq -O -a lon,lat ens_jan.nc ens_jan_lonlat.nc
for f in odd_months last3 JJA quarterly_first tropics gm_two ens_jan gfdl_stack ens_jan_lonlat; do
  printf '%-16s' $f
  ncks -m $f.nc | grep -E '^ *(time|lat|lon|member|record) = ' | tr -s ' ' | tr '\n' ' '
  echo
done
ncks -H -C -v time series.nc -d time,0,,4 -s '%g '
echo
