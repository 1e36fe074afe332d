#!/bin/bash
# exported-functions.sh: a function run by xargs and GNU parallel in a bash of their own, which
# has it because the script exports it (export -f), as the usual recipe for running a function
# over many files in parallel goes; a second exported with declare -fx, one taken back with
# export -fn, and what sh (dash, which takes no functions from its environment) makes of them.
climatology() {
  local m=$1
  ncra -O ${m}_0[1-6].nc ${m}_H1.nc
  echo "climatology of $m done"
}
zonal() { ncwa -O -a lon "$1" "${1%.nc}_zm.nc"; }
export -f climatology
declare -fx zonal
printf '%s\n' ccsm echam gfdl | xargs -n 1 bash -c 'climatology "$0"'
ls *_H1.nc | xargs -I{} bash -c 'zonal {}'
ls *_zm.nc
export -f nosuch || echo "export -f nosuch: status $?"
export -fn zonal
bash -c 'type -t zonal || echo "zonal is not exported any more: status $?"'
bash -c 'type -t climatology'
sh -c 'type climatology > /dev/null 2>&1 || echo "sh has no climatology"'
export -f zonal
parallel zonal ::: echam_H1.nc gfdl_H1.nc && echo "parallel zonal ok"
