#!/bin/bash
# tee-logs.sh: a run that shows its progress and keeps it in a log with tee, the log started fresh
# and appended to with tee -a, a summary tee'd into two files, and NCO's output tee'd too.
log=process.log
echo "start of run" | tee $log
for m in ccsm echam gfdl; do
  ncra -O ${m}_0[1-6].nc ${m}_H1.nc 2>&1 | tee -a $log
  echo "$m: first half averaged" | tee -a $log
  ncks -H -C -v T -d lat,0 -d lon,0 -s '%.2f\n' ${m}_H1.nc | tee -a $log values.txt > /dev/null
done
echo "values:"; cat values.txt
printf '%s\n' done summary | tee summary1.txt summary2.txt
ncks -m ccsm_H1.nc | grep -c float | tee -a $log
wc -l < $log
