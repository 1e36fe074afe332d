#!/bin/bash
# ncap2-quoting.sh: derived fields with ncap2 scripts in single quotes (holding $, ; and
# quotes that the shell must pass untouched), in double quotes with a shell variable and
# escaped quotes, and attribute values with spaces.
# Exercises: single quotes around $dim and ;, double quotes with \" and $var, ncap2 -s and -v,
# ncatted values with spaces, ncks -v of the new variables.

ncap2 -O -s 'Tc=T-273.15f; Tc@units="degC"; Tmax=T.max($lon); Tmin=T.min($lon)' ccsm_07.nc ccsm_07_derived.nc
ncap2 -O -v -s 'dT[$time,$lat,$lon]=T-T(:,0:0,:); dT@long_name="T minus the southernmost row"' ccsm_07.nc ccsm_07_dT.nc
factor=86400
ncap2 -O -s "pr_s=pr/${factor}.0f; pr_s@units=\"kg m-2 s-1\"" ccsm_07.nc ccsm_07_prs.nc
thr=300
ncap2 -O -v -s "hot=(T > ${thr}f); hot@long_name=\"T above ${thr} K\"" ccsm_07.nc ccsm_07_hot.nc
ncatted -O -a comment,global,o,c,'derived with ncap2; see the script' ccsm_07_derived.nc
ncatted -O -a long_name,Tc,o,c,"near-surface air temperature in Celsius" ccsm_07_derived.nc
ncks -H --trd -C -v Tmax,Tmin ccsm_07_derived.nc > ccsm_07_extremes.txt
ncwa -O -a time,lat,lon ccsm_07_hot.nc ccsm_07_hot_fraction.nc
exit 0
