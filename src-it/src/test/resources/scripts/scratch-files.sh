#!/bin/bash
# scratch-files.sh: idioms of climatology scripts found in the wild: declare -a, seq -f, $( )
# with spaces inside, a skip-if-exists guard with !, a command built in a variable and run
# unquoted, hidden scratch files (.tmp_*) globbed and then removed with rm -f, jobs sent to the
# background with & and collected with wait, and ncks -h (no history).
# Exercises: declare -a, $( seq -f %02g ), [ ! -f ], else with echo, $cmd as a command line,
# a glob of dot-files, rm -f after the lines that read what it removes, &, wait.

declare -a seasons=("DJF" "JJA")
mkdir -p climo
for m in $( seq -f %02g 1 12 ); do
  out=climo/obs_${m}_zm.nc
  if [ ! -f "$out" ]; then
    ncks -h -O -v T,gw obs_${m}.nc .tmp_obs_${m}.nc
    cmd="ncwa -O -a lon .tmp_obs_${m}.nc $out"
    $cmd
  else
    echo "File $out already exists. Skip"
  fi
done
ncrcat -O .tmp_obs_0[1-6].nc climo/obs_h1.nc
rm -f .tmp_obs_??.nc

ncra -O climo/obs_{12,01,02}_zm.nc climo/obs_${seasons[0]}_zm.nc &
ncra -O climo/obs_0{6,7,8}_zm.nc climo/obs_${seasons[1]}_zm.nc &
wait
for j in "${seasons[@]}"; do
  ncatted -O -a season,global,o,c,"$j" climo/obs_${j}_zm.nc
done
ncbo -O --op_typ=sub climo/obs_JJA_zm.nc climo/obs_DJF_zm.nc climo/obs_JJA-DJF_zm.nc
exit 0
