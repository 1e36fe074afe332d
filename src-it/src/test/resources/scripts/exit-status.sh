#!/bin/bash
# exit-status.sh: 'cmd || exit $?' and 'cmd || return $?' pass on the failed command's own
# status, which is known only once it has run: ls of a missing directory exits 2, so does this.
# Exercises: return $? in a function, f || echo, exit $? after a job.
check() { ls "$1" > /dev/null 2>&1 || return $?; echo "$1 is there"; }
check ccsm_01.nc
check no_such_dir || echo "check of no_such_dir failed"
ncks -O -v T ccsm_01.nc t.nc || exit $?
ls no_such_dir 2> /dev/null || exit $?
echo "never printed"
