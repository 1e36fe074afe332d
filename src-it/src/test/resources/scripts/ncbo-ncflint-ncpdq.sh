#!/bin/bash
# ncbo-ncflint-ncpdq.sh: the binary and reshaping operators in a row: differences, ratios and
# sums with ncbo and its aliases, interpolation in time with ncflint, dimension permutation and
# packing with ncpdq, renames with ncrename and attribute edits with ncatted, in place.
# Exercises: ncbo --op_typ=sub/mlt/dvd/add, ncdiff, ncflint -w and -i, ncpdq -a and -P,
# ncrename -v and -d, ncatted -a ... o,c and d, in-place edits of files an earlier line wrote.

ncbo -O --op_typ=sub gfdl_07.nc gfdl_01.nc gfdl_jul-jan.nc
ncbo -O --op_typ=dvd gfdl_07.nc gfdl_01.nc gfdl_jul_over_jan.nc
ncbo -O --op_typ=mlt -v pr echam_03.nc echam_03.nc echam_03_pr2.nc
ncbo -O --op_typ=add ccsm_01.nc echam_01.nc sum_01.nc
ncdiff -O ccsm_06.nc obs_06.nc ccsm_bias_06.nc

ncflint -O -w 0.25,0.75 ccsm_01.nc ccsm_02.nc ccsm_w.nc
ncflint -O -i time,60.5 ccsm_02.nc ccsm_03.nc ccsm_day60.nc

ncpdq -O -a lon,lat ccsm_bias_06.nc ccsm_bias_06_lonlat.nc
ncpdq -O -P all_new ccsm_bias_06.nc ccsm_bias_06_packed.nc
ncpdq -O -a -lat ccsm_w.nc ccsm_w_n2s.nc

ncks -O -v T ccsm_bias_06.nc tas_bias.nc
ncrename -O -v T,tas tas_bias.nc
ncrename -O -d lat,latitude -v lat,latitude tas_bias.nc
ncatted -O -a units,tas,o,c,"K" -a long_name,tas,o,c,"near-surface air temperature bias" \
  -a source,global,d,, tas_bias.nc
ncks -H --trd -C -v tas -d latitude,2 -d lon,4 tas_bias.nc > tas_bias_point.txt
exit 0
