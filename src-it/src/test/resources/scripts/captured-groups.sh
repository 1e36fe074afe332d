#!/bin/bash
# captured-groups.sh: what a step prints and what it says on standard error kept apart or
# together: a group's output to a log with 2>&1, a group piped on with its errors dropped, a
# function's output and errors sorted together, only the errors captured, and a step's messages
# with its "ok" captured from a group, res=$( { ncra ... && echo ok; } 2>&1 ).
{ ncks -O -v T ccsm_01.nc g1.nc; echo "group done" >&2; echo out; } > grp.log 2>&1
cat grp.log
{ echo "to err" >&2; echo "to out"; } 2>/dev/null | tr a-z A-Z
f() { echo "f out"; echo "f err" >&2; }
f 2>&1 | sort
f 2>/dev/null | wc -l
out=$(f 2>&1 >/dev/null); echo "only err: $out"
res=$( { ncra -O ccsm_0[1-2].nc g2.nc && echo ok; } 2>&1 ); echo "res=$res"
echo "$(ncks -H -C -s '%.1f' -v T -d lat,0 -d lon,0 g2.nc 2>&1)"
