#!/bin/bash
# strict-options.sh: a script in "strict mode" that checks for its tools, takes options with
# getopts (here from a default argument list), reads its table into an array and loops over an
# array's indices. Exercises: set -euo pipefail, command -v ... || exit, getopts with OPTARG and
# a flag, shift $((OPTIND-1)), mapfile -t ... < FILE, ${!a[@]}, ${!name}, declare -A with
# [key]=value, ncra/ncks/ncatted/ncrcat.
set -euo pipefail
for tool in ncra ncks ncatted; do
  command -v "$tool" > /dev/null || { echo "missing $tool" >&2; exit 3; }
done
[ $# -eq 0 ] && set -- -m 02 -v T -q ccsm echam
month=01 var=pr quiet=no
while getopts "m:v:q" opt; do
  case $opt in
    m) month=$OPTARG ;;
    v) var=$OPTARG ;;
    q) quiet=yes ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
models=("$@")
for i in "${!models[@]}"; do
  ncks -O -v "$var" "${models[$i]}_${month}.nc" "m${i}_${var}_${month}.nc"
done
ncra -O m?_"${var}"_"${month}".nc "ensemble_${var}_${month}.nc"
mapfile -t rows < models.csv
for r in "${!rows[@]}"; do
  case ${rows[$r]} in \#*) continue ;; esac
  name=quiet
  ncatted -O -a "row$r,global,o,c,${rows[$r]} (${!name}=$quiet)" "ensemble_${var}_${month}.nc"
done
# a table of grids by model: bash lists an associative array in its hash table's order, and
# ncrcat stacks the months in the order the loop made them
declare -A grid=([obs]=station [gfdl]=cm2 [echam]=t63)
grid[ccsm]=fv
files=()
for m in "${!grid[@]}"; do
  ncatted -O -a grid,global,o,c,"${grid[$m]}" "${m}_03.nc" "${m}_03_grid.nc"
  files+=("${m}_03_grid.nc")
done
ncrcat -O "${files[@]}" grids_in_loop_order.nc
