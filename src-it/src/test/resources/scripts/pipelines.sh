#!/bin/bash
# pipelines.sh: NCO output filtered by the usual text tools, each pipeline one step: counting
# values with grep | wc -l, the head and tail of ncdump, sorted variable lists, a cut column;
# some read inputs, some read files an earlier line writes.
# Exercises: a | b and a | b | c with grep, grep -c, grep -E, wc -l, head, tail, sort, cut,
# 2>&1 into a pipe, pipelines redirected into files.

ncrcat -O ccsm_??.nc ccsm_ts.nc
ncra -O ccsm_ts.nc ccsm_clim.nc

ncks -H --trd -C -v T ccsm_01.nc | grep -c "T\[" > ccsm_01_count.txt
ncks -H --trd -C -v T -d lat,3 ccsm_ts.nc | grep " T\[[0-9]*\]=30[0-9]" | wc -l > n_hot.txt
ncdump -h ccsm_01.nc | head -20 > ccsm_01_head.txt
ncdump -v lon ccsm_01.nc | tail -4 > lon_tail.txt
ncks -m ccsm_clim.nc | grep -E '^ +(float|double) ' | sort > vars.txt
ncks -H --trd -C -v pr -d lat,0 ccsm_clim.nc 2>&1 | cut -d ' ' -f 4 | head -5 > pr_south.txt
ncks -H --trd -C -v T ccsm_clim.nc | sort -t= -k5 -g | tail -1 > hottest.txt
exit 0
