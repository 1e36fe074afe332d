#!/bin/bash
# captured-errors.sh: what a builtin or a helper prints on either stream, caught in $(...) or sent
# to a log as bash 5.2 does it (found by an audit of swamp against bash): a helper's errors taken
# with 2>&1, its warnings dropped with 2>/dev/null, a group's errors captured, an echo to >&2 and a
# pwd to /dev/null that capture nothing, cd failing into an appended err.log (made even when cd
# succeeds), a test's errors to a file, ${!name-default} for a model's optional setting, =~ with a
# quoted dot, and set -f around a pattern kept as written.
enter() { cd "$1" || return 1; echo "in ${PWD##*/}"; }
warn() { echo "warning: $*" >&2; echo "$*"; }
mkdir -p run_ccsm
msg=$(enter run_gfdl 2>&1); echo "enter: [${msg#*: line * }] $?"
msg=$(enter run_ccsm 2>&1); echo "enter: [$msg]"
v=$(warn cold start 2>/dev/null); echo "warned: [$v]"
both=$(warn hot 2>&1); echo "both: [$both]"
errs=$( { ls ccsm_13.nc; echo listed; } 2>&1 >/dev/null ); echo "errors only: [$errs]"
x=$(echo "to stderr" >&2); echo "x=[$x]"
y=$(pwd > /dev/null); echo "y=[$y]"
for d in run_ccsm run_none; do
  cd $d 2>> err.log || { echo "skip $d"; continue; }
  ncks -O -v T ../ccsm_01.nc T.nc
  cd ..
done
[ -f ccsm_13.nc ] 2> test.err || echo "no month 13"
ccsm_grid=fv09
for m in ccsm gfdl; do
  var=${m}_grid
  echo "$m grid ${!var-default}"
  ncatted -O -a grid,global,o,c,"${!var:-default}" ${m}_02.nc ${m}_02_grid.nc
done
for f in ccsm_01.nc ccsmx01Xnc; do
  [[ $f =~ ^ccsm.01\.nc$ ]] && echo "$f matches" || echo "$f does not"
done
set -f
pattern=gfdl_0*.nc
echo "kept: $pattern" $pattern
set +f
ncra -O $pattern gfdl_mean.nc
sed 's/line [0-9]*/line N/' err.log
