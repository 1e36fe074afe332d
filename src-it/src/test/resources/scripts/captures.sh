#!/bin/bash
# captures.sh: command substitutions whose status matters: if ! out=$(cmd 2>&1), v=$(cmd) || exit,
# x=$(cmd); rc=$?, and values with defaults from ${v:-$(cmd)}; a count of files the
# script wrote, find of them, stat of sizes, seq -f names, a brace range with a step.
for m in ccsm echam; do
  ncra -O ${m}_0[1-3].nc ${m}_JFM.nc
done
if ! out=$(ncks -H -v nosuch ccsm_JFM.nc 2>&1); then
  echo "ncks failed, it said: ${out%%.*}"
fi
if out=$(ncks -H -C -v T -d lat,0 -d lon,0 -s '%.1f' ccsm_JFM.nc 2>&1); then
  echo "ncks worked: $out"
fi
val=$(ncks -H -C -v T -d lat,1 -d lon,1 -s '%.2f' echam_JFM.nc) || exit 1
echo "val=$val"
x=$(ncks -H -v missing echam_JFM.nc 2>/dev/null); rc=$?
echo "rc=$rc x='$x'"
default=${UNSET_THING:-$(ncks -H -C -v time -s '%g' ccsm_JFM.nc)}
echo "time=$default"
for f in $(seq -f 'gfdl_%02g.nc' 4 6); do ncks -O -v pr $f pr_${f}; done
for mm in {01..12..4}; do echo "month $mm"; done
ls pr_gfdl_0[4-6].nc | wc -l
n=$(find . -maxdepth 1 -name 'pr_*.nc' | wc -l)
echo "found $n"
size=$(stat -c %s ccsm_JFM.nc)
[ "$size" -gt 1000 ] && echo "ccsm_JFM.nc is big enough"
echo "$(( (11 + 9) % 12 + 1 )) $(( 2 ** 10 )) $(( 5 > 3 ? 1 : 0 )) $(( 1 << 4 ))"
printf 'x%.0s' {1..5}; echo
f=ccsm_01.nc
echo "${f/#ccsm/CCSM} ${f/%.nc/.cdl} ${UNSET_A:-${UNSET_B:-fallback}}"
[[ -z ${NOT_SET+x} ]] && echo "NOT_SET is unset"
last() { echo "${@: -1} of $# ; rest ${@:2}"; }
last a b c
