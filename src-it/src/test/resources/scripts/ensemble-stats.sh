#!/bin/bash
# ensemble-stats.sh: the spread of an ensemble: the members' climatologies stacked along a new
# record dimension with ncecat, then its maximum, minimum, total and root-mean-square with
# ncra -y and nces -y, the range as max minus min, and the ensemble mean removed with ncwa -a.
# Exercises: ncecat -u, ncra -y max/min/ttl, nces -y rms, ncwa -a over the new dimension,
# a glob over the loop's outputs that must not see a file a later line writes.

for m in ccsm echam gfdl; do
  ncra -O ${m}_0[6-8].nc ${m}_jja.nc
done
# before ens_jja.nc exists: the glob is the three members only
nces -O -y rms *_jja.nc ens_jja_rms.nc
ncecat -O -u member ccsm_jja.nc echam_jja.nc gfdl_jja.nc ens_jja.nc
ncra -O -y max ens_jja.nc ens_jja_max.nc
ncra -O -y min ens_jja.nc ens_jja_min.nc
ncra -O -y ttl ens_jja.nc ens_jja_ttl.nc
ncbo -O --op_typ=sub ens_jja_max.nc ens_jja_min.nc ens_jja_range.nc
ncwa -O -a member ens_jja.nc ens_jja_mean.nc
ncwa -O -a member,lon -y max ens_jja.nc ens_jja_zmax.nc
ncks -H --trd -C -v T -d lat,4 ens_jja_range.nc > range_lat4.txt
exit 0
