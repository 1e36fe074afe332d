#!/bin/bash
# arg-parsing.sh: long options parsed by hand with while/case/shift, arrays sliced, BASH_REMATCH
# taken apart, names joined with IFS in a subshell, and ${var//[^0-9]/}.
set -- --models=ccsm,echam,gfdl --months 1-3 --var T --dry-run extra1 extra2
models=() months= var= dry=0 rest=()
while (( $# )); do
  case $1 in
    --models=*) IFS=, read -ra models <<< "${1#*=}" ;;
    --months) months=$2; shift ;;
    --var) var=$2; shift ;;
    --dry-run) dry=1 ;;
    --) shift; rest+=("$@"); break ;;
    -*) echo "unknown $1" >&2; exit 2 ;;
    *) rest+=("$1") ;;
  esac
  shift
done
echo "models: ${models[*]} (${#models[@]}); months $months; var $var; dry $dry; rest: ${rest[@]}"
first=${months%-*}; last=${months#*-}
echo "first two: ${models[@]:0:2}; last: ${models[@]: -1}; from 1: ${models[*]:1}"
join() { local IFS=$1; shift; echo "$*"; }
vars=$(join , $var pr gw)
echo "vars: $vars"
for m in "${models[@]}"; do
  files=()
  for ((mo = first; mo <= last; mo++)); do files+=("$(printf '%s_%02d.nc' $m $mo)"); done
  if (( dry )); then echo "would: ncra -v $vars ${files[*]} ${m}_q1.nc"; fi
  ncra -O -v "$vars" "${files[@]}" ${m}_q1.nc
done
for f in *_q1.nc ccsm_1[0-2].nc; do
  if [[ $f =~ ^([a-z]+)_([0-9]+|q[0-9])\.nc$ ]]; then
    echo "${BASH_REMATCH[0]} -> model ${BASH_REMATCH[1]}, part ${BASH_REMATCH[2]}, digits ${BASH_REMATCH[2]//[^0-9]/}"
  fi
done
unset 'models[1]'
echo "left: ${models[@]} indices ${!models[@]} count ${#models[*]}"
models+=(obs)
printf '%s\n' "${models[@]}" | sort -r | head -n 2
