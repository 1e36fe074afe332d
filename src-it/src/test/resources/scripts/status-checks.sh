#!/bin/bash
# status-checks.sh: the checks of a careful script, on $? and on a variable set from it: a step
# that reports its failure and goes on, a step that must succeed or the script stops with its
# status, a function that returns its command's status, a count of the inputs that failed.
# Exercises: if [ $? -ne 0 ], rc=$?; [ "$rc" -eq 0 ], [[ $rc != 0 ]], echo "... $?", exit $rc,
# return $?, cmd || exit (a bare exit after a job), [ 0 -lt $rc ].
mkdir -p means
for m in 01 02 03; do
  ncra -O ccsm_$m.nc echam_$m.nc gfdl_$m.nc means/mean_$m.nc
  if [ $? -ne 0 ]; then
    echo "mean of month $m failed"
  else
    echo "mean of month $m done"
  fi
done
ncra -O missing_04.nc ccsm_04.nc means/mean_04.nc 2> /dev/null
rc=$?
if [ "$rc" -eq 0 ]; then
  echo "month 04 done"
else
  echo "month 04 failed with status $rc"
fi
[[ $rc != 0 ]] && echo "month 04 needs a rerun" > means/rerun.txt
has_var() {
  ncks -m -v "$1" "$2" > /dev/null 2>&1
  return $?
}
has_var T means/mean_01.nc && echo "mean_01 has T"
has_var sftlf means/mean_01.nc
echo "sftlf in mean_01: status $?"
ncwa -O -a time means/mean_01.nc means/flat_01.nc
[ 0 -lt $? ] && echo "never: the average worked"
ncks -O -v T means/flat_01.nc means/T_01.nc || exit
ncbo -O --op_typ=- means/mean_02.nc means/mean_01.nc means/diff_21.nc
status=$?
echo "difference: status $status"
if [ $status -ne 0 ]; then
  exit $status
fi
ncks -m means/missing.nc > /dev/null 2>&1
rc=$?
echo "last check: $rc"
exit $rc
