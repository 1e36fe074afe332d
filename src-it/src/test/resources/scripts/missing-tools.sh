#!/bin/bash
# missing-tools.sh: a script written where CDO was installed, run where it is not. A program
# that is not there gives bash's 127 ('command not found'), a path to nothing 127 and a file
# that is not a program 126: the script's fallbacks read those statuses, and the last one
# leaves with it. Exercises: $? of a job that could not start, || on it, set -e's exit.
cdo -s -f nc copy ccsm_01.nc cdo_copy.nc 2> /dev/null
rc=$?
if [ "$rc" -eq 127 ]; then
  echo "no cdo here (status $rc): copying with ncks"
  ncks -O ccsm_01.nc cdo_copy.nc
fi
./bin/regrid.sh ccsm_01.nc 2> /dev/null || echo "regrid.sh: status $?"
printf 'not a program\n' > notes.txt
./notes.txt 2> /dev/null || echo "notes.txt: status $?"
set -e
ncks -O -v T cdo_copy.nc t_only.nc
nco_fancy_tool t_only.nc 2> /dev/null
echo "never printed"
