#!/bin/bash
# make-data.sh: the netCDF inputs of the script corpus, made in the current directory from
# grid.cdl (which must be there) with ncgen and ncap2 -h. Deterministic; no history attributes.
#
#   MODEL_MM.nc   MODEL in ccsm echam gfdl, MM in 01..12: one monthly mean, record dim time,
#                 T (K), pr (mm/day), gw(lat) Gaussian-like weights
#   obs_MM.nc     the same fields as observed, MM in 01..12
#   sftlf.nc      land fraction (lat,lon), 0 or 1, for masked averages
set -e
ncgen -o grid.nc grid.cdl
offset() { case $1 in ccsm) echo 0.5 ;; echam) echo -0.8 ;; gfdl) echo 1.1 ;; obs) echo 0.0 ;; esac; }
for src in ccsm echam gfdl obs; do
  off=$(offset $src)
  for m in $(seq 1 12); do
    mm=$(printf "%02d" $m)
    ncap2 -O -h -s "
      time(0)=15.5+30.0*($m-1);
      gw=float(cos(lat*0.0174533));
      gw@long_name=\"latitude weight\";
      gw@units=\"1\";
      T[\$time,\$lat,\$lon]=0.0f;
      T=float(T+273.15+30.0*cos(lat*0.0174533)-12.0*sin(lat*0.0174533)*cos(6.2832*($m-1)/12.0)
        +2.5*sin(lon*0.0174533*($m%3+1))+$off);
      T@long_name=\"near-surface air temperature\";
      T@units=\"K\";
      pr[\$time,\$lat,\$lon]=0.0f;
      pr=float(pr+3.0+2.0*cos(lat*0.0349066)*(1.0+0.3*sin(6.2832*$m/12.0))+0.2*cos(lon*0.0174533)+$off*0.1);
      pr@long_name=\"precipitation\";
      pr@units=\"mm/day\";
      global@source=\"$src\";
      " grid.nc ${src}_${mm}.nc
  done
done
ncap2 -O -h -v -s 'sftlf[$lat,$lon]=0.0f; *s=(sftlf+sin(lon*0.0349066))*cos(lat*0.0174533);
  sftlf=float(s > 0.2); sftlf@long_name="land fraction"; sftlf@units="1";' grid.nc sftlf.nc
rm -f grid.nc
