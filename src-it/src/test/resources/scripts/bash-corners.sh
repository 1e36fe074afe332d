#!/bin/bash
# bash-corners.sh: what a scientist's script meets when it is not written with care, each as
# bash 5.2 does it (found by an audit of swamp against bash): the IFS saved and put back, a test
# or an arithmetic expression on a value that is empty or not a number (bash's error, and on it
# goes), a readonly setting, a variable taken out of the environment, 'return' outside a
# function, a helper script run before its chmod +x, a 'latest' link moved with ln -sfn, pwd -P,
# an extended pattern in [[ ]], a subshell with an EXIT trap of its own, and the script's EXIT
# trap reading the status 'exit N' gives.
trap 'echo "exit trap: status $?"' EXIT
readonly RUN=r1
models="ccsm,gfdl"
OLDIFS=$IFS
IFS=,
set -- $models
IFS=$OLDIFS
echo "models: $# ($1 then $2)"
for m in $models; do echo "one word: $m"; done
list="ccsm_01.nc ccsm_02.nc"
for f in $list; do echo "input $f"; done

# an empty or textual value where a number was meant
n=
[ $n -gt 0 ] && echo "positive"; echo "test status $?"
[ $n == ccsm ]; echo "empty test status $?"
months=abc
[ "$months" -ge 12 ]; echo "not a number: $?"
scale=$(( 10 * 1.5 )); echo "never printed on this line"
echo "after the arithmetic error: $?"
(( ratio = 3 / 0 )); echo "(( )) status $?"
let x=5%0; echo "let status $?"

RUN=r2; echo "not printed: the line is abandoned"
echo "run is still $RUN"

export CASE=b40 KEEP=yes
export -n CASE
echo "exported: $(env | grep -c '^CASE=') $(env | grep -c '^KEEP=')"
bash -c 'echo "child sees [${CASE}] [${KEEP}]"'

return 4
echo "after return: $?"

mkdir -p tools out_v1 out_v2
printf '#!/bin/bash\necho "helper ran with $# argument(s)"\n' > tools/helper.sh
./tools/helper.sh || echo "helper not executable: $?"
chmod +x tools/helper.sh
./tools/helper.sh a b

ncra -O ccsm_01.nc ccsm_02.nc out_v1/ccsm.nc
ln -sfn out_v1 latest
ncra -O gfdl_01.nc gfdl_02.nc out_v2/gfdl.nc
ln -sfn out_v2 latest
ls latest/
(cd latest && echo "latest is $(basename "$(pwd -P)")")

for f in ccsm_01.nc gfdl_02.nc obs_03.nc; do
  [[ $f == @(ccsm|gfdl)_*.nc ]] && echo "model file $f" || echo "other file $f"
done

(trap 'echo "subshell done"' EXIT; ncks -m latest/gfdl.nc | grep -c 'T(' ; exit 0)
exit 3
