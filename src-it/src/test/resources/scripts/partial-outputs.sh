#!/bin/bash
# partial-outputs.sh: a loop where some members fail (a missing input), then the survivors
# counted and summarised through pipelines over a glob of the outputs: ls | wc -l, wc -l of the
# per-member text files with its "total" line, head -n 1 of each, cat into sort; and background
# members with & whose pids are waited for one by one.
for m in ccsm nosuch echam; do
  ncks -O -v T ${m}_01.nc part_$m.nc 2>/dev/null || echo "member $m failed"
  ncks -H -C -s '%.2f\n' -v T -d lat,0 -d lon,0,2 part_$m.nc 2>/dev/null | grep -v '^$' > /dev/null
done
for m in ccsm nosuch gfdl; do
  [ -f ${m}_02.nc ] || { echo "skip $m"; continue; }
  ncks -O -v pr ${m}_02.nc pr_$m.nc && ncks -H -C -s '%.3f\n' -v pr -d lat,1 -d lon,0,1 pr_$m.nc > pr_$m.txt
done
ncks -O -v pr nosuch_03.nc pr_bad.nc 2>/dev/null
ls part_*.nc | wc -l
ls part_*.nc 2>&1 | grep -c part_
ls part_*.nc pr_*.nc 2>/dev/null | sort
wc -l pr_*.txt | tail -n 1
head -n 1 pr_*.txt | grep -c '==>'
cat pr_*.txt | sort -n | head -n 2
ncks -O -v T nosuch_04.nc bg_1.nc 2>/dev/null &
p1=$!
ncks -O -v T gfdl_04.nc bg_2.nc &
p2=$!
wait $p1 || echo "bg 1 failed"
wait $p2 && echo "bg 2 done"
ls bg_*.nc 2>/dev/null | sed "s/^/survivor: /"
