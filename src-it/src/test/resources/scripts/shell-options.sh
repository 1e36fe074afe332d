#!/bin/bash
# shell-options.sh: the bash corners audit 20 found refused or different, each as a scientist
# writes it: shopt -s nocasematch in case and [[ ]], shopt -s lastpipe and a count kept in
# '| while read', mapfile -s/-n/-O, $_ and GROUPS, declare -f into a file that a later script
# sources, set -x into the file fd 2 names, and xargs's warning of -n with -I.
shopt -s nocasematch lastpipe
for m in CCSM Echam gfdl; do
  case $m in
    ccsm) tag=ncar ;;
    echam) tag=mpi ;;
    *) [[ $m == GFDL ]] && tag=noaa ;;
  esac
  echo "$m $tag" >> tags.txt
done
exec 2> trace.log
set -x
out=jfm
mkdir -p $out
for m in ccsm echam; do
  ncra -O ${m}_01.nc ${m}_02.nc ${m}_03.nc $out/${m}_jfm.nc
done
[ -d $out ] && echo "made $out" >> tags.txt
set +x
n=0
ls ccsm_0[1-6].nc | while read f; do n=$((n + 1)); done
echo "months: $n" > counts.txt
mapfile -t -s 1 -n 2 rows < models.csv
rows2=(kept)
readarray -t -O 1 rows2 < <(printf 'x\ny\n')
echo "${#rows[@]} ${rows[1]} | ${rows2[*]}" >> counts.txt
echo ccsm echam > /dev/null
echo "last word: $_ groups: ${#GROUPS[@]}" | sed 's/groups: [1-9][0-9]*/groups: some/' >> counts.txt

seasonal() {
  local m=$1   # the model
  ncra -O "${m}_01.nc" "${m}_02.nc" "${m}_12.nc" "${m}_djf.nc" || return 1
  for v in T pr; do
    ncks -H -C -v $v -d lat,0 -d lon,0 -s '%.2f\n' "${m}_djf.nc" > "${m}_djf_$v.txt"
  done
}
declare -f seasonal > funcs.sh
bash -c 'source ./funcs.sh; seasonal gfdl'
ls ccsm_0[1-3].nc | xargs -n1 -P2 -I{} ncks -O -v T {} T_{} 2> xargs.err
ls T_*.nc > t_files.txt
