#!/bin/bash
# failure-flags.sh: a script that goes on past failures and says at the end what failed: a flag
# set by '|| failed=1', one set inside 'if ! ...; then', the status of a failed step kept with
# '|| rc=$?', a test of each, and the script's own status from them.
# Exercises: cmd || x=1, if ! cmd; then x=1; fi, cmd || rc=$?, [ $x -ne 0 ], [ "$x" = 1 ],
# (( rc > 0 )), echo "$x", exit by a flag, cmd || { code=$?; ...; (( errors++ )); } with code
# and errors unset before, a glob over outputs one of which failed (it matches what is there, or
# stays a pattern).
failed=0
missing=0
rc=0
mkdir -p out
for m in 01 02 03 13; do
  ncks -O -v T ccsm_$m.nc out/T_$m.nc 2> /dev/null || failed=1
done
ncrcat -O out/T_*.nc out/T_months.nc
ncrcat -O out/T_1?.nc out/T_late.nc 2> /dev/null || echo "no month after 09"
for v in T pr sftlf; do
  if ! ncks -m -v $v gfdl_01.nc > /dev/null 2>&1; then
    missing=1
  fi
done
ncra -O out/T_01.nc out/T_02.nc out/T_03.nc out/T_avg.nc || rc=$?
ncra -O out/T_13.nc out/T_01.nc out/T_bad.nc 2> /dev/null || rc=$?
for m in 04 14; do
  ncks -O -v pr gfdl_$m.nc out/pr_$m.nc 2> /dev/null || { code=$?; echo "pr of $m failed: $code"; (( errors++ )); }
done
echo "failed=$failed missing=$missing rc=$rc errors=$errors code=$code"
if [ $failed -ne 0 ]; then echo "some months failed" >> out/report.txt; fi
[ "$missing" = 1 ] && echo "a variable is missing" >> out/report.txt
if (( rc > 0 )); then echo "an average failed with status $rc" >> out/report.txt; fi
cat out/report.txt
[ $failed -eq 0 ] && exit 0
exit 3
