#!/bin/bash
# ncdump-values.sh: values pulled out of ncdump's text with grep, awk, sed and cut, that decide
# what the script does next: a dimension's size, a variable's units, a global attribute.
nlat=$(ncdump -h ccsm_01.nc | grep 'lat = ' | awk '{print $3}')
nlon=$(ncdump -h ccsm_01.nc | sed -n 's/^[[:space:]]*lon = \([0-9]*\) ;/\1/p')
echo "grid: ${nlat}x${nlon}"
half=$((nlat / 2))
ncks -O -d lat,0,$((half - 1)) ccsm_01.nc south.nc
ncks -O -d lat,$half, ccsm_01.nc north.nc
units=$(ncdump -h ccsm_01.nc | grep 'T:units' | cut -d'"' -f2)
case $units in
  K) echo "T in kelvin: converting"; ncap2 -O -s 'T=T-273.15f; T@units="degC"' ccsm_01.nc ccsm_01_C.nc ;;
  degC) echo "already Celsius" ;;
  *) echo "unknown units $units" ;;
esac
src=$(ncdump -h echam_03.nc | awk -F'"' '/:source/ {print $2}')
echo "echam's source attribute: $src"
for f in ccsm_01_C.nc south.nc north.nc; do
  n=$(ncdump -h $f | awk '/lat = / {print $3}')
  printf '%-14s %s latitudes\n' "$f" "$n"
done
tmax=$(ncdump -v T ccsm_01_C.nc | sed -n '/^ T =/,/;/p' | tr -d ' ;T=' | tr ',' '\n' | grep -v '^$' | sort -g | tail -1)
echo "max T in C: $tmax"
ncap2 -O -s "hot=T>${tmax}-5" ccsm_01_C.nc hot.nc
ncks -H -C -v hot -d lat,0 -d lon,0 hot.nc
