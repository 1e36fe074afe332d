#!/bin/bash
# echo-functions.sh: small functions that return values by echoing them, with local variables,
# used in names of files; nested loops with continue 2 and break 2; seq -w, a C-style loop over an
# array, and [[ -s ]] on what a step wrote.
season_of() {
  local m=$((10#$1))
  case $m in
    12|1|2) echo DJF ;;
    3|4|5) echo MAM ;;
    6|7|8) echo JJA ;;
    *) echo SON ;;
  esac
}
out_name() { local model=$1 season=$2; echo "seas/${model}_${season}.nc"; }
n_months() { local -a a=($@); echo ${#a[@]}; }
mkdir -p seas
models=(ccsm echam gfdl obs)
for ((i = 0; i < ${#models[@]}; i++)); do
  m=${models[i]}
  [[ $m == obs ]] && continue
  declare -A by=()
  for mm in $(seq -w 1 12); do
    s=$(season_of $mm)
    by[$s]+="${m}_${mm}.nc "
  done
  for s in DJF MAM JJA SON; do
    [[ $m == echam && $s == SON ]] && continue
    f=$(out_name $m $s)
    echo "$m $s: $(n_months ${by[$s]}) months -> $f"
    ncra -O ${by[$s]} "$f"
  done
  unset by
done
for m in "${models[@]}"; do
  for s in JJA DJF; do
    if [[ $m == gfdl ]]; then break 2; fi
    f=$(out_name $m $s)
    [[ -s $f ]] || { echo "no $f"; continue 2; }
    echo "have $f"
  done
done
echo "last model looked at: $m"
