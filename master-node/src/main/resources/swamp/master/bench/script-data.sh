#!/bin/bash
# script-data.sh NLEV NLAT NLON: the inputs of the bench's `script` row, made in the current
# directory with ncgen and ncap2: MODEL_MM.nc for MODEL in m1..m4 and MM in 01..12, each one
# monthly mean of T(time,lev,lat,lon) and pr(time,lat,lon) on an NLEV x NLAT x NLON grid.
set -e
nlev=$1 nlat=$2 nlon=$3
cat > grid.cdl <<CDL
netcdf grid {
dimensions:
	time = UNLIMITED ;
	lev = $nlev ;
	lat = $nlat ;
	lon = $nlon ;
variables:
	double time(time) ;
		time:units = "days since 2000-01-01 00:00:00" ;
		time:calendar = "noleap" ;
	float lev(lev) ;
		lev:units = "hPa" ;
	float lat(lat) ;
		lat:units = "degrees_north" ;
	float lon(lon) ;
		lon:units = "degrees_east" ;
data:
 time = 15.5 ;
}
CDL
ncgen -o grid.nc grid.cdl
ncap2 -O -h -s "
  lev=float(1000.0-array(0,950.0/$nlev,\$lev));
  lat=float(-90.0+180.0/$nlat*(0.5+array(0,1,\$lat)));
  lon=float(360.0/$nlon*(0.5+array(0,1,\$lon)));
  gw=float(cos(lat*0.0174533));
  T[\$time,\$lev,\$lat,\$lon]=0.0f;
  T=float(T+273.15+30.0*cos(lat*0.0174533)-(1000.0-lev)/15.0+2.5*sin(lon*0.0523599));
  T@units=\"K\";
  pr[\$time,\$lat,\$lon]=0.0f;
  pr=float(pr+3.0+2.0*cos(lat*0.0349066)+0.2*cos(lon*0.0174533));
  pr@units=\"mm/day\";
  " grid.nc base.nc
model=0
for m in m1 m2 m3 m4; do
  model=$((model + 1))
  for month in $(seq 1 12); do
    mm=$(printf "%02d" $month)
    ncap2 -O -h -s "time(0)=15.5+30.0*($month-1);
      T=float(T-12.0*sin(lat*0.0174533)*cos(6.2832*($month-1)/12.0)+0.3*$model);
      pr=float(pr*(1.0+0.1*sin(6.2832*$month/12.0))+0.05*$model)" base.nc ${m}_$mm.nc
  done
done
rm -f grid.cdl grid.nc base.nc
