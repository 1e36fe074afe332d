#!/bin/bash
# text-reports.sh: numbers out of netCDF files into text files, the way a scientist builds a
# report: > to start a file, >> to add to it in a loop, 2> and 2>&1 and &> for stderr, printf
# and echo of text, cat of files the script wrote, ncdump of an input.
# Exercises: redirections > >> 2> 2>&1 &> on NCO commands, echo, printf and cat; a loop piped
# into sort whose lines take a value out of a file a job in it wrote; diff of two process
# substitutions.

echo "global-mean temperature by model" > report.txt
for m in ccsm echam gfdl; do
  ncra -O -v T,gw ${m}_0[1-6].nc ${m}_h1.nc 2> ${m}_ncra.err
  ncwa -O -a time,lat,lon -w gw ${m}_h1.nc ${m}_T_h1.nc
  echo "== $m" >> report.txt
  ncks -H --trd -C -v T ${m}_T_h1.nc >> report.txt
done

ncks -m -v T ccsm_01.nc > meta.txt 2>&1
ncks -H --trd -C -v T -d lat,0 -d lon,0 obs_01.nc 2> err.txt > obs00.txt
ncks -H --trd -C -v pr -d lat,7 -d lon,15 obs_12.nc &> obs_corner.txt
printf "%s\n" ccsm echam gfdl > models.txt
printf "%-8s %3d\n" total 3 >> models.txt
ncdump -v lat ccsm_01.nc > lat.cdl
for m in ccsm echam gfdl obs; do
  ncwa -O -a lat,lon,time -w gw -v T ${m}_01.nc gm_${m}.nc
  v=$(ncks -H -C -s '%.3f' -v T gm_${m}.nc)
  echo "$m $v"
done | sort -k2 -n > ranking.txt
cat report.txt models.txt ranking.txt > all.txt
diff <(ncdump -h ccsm_01.nc) <(ncdump -h echam_01.nc) > header.diff || echo "headers differ" >> all.txt
exit 0
