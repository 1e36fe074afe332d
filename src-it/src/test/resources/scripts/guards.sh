#!/bin/bash
# guards.sh: the if-guards scientists put around steps: on inputs that exist or not, and on files
# an earlier line of the script writes (which bash sees because that line has run, and a planner
# must see as existing because that line will have run).
# Exercises: if/elif/else/fi with [ -f ], [ -e ], [ -d ], [ -s ], [ -z ], [ -n ], string = and
# !=, numeric -gt, [[ && ]], [[ == pattern ]], test, && and || after tests, mkdir.

if [ -f obs_01.nc ]; then
  ncrcat -O obs_??.nc obs_ts.nc
fi

# obs_ts.nc is what the line above writes
if [ -f obs_ts.nc ]; then
  ncra -O obs_ts.nc obs_clim.nc
else
  echo "no observations" > missing.txt
fi

if [ -f mri_01.nc ]; then
  ncra -O mri_??.nc mri_clim.nc
elif [[ -e ccsm_01.nc && -s sftlf.nc ]]; then
  ncrcat -O ccsm_??.nc ccsm_ts.nc
  ncks -A -v sftlf sftlf.nc ccsm_ts.nc
  ncwa -O -a lat,lon -w gw -B 'sftlf > 0.5' ccsm_ts.nc ccsm_land.nc
else
  echo "nothing to do" > missing.txt
fi

test -d tables || mkdir tables
[ -d tables ] && ncks -H --trd -C -v T ccsm_land.nc > tables/ccsm_land.txt

region=""
if [ -z "$region" ]; then
  region=global
fi
if [ -n "$region" ] && [ "$region" = "global" ]; then
  ncwa -O -a lat,lon -w gw obs_clim.nc obs_${region}.nc
fi
if [ "$region" != "tropics" ]; then
  echo "region: $region" > region.txt
fi

nmodels=3
if [ $nmodels -gt 2 ]; then
  nces -O ccsm_07.nc echam_07.nc gfdl_07.nc ens_07.nc
fi
if [[ $region == glob* ]]; then
  ncbo -O --op_typ=sub ens_07.nc obs_07.nc bias_07.nc
fi
if [ -s bias_07.nc ]; then
  ncks -H --trd -C -v T -d lat,4 bias_07.nc > bias_07.txt
fi
[ -f missing.txt ] || echo "all inputs found" > status.txt
exit 0
