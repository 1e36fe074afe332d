#!/bin/bash
# fresh-files.sh: redo only what is out of date. A stamp file, find -newer to list the inputs
# changed since, touch -d to age files, xargs -P to run in parallel, sort -u/comm/join to
# compare lists, a dated log (date +%F) kept with tee -a, nohup around a long command.
log=process_$(date +%F).log
stamp=.last_run
echo "== run of $(basename "$0") ==" | tee -a "$log"
touch -d '2000-01-01 00:00' "$stamp"
touch -d '1999-06-01 00:00' ccsm_01.nc ccsm_02.nc echam_01.nc
# every input newer than the stamp: all but the three aged above
find . -maxdepth 1 -name '*_0[1-3].nc' -newer "$stamp" | sed 's|^\./||' | sort > changed.txt
ls *_0[1-3].nc | sort > all.txt
comm -23 all.txt changed.txt > unchanged.txt
echo "unchanged: $(paste -sd' ' unchanged.txt)" | tee -a "$log"
echo "changed: $(wc -l < changed.txt)" | tee -a "$log"
# zonal means of the changed ones, four at a time
mkdir -p zm
sed 's/\.nc$//' changed.txt | xargs -P 4 -I{} ncwa -O -a lon {}.nc zm/{}_zm.nc
ls zm | wc -l | tee -a "$log"
# a models table joined with a table of the run's output
cut -d_ -f1 changed.txt | sort -u > models_changed.txt
sed 's/ //g' models.csv | grep -v '^#' | sort -t, -k1,1 > models_sorted.csv
join -t, models_changed.txt models_sorted.csv | tee -a "$log"
for m in $(cat models_changed.txt); do
  n=$(grep -c "^$m" changed.txt)
  printf '%s,%d\n' "$m" "$n"
done > counts.csv
join -t, counts.csv models_sorted.csv > joined.csv
cat joined.csv
# a long job the old way
nohup ncrcat -O zm/gfdl_0?_zm.nc gfdl_zm_q1.nc > nohup.out 2>&1
echo "nohup status $?" | tee -a "$log"
ncks -H -C -v time gfdl_zm_q1.nc | sort -u | head -n 3
sort -u -t, -k3,3 models_sorted.csv | cut -d, -f3 | tr '\n' ' '; echo
# second pass: nothing is newer than a stamp set ahead (a stamp touched now would be refused:
# which files are newer depends on the order the jobs ran in)
touch -d '2030-01-01 00:00' "$stamp"
n=$(find . -maxdepth 1 -name '*.nc' -newer "$stamp" | wc -l)
echo "newer than fresh stamp: $n"
# normalise the dated name for comparison
mv "$log" process_TODAY.log
cat process_TODAY.log
