#!/bin/bash
# regions.sh: regional means over latitude bands held in parallel arrays, hyperslabs with
# coordinate values (-d lat,MIN,MAX with decimals) and with indices, and a land-only mean with a
# mask appended from another file.
# Exercises: parallel arrays indexed in a C-style for, ${#a[@]}, negative numbers in words,
# ncwa -d with coordinate ranges, ncks -A (an in-place append), ncwa -B mask condition.

names=(tropics nh_extratropics sh_extratropics)
south=(-30 30 -90)
north=(30 90 -30)
ncra -O gfdl_??.nc gfdl_clim.nc
for ((r=0; r<${#names[@]}; r++)); do
  ncwa -O -a lat,lon -w gw -d lat,${south[$r]}.0,${north[$r]}.0 gfdl_clim.nc gfdl_${names[$r]}.nc
done
ncrcat -O gfdl_tropics.nc gfdl_nh_extratropics.nc gfdl_sh_extratropics.nc gfdl_bands.nc

ncks -O -d lon,90.0,180.0 gfdl_clim.nc gfdl_sector.nc
ncks -O -d lat,2,5 -d lon,0,,2 gfdl_clim.nc gfdl_strided.nc
ncks -O -v T,gw gfdl_clim.nc gfdl_land_in.nc
ncks -A -v sftlf sftlf.nc gfdl_land_in.nc
ncwa -O -a lat,lon -w gw -B 'sftlf > 0.5' gfdl_land_in.nc gfdl_land.nc
ncks -H --trd -C -v T gfdl_bands.nc > bands.txt
ncks -H --trd -C -v T gfdl_land.nc >> bands.txt
exit 0
