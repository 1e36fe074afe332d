#!/bin/bash
# array-recipes.sh: lists of files built and cut with array expansions the way scientists copy
# them from answers online: ${arr[@]/%/.nc} and /#/ prefixes, ${arr[-1]}, unset 'arr[-1]',
# ${arr[@]:1}, arr+=(), "${arr[*]}" joined by IFS, counts in an associative array with +=,
# [[ -v assoc[key] ]], local -i in a function, seq -f, nullglob arrays, reversing a list.
shopt -s nullglob
months=(01 02 03 04 05 06 07 08 09 10 11 12)
ccsm=("${months[@]/#/ccsm_}")
ccsm=("${ccsm[@]/%/.nc}")
echo "first ${ccsm[0]}, last ${ccsm[-1]}, count ${#ccsm[@]}"
ncra -O "${ccsm[@]:0:3}" ccsm_jfm.nc
ncra -O "${ccsm[@]:9}" ccsm_ond.nc
rest=("${ccsm[@]}")
unset 'rest[-1]'
echo "without December: ${#rest[@]} files, ends with ${rest[${#rest[@]}-1]}"
missing=(nope_*.nc)
echo "nullglob gives ${#missing[@]} files"
declare -A count
for f in *_0[1-6].nc; do
  m=${f%%_*}
  count[$m]+=x
done
for m in $(printf '%s\n' "${!count[@]}" | sort); do
  echo "$m: ${#count[$m]} files"
done
if [[ -v count[gfdl] ]]; then echo "gfdl counted"; fi
if [[ ! -v count[miroc] ]]; then echo "no miroc"; fi
declare -Ai n
for f in *_1[0-2].nc; do n[${f%%_*}]+=1; done
echo "n[ccsm]=${n[ccsm]} n[obs]=${n[obs]}"
list=()
for f in $(seq -f 'echam_%02g.nc' 4 6); do
  list+=("$f")
done
IFS=,; echo "joined: ${list[*]}"; unset IFS
ncra -O "${list[@]}" echam_amj.nc
anom() {
  local -i k=$1
  local out=anom_$(printf '%02d' $k).nc
  ncbo -O --op_typ=- echam_$(printf '%02d' $k).nc echam_amj.nc "$out" 2>/dev/null || ncdiff -O echam_0$k.nc echam_0$k.nc "$out"
  echo "$out"
}
outs=()
for k in 4 5 6; do outs+=("$(anom $k)"); done
echo "anomalies: ${outs[*]}"
rev=()
for (( i=${#outs[@]}-1; i>=0; i-- )); do rev+=("${outs[i]}"); done
echo "reversed: ${rev[@]}"
ncks -H -C -s '%.2f ' -v T -d lat,0 -d lon,0 "${rev[0]}"; echo
tags=(djf mam jja son)
echo "${tags[@]^^}" "${tags[@]^}"
echo "${tags[@]:1:2}" "${#tags[1]}"
files=( *_ond.nc *_jfm.nc )
printf '%s\n' "${files[@]}" | sort > seasonal.lst
cat seasonal.lst
