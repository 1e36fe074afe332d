#!/bin/bash
# subshell-exit.sh: 'exit' inside a subshell, and inside a '| while read' loop (a subshell in
# bash), ends only that subshell: the script goes on after it, and exits 0.
# Exercises: ( cmd && exit 0; ... ), ( cmd || exit 4 ), ls | while read f; do cmd || { ...; exit 3; }; done.
( ncks -O -v T ccsm_01.nc t.nc && exit 0; echo "not reached: the subshell exited" )
ncwa -O -a time t.nc tm.nc
ncks -H --trd -C -v T -d lat,0 -d lon,0 tm.nc
( ncks -H ccsm_13.nc > /dev/null 2>&1 || exit 4 )
echo "after the subshell that exited 4"
ls ccsm_0[1-3].nc | while read -r f; do
  ncks -H --trd -C -v T -d time,0 -d lat,0 -d lon,0 "$f"
  [ "$f" = ccsm_02.nc ] && { echo "stop at $f"; exit 3; }
done
echo "end"
