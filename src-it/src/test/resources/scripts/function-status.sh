#!/bin/bash
# function-status.sh: functions whose status comes from a job: a check that returns 0 early when
# its test passes and 1 otherwise, one whose last command is guarded, and a last line that
# forgives its failure with '|| true'. The script exits 0, as bash's does.
# Exercises: f() { cmd && return 0; return 1; }, f() { ...; cmd && echo; }, ( cmd && exit 0;
# exit 5 ), f || echo, f && echo, wait $pid || echo, cmd || true as the last line.
has_var() {
  ncks -m -v "$2" "$1" > /dev/null 2>&1 && return 0
  echo "no $2 in $1" >&2
  return 1
}
report() {
  ncks -H -C -v T -d time,0 -d lat,0 -d lon,0 "$1" > "v_${1%.nc}.txt" && echo "reported $1"
}
for f in ccsm_01.nc ccsm_02.nc; do
  for v in T pr tas; do
    has_var "$f" "$v" && echo "$f has $v" || echo "$f lacks $v"
  done
done
report echam_01.nc || echo "report failed: echam_01.nc"
report echam_13.nc || echo "report failed: echam_13.nc"
report gfdl_01.nc && echo "report ok: gfdl_01.nc"
( ncks -m ccsm_05.nc > /dev/null && exit 0; exit 5 ) && echo "ccsm_05 readable"
( ncks -m ccsm_15.nc > /dev/null 2>&1 && exit 0; exit 5 ) || echo "ccsm_15 unreadable"
ncks -O -v T ccsm_01.nc bg_t.nc & t_pid=$!
ncks -O -v T ccsm_14.nc bg_missing.nc 2> /dev/null &
m_pid=$!
wait "$t_pid" && echo "background T done"
wait $m_pid || echo "background ccsm_14 failed"
ncks -O -v tas ccsm_01.nc tas.nc 2> /dev/null || true
