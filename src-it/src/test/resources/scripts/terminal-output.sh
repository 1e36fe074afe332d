#!/bin/bash
# terminal-output.sh: a script that reports to the terminal, as scientists' scripts do: progress
# lines, NCO's printed values and metadata, a table with printf, warnings on stderr. Under
# bin/swamp run what it prints must come out as under bash, in the script's order, though its
# independent commands run in parallel and end in any order.
# Exercises: echo, printf, ncks -H/-m to the terminal, >&2, a loop and a function that print.

echo "== seasonal means, $(ls ccsm_*.nc | wc -l) monthly files per model"
report() {
  printf '%-6s %s\n' "$1" "$2"
}
mkdir -p seasons
for m in ccsm echam gfdl; do
  echo "averaging $m"
  ncra -O -v T ${m}_0[6-8].nc seasons/${m}_jja.nc
  ncwa -O -a time,lat,lon seasons/${m}_jja.nc seasons/${m}_jja_global.nc
  ncks -H --trd -C -v T seasons/${m}_jja_global.nc
  report "$m" done
done
echo "warning: obs not averaged" >&2
ncks -m -v T seasons/gfdl_jja.nc | grep -E 'T:|history' | head -4
printf '%s\n' "-- end of report --"
