#!/bin/bash
# trap-cleanup.sh: a scratch directory that an EXIT trap removes, in a script that stops at a
# failure under set -e. bash runs the trap when set -e ends the script, so the scratch directory
# is gone and the trap's message printed, though the script did not reach its end.
# Exercises: mkdir -p, trap '...' EXIT with a quoted variable, set -e stopping mid-way.
set -e
scratch=scratch.tmp
mkdir -p "$scratch"   # (mktemp -d would name it at random, and NCO writes its name into history)
trap 'rm -rf "$scratch"; echo "removed the scratch directory"' EXIT
ncra -O ccsm_0[1-3].nc "$scratch/q1.nc"
ncks -O -v T "$scratch/q1.nc" T_q1.nc
ncks -H -v T ccsm_13.nc        # there is no month 13: bash stops here, runs the trap, exits 1
echo "never printed"
ncks -H --trd -C -v T -d time,0 -d lat,0 -d lon,0 ccsm_04.nc   # may run in parallel; not shown
