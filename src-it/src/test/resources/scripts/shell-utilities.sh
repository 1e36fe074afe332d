#!/bin/bash
# shell-utilities.sh: the small Unix tools around the NCO calls: ls -A to test for an empty
# directory, ncks into a temporary name then mv, find -delete, ${PWD##*/}, a function splitting
# with a local IFS, while (( $# )) with shift, xargs in the middle of a pipeline (xargs -0 -n 1
# basename | sort -r), read -d '' -ra, tee into grep -c, stat/du/wc -c sizes, cp -n, ln -sf.
mkdir -p empty full; touch full/x
[ "$(ls -A empty)" ] && echo "empty has files" || echo "empty is empty"
[ -n "$(ls -A full)" ] && echo "full has files"
ncks -O -v T ccsm_04.nc tmp_T.nc && mv tmp_T.nc T_04.nc
ls T_04.nc tmp_T.nc 2>&1
touch a.tmp b.tmp
find . -maxdepth 1 -name '*.tmp' -delete
ls *.tmp 2>/dev/null || echo "no tmp left"
echo "dir ${PWD##*/}" | sed 's/swamp\|bash/X/'
splitargs() { local IFS=,; set -- $1; echo "$# parts: $*"; }
splitargs "ccsm,echam,gfdl"
set -- ccsm_05.nc echam_05.nc gfdl_05.nc
while (( $# )); do ncks -O -v pr "$1" "pr_$1"; shift; done
ls pr_*.nc | wc -l
printf '%s\0' pr_*.nc | xargs -0 -n 1 basename | sort -r
while read -r f; do echo "listed $f"; done <<< "$(ls pr_*.nc)"
IFS=$'\n' read -d '' -ra lines <<< "$(printf 'a b\nc d\n')"; echo "${#lines[@]} [${lines[1]}]"
{ echo one; echo two; } | tee both.txt | grep -c o
stat -c %s both.txt
du -b both.txt | cut -f1
size=$(wc -c < T_04.nc); [ "$size" -gt 100 ] && echo "T_04 big enough"
echo -e "\033[1;32mOK\033[0m" | cat -v
cp -n T_04.nc T_copy.nc; cp -n ccsm_01.nc T_copy.nc; ncks -m T_copy.nc | grep -c 'T(' 
ln -sf T_04.nc latest.nc; ln -sf T_copy.nc latest.nc; readlink latest.nc
ncks -O -v T latest.nc via_link.nc && echo "via link"
ncks -O -v pr ccsm_05.nc pr2_ccsm.nc
ncks -O -v pr gfdl_05.nc pr2_gfdl.nc
ls pr2_*.nc | xargs -n 1 ncks -m | grep -c 'pr('
find . -maxdepth 1 -name 'pr2_*.nc' | xargs -I{} ncks -H -C -s '%.2f\n' -v pr -d lat,0 -d lon,0 {} | sort -n > vals.txt
cat vals.txt
ls ccsm_0[1-3].nc | xargs -n 1 -P 2 -I{} ncks -O -v T {} T_{} 2>&1 | wc -l
ls T_*.nc
ls -d */ | xargs -n 1 basename | sort
printf '%s\n' a b | parallel echo 'item {}' | sort -r
