#!/bin/bash
# monthly-climatology.sh: a month-by-month ensemble and its bias against observations, months
# from `seq 1 12` and zero-padded with `printf "%02d"` in backquotes, as NCO scripts of the
# 2000s did; then the twelve months glued back together with ncrcat over a glob of planned files.
# Exercises: backquote substitutions of seq and printf, ncea/ncbo per month, globs with ?
# over planned outputs, ncwa with weights, redirections.

for m in `seq 1 12`; do
  mm=`printf "%02d" $m`
  ncea -O ccsm_${mm}.nc echam_${mm}.nc gfdl_${mm}.nc ens_${mm}.nc
  ncbo -O --op_typ=sub ens_${mm}.nc obs_${mm}.nc bias_${mm}.nc
done

ncrcat -O ens_??.nc ens_ts.nc
ncrcat -O bias_??.nc bias_ts.nc
ncra -O bias_ts.nc bias_clim.nc
ncwa -O -a lat,lon -w gw bias_ts.nc bias_gm.nc
ncks -H --trd -C -v T bias_gm.nc > bias_gm.txt
ncks -H --trd -C -v pr -d lat,3 -d lon,0,3 bias_clim.nc > bias_pr_equator.txt
exit 0
