#!/bin/bash
# glob-ignore-and-bases.sh: small habits around file names: numbers in other bases, a
# character's code, ${v//[^0-9]/} and anchored ${v/#...}/${v/%...}, a tree made by brace
# expansion and copied with cp -r, local -r, GLOBIGNORE to leave months out of a glob, and a
# sort on the second field of names split at '_'.
echo $((16#ff)) $((2#101)) $((8#17))
printf '%d\n' "'A"
v="run_2001-03_v2.nc"; echo "${v//[^0-9]/}" "${v/#run_/}" "${v/%.nc/.cdl}"
mkdir -p out/{a,b}/{x,y}; ls -d out/*/* | tr '\n' ' '; echo
cp -r out out2; ls -d out2/*/ | wc -l
local_test() { local -r k=5; echo "k=$k"; }
local_test
GLOBIGNORE='*_0[2-9].nc:*_1?.nc'; echo ccsm_*.nc; unset GLOBIGNORE
printf '%s\n' ccsm_1*.nc | sort -t_ -k2,2nr | head -n 1
GLOBIGNORE=ccsm_0?.nc; ncra -O ccsm_*.nc ccsm_ond.nc; unset GLOBIGNORE
ncks -H -C -s "%.2f\n" -v T -d lat,0 -d lon,0 ccsm_ond.nc
