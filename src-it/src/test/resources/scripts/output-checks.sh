#!/bin/bash
# output-checks.sh: a careful script checks that each command left its output before it goes on
# (NCO writes its output only if it succeeds), notes what failed and skips the rest of that month.
# Exercises: [ ! -f out ] after an NCO command that fails (an input that does not exist),
# continue in the then-branch, [ -s out ] and test -e on outputs, a file written only in an else
# branch and tested after, >> to a list of problems, a list of outputs written by ls and read back,
# and a report of values read from the outputs with $(ncks ...) in the words of printf and echo.
for m in 01 02 13; do
  ncra -O ccsm_$m.nc clim_$m.nc 2> /dev/null   # there is no ccsm_13.nc: ncra fails, writes nothing
  if [ ! -f clim_$m.nc ]; then
    echo "month $m: no climatology" >> problems.txt
    continue
  fi
  ncks -H -C -v T -d lat,0 -d lon,0 clim_$m.nc > point_$m.txt
done
[ -s clim_02.nc ] && echo "february done"
test -e clim_13.nc || echo "month 13 missing, as expected"
if ncks -m obs_01.nc > /dev/null; then
  ncra -O obs_01.nc obs_mean.nc
else
  echo "no observations" > missing.txt
fi
[ -f missing.txt ] || echo "all inputs found" > status.txt
[ -f obs_mean.nc ] && ncwa -O -a lat,lon -w gw obs_mean.nc obs_global.nc
cat problems.txt
ls clim_0?.nc > made.txt    # the climatologies made above, for a loop that reads the list
while read f; do
  ncwa -O -a lat,lon -w gw $f ${f%.nc}_gm.nc
done < made.txt
for m in 01 02 13; do   # a report of values the jobs above wrote, in the words of an echo
  printf '%s %s\n' "$m" "$(ncks -H -C -v T -d lat,0 -d lon,0 -s '%.2f' clim_$m.nc 2> /dev/null || echo NA)"
done
echo "variables in the global mean:" $(ncks -m obs_global.nc | grep -c float)
