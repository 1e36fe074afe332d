#!/bin/bash
# statuses.sh: bash exits with the status of the last command it ran, not with whether any
# failed: a failure mid-way that nothing handles does not make the script fail.
# Exercises: a failing ncks without set -e, && after a job, a test and echo as the last line.
ncks -H -v T ccsm_13.nc          # there is no month 13: it fails, and bash goes on
echo "went on after the failure"
ncks -O -v T ccsm_01.nc t01.nc && echo "t01 written"
[ -f ccsm_01.nc ] && echo "month 1 is there"   # the last command: the script exits 0
