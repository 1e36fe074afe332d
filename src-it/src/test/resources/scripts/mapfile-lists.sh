#!/bin/bash
# mapfile-lists.sh: lists kept in arrays: mapfile -t from a file ls wrote, from a process
# substitution, MAPFILE by default, read -ra of a colon list, ${arr[*]} with IFS, printf of an
# array into a file, array slices ${a[@]:1:2}.
ls ccsm_0[1-6].nc > list.txt
mapfile -t files < list.txt
echo "${#files[@]} files, first ${files[0]}, last ${files[-1]}"
ncrcat -O "${files[@]:0:3}" q1.nc
ncrcat -O "${files[@]:3}" q2.nc
mapfile -t < <(printf '%s\n' echam gfdl)
for m in "${MAPFILE[@]}"; do
  ncra -O ${m}_0[1-3].nc ${m}_q1.nc
done
path_list="ccsm:echam:gfdl"
IFS=: read -ra models <<< "$path_list"
(IFS=,; echo "models: ${models[*]}")
printf '%s\n' "${models[@]/%/_q1.nc}" > outputs.txt
readarray -t -s 1 rest < outputs.txt
echo "after the first: ${rest[*]}"
declare -a sizes=()
for f in "${files[@]}"; do sizes+=("${f%.nc}"); done
echo "${#sizes[@]} names: ${sizes[@]: -2}"
