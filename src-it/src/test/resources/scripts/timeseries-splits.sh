#!/bin/bash
# timeseries-splits.sh: a time series built with ncrcat and cut back up: hyperslabs in time by
# index and by C and Fortran (-F) conventions, ncrcat -n to generate a sequence of input names,
# strides, and running means with ncra over record subsets.
# Exercises: ncrcat -n NUM,DIGITS,INC, ncks -d time,a,b, ncra -F -d time,a,b, strides,
# ncra --mro, ;-separated commands, ncks -H of the results.

ncrcat -O -n 12,2,1 gfdl_01.nc gfdl_ts.nc
ncks -O -d time,0,5 gfdl_ts.nc gfdl_h1.nc; ncks -O -d time,6, gfdl_ts.nc gfdl_h2.nc
ncra -O -F -d time,1,3 gfdl_ts.nc gfdl_jfm.nc
ncra -O -d time,0,,3 gfdl_ts.nc gfdl_every3.nc
ncra -O --mro -d time,,,3,3 gfdl_ts.nc gfdl_quarterly.nc
ncrcat -O gfdl_h2.nc gfdl_h1.nc gfdl_rotated.nc
ncks -H --trd -C -v time gfdl_rotated.nc > rotated_time.txt
ncks -H --trd -C -v T -d lat,4 -d lon,4 gfdl_quarterly.nc > quarterly_point.txt
exit 0
