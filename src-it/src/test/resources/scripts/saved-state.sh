#!/bin/bash
# saved-state.sh: a run that keeps its settings in a file it can source again, and logs what it
# runs, as a bash-fluent scientist writes it (found by audit 19): declare -p of a scalar, an
# array and an associative array into a file, declare -F and trap -p, ${cmd[*]@Q} in a log
# line, ${!prefix*}, and 'cmd | read x', which in bash sets nothing after it.
trap 'echo "done: status $?"' EXIT
declare -A offset=([ccsm]=0.5 [echam]=-0.8)
models=(ccsm echam)
run_id="r1 'test'"
run_months=3
declare -p run_id models offset > state.sh
declare -p nosuch
echo "declare -p of an unset name: $?"
echo "settings: ${!run_*}"

mean() {
  local m=$1
  local -a cmd=(ncra -O "${m}_01.nc" "${m}_02.nc" "${m}_03.nc" "${m}_q1.nc")
  echo "running: ${cmd[*]@Q}"
  "${cmd[@]}"
}
declare -F mean
trap -p EXIT

unset run_id models offset
source state.sh
for m in "${models[@]}"; do
  mean "$m"
  ncks -H -C -v T -d lat,0 -d lon,0 -s '%.2f\n' "${m}_q1.nc"
  echo "$m offset ${offset[$m]}"
done
echo "run ${run_id@Q}, ${run_id@U}"

first=unset
ncks -m ccsm_q1.nc | read -r first rest
echo "after the pipeline: $first (status $?)"
printf 'no newline' | read -r last
echo "a last line without its newline: status $?"
