#!/bin/bash
# nco-guide-chain.sh: NCO user guide habits: ncecat -u to a new record dim, ncrename of
# variables, dimensions and attributes (with the '.' that tolerates absence), ncatted chains,
# ncks -A to append a variable, ncpdq packing and unpacking, ncwa with a mask, -p paths.
set -e
mkdir -p work
ncecat -O -u realization ccsm_01.nc echam_01.nc gfdl_01.nc work/ens.nc
ncrename -O -d realization,member -v T,tas -v .nosuch,never work/ens.nc work/ens_ren.nc
ncrename -h -a tas@long_name,standard_long_name work/ens_ren.nc
ncatted -O -h -a units,tas,o,c,kelvin -a comment,global,c,c,"built by nco-guide-chain" \
  -a source,global,d,, work/ens_ren.nc
ncks -O -v gw -p . obs_01.nc work/gw.nc
ncks -A -v sftlf sftlf.nc work/gw.nc
ncks -O ccsm_01.nc work/c01.nc
ncks -A -v sftlf sftlf.nc work/c01.nc
ncwa -O -a lat,lon -m sftlf -M 0.5 -T gt -w gw -v T -p work c01.nc work/land_T.nc
ncpdq -O -P all_new -v T ccsm_02.nc work/packed.nc
ncpdq -O -U work/packed.nc work/unpacked.nc
ncks -m work/packed.nc | grep -c -e scale_factor -e add_offset
ncks -H -C -v T -s '%.2f\n' work/land_T.nc
ncdump -h work/ens_ren.nc | grep -E 'member|kelvin|comment'
