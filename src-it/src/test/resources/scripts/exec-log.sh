#!/bin/bash
# exec-log.sh: everything after exec > run.log 2>&1 goes to the log, errors too; a summary with
# tee -a to the log and the terminal before it, a failure noted, not fatal, and the error of
# an ls and a cd inside $(...) in the log where bash puts them.
echo "starting" | tee run.log
exec >> run.log 2>&1
echo "begin $(date -d 2000-01-01 +%Y)"
for m in ccsm echam gfdl; do
  ncra -O ${m}_0[1-2].nc ${m}_JF.nc && echo "$m ok"
done
ncks -O -v nosuch ccsm_01.nc bad.nc || echo "no such variable, going on"
nplots=$(ls plots/*.png | wc -l)     # no plots yet: ls complains into the log
echo "$nplots plots"
figdir=$(cd figures && pwd)         # no figures directory: cd's error goes into the log too
echo "figures in [${figdir}]"
ncks -H -C -v T -d lat,0 -d lon,0 -s '%.2f\n' gfdl_JF.nc
echo "end"
