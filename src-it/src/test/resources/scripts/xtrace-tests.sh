#!/bin/bash
# xtrace-tests.sh: set -x into a log (exec 2> trace.log) over what a script tests and counts, as
# bash 5.2 traces it (found by an audit of swamp against bash): each primary of [[ ]] it
# evaluates, a pattern's quoted characters escaped, (( )) with its blanks, each part of for
# ((...)), and case as written.
exec 2> trace.log
set -x
model=ccsm; first="${model}_01.nc"; none=
[[ -f $first && $model == cc* ]] && ncks -O -v T "$first" T_first.nc
[[ -z $none || $model -gt 2 ]]
[[ ! -e missing.nc ]]
[[ $first == "$first" ]]
[[ $first =~ \.nc$ ]]
n=0
for (( m = 1 ; m <= 2 ; m++ )); do
  (( n += m ))
done
case $model in
  cc*) ncra -O ${model}_0[1-2].nc ${model}_JF.nc ;;
  *) echo other ;;
esac
set +x
echo "n=$n"
