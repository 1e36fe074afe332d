#!/bin/bash
# csv-table-strict.sh: a veteran's table loop under set -euo pipefail: while IFS=, read -r,
# skipping comments and blank lines, printf -v, (( n += 1 )) (not n++), a here-string, and
# ${var// /} trimming.
set -euo pipefail
n=0
declare -A kind_of=()
while IFS=, read -r model offset kind; do
  [[ -z ${model// /} || $model == \#* ]] && continue
  model=${model// /}; offset=${offset// /}; kind=${kind// /}
  kind_of[$model]=$kind
  printf -v out '%s_shift%+.1f.nc' "$model" "$offset"
  ncap2 -O -s "T=T-(${offset}f)" "${model}_01.nc" "$out"
  (( n += 1 ))
  printf '%-6s %5s -> %s\n' "$model" "$offset" "$out"
done < models.csv
echo "$n models"
read -r first rest <<< "$(ls *_shift*.nc)"
echo "first: $first"
for m in ccsm echam gfdl; do
  echo "$m is ${kind_of[$m]:-unknown}"
done
# a counter with ++ under set -e: n++ of 0 is status 1, so the veteran writes it with || true
zero=0
(( zero++ )) || true
echo "zero is now $zero"
