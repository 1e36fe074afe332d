#!/bin/bash
# subshell-set-e.sh: 'set -e' inside a subshell, or in a script run with bash, stops only that
# subshell or script, as bash does: a member with a missing file is given up and the driver, which
# does not say set -e, goes on with the others and its summary.
# Exercises: ( set -e; ... ) per member, nested subshells, bash SCRIPT whose script says set -e,
# ( set -e; cmd || exit 5 ).
mkdir -p zonal anom
for model in ccsm nosuch echam; do
  (
    set -e
    ncra -O ${model}_0[1-3].nc zonal/${model}_djf.nc
    ncwa -O -a lon zonal/${model}_djf.nc zonal/${model}_djf_zonal.nc
    echo "$model zonal mean done"
  )
done
(
  set -e
  ( ncks -O -v T nosuch_01.nc zonal/t.nc; echo "not reached: the inner subshell stopped" )
  echo "not reached: the outer subshell says set -e too"
)
bash member-anomaly.sh gfdl 07
bash member-anomaly.sh gfdl 13
( set -e; ncks -O -v pr obs_13.nc zonal/pr.nc || exit 5; echo "not reached" )
ls zonal
ls anom
echo "end"
