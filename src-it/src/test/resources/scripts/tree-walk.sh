#!/bin/bash
# tree-walk.sh: model output sorted into a tree of directories, some names with spaces, then
# walked at any depth, as scientists walk a CMIP-like tree.
# Exercises: shopt -s globstar with tree/**/*.nc, find -print0 | sort -z | while IFS= read -r
# -d '' f, mapfile -d '' -t < <(find ... -print0), a name with a space in "$f" and ${f%.nc}.
set -euo pipefail
for src in ccsm echam; do
  mkdir -p "tree/$src/djf"
  ncra -O "${src}"_0[1-2].nc "tree/$src/djf/$src djf.nc"
done
ncks -O -v T gfdl_01.nc tree/gfdl_01_T.nc
shopt -s globstar
for f in tree/**/*.nc; do
  echo "found $f"
  ncwa -O -a lon "$f" "${f%.nc}_zm.nc"
done
find . -maxdepth 1 -name 'ccsm_0[1-3].nc' -print0 | sort -z | while IFS= read -r -d '' f; do
  ncks -O -v pr "$f" "tree/pr_${f#./}"
done
mapfile -d '' -t inputs < <(find . -maxdepth 1 -name 'echam_1*.nc' -print0 | sort -z)
echo "${#inputs[@]} inputs: ${inputs[*]}"
ncra -O "${inputs[@]}" "tree/echam ond.nc"
ls tree/**/
