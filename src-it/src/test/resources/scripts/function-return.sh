#!/bin/bash
# function-return.sh: a function that returns early when its first command fails, the idiom
# 'cmd || { echo ... >&2; return 2; }', called in a loop with '|| echo failed'. The rest of the
# function does not run for that file, and the caller hears the function's status.
# Exercises: return N after a job inside a function, f || echo, f && echo.
process() {
  ncks -O -v T "$1" "t_$1" || { echo "cannot read $1" >&2; return 2; }
  ncwa -O -a time "t_$1" "m_$1"
  echo "processed $1"
}
for f in ccsm_01.nc ccsm_13.nc ccsm_02.nc; do
  process "$f" || echo "failed: $f"
done
process ccsm_03.nc && echo "ok 03"
