#!/bin/bash
# set-e-report.sh: a script that reports as it goes and stops at its first failure (set -e). Its
# later lines do not wait for the failing one, so swamp may have run them in parallel already;
# what they printed must not show, since bash never ran them.
# Exercises: set -e with a failing NCO command mid-way, the order of what is printed.
set -e
echo "starting: $(ls ccsm_*.nc | wc -l) ccsm files"
ncks -H --trd -C -v T -d time,0 -d lat,0 -d lon,0 ccsm_01.nc
ncra -O -v T ccsm_0[1-6].nc ccsm_h1.nc   # before the failure: bash runs these, and so must swamp
ncks -H --trd -C -v T -d lat,0 -d lon,0 ccsm_h1.nc
ncks -H -v T ccsm_13.nc        # there is no month 13: bash stops here, exit 1
echo "never printed by bash"
ncks -H --trd -C -v pr -d time,0 -d lat,0 -d lon,0 obs_01.nc
echo "nor this"
