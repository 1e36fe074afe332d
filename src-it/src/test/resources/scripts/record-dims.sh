#!/bin/bash
# record-dims.sh: record-dimension tricks from the NCO guide: --mk_rec_dmn, --fix_rec_dmn,
# ncpdq -a to reorder, ncrcat then ncks -d with a stride, ncra with -d, ncrcat --rec_apn.
set -e
ncrcat -O gfdl_??.nc gfdl_year.nc
ncks -O --fix_rec_dmn time gfdl_year.nc gfdl_fixed.nc
ncks -O -v gw gfdl_fixed.nc gw.nc
ncks -O --mk_rec_dmn lat gw.nc lat_rec.nc
ncpdq -O -a lat,time gfdl_year.nc gfdl_lat_first.nc
ncks -O -d time,0,,3 gfdl_year.nc gfdl_quarterly.nc
ncra -O -d time,5,7 gfdl_year.nc gfdl_JJA.nc
cp gfdl_01.nc appended.nc
ncrcat --rec_apn gfdl_02.nc appended.nc
ncks -m gfdl_fixed.nc | grep -i -c unlimited || echo "time is fixed now"
ncdump -h gfdl_lat_first.nc | sed -n '/dimensions:/,/variables:/p'
ncks -H -C -v time gfdl_quarterly.nc
ncks -H -C -v time appended.nc
