#!/bin/bash
# file-lists.sh: lists of inputs made the ways scientists make them: for f in $(ls ...), a
# while-read loop over find's output in a file, mapfile from ls, readarray from a process
# substitution of find, and a count with wc -l.
mkdir -p lists means
for f in $(ls ccsm_0[1-3].nc); do
  ncwa -O -a lat,lon $f means/${f%.nc}_gm.nc
done
find . -maxdepth 1 -name 'echam_1*.nc' | sort > lists/echam.txt
while read -r f; do
  b=${f##*/}
  ncwa -O -a lat,lon "$f" "means/${b/.nc/_gm.nc}"
done < lists/echam.txt
mapfile -t gfdl < <(ls gfdl_*.nc | head -4)
echo "gfdl files: ${#gfdl[@]}: ${gfdl[*]}"
ncra -O "${gfdl[@]}" means/gfdl_JFMA.nc
readarray -t obs < <(find . -maxdepth 1 -name 'obs_0[6-8].nc' -printf '%f\n' | sort)
for i in "${!obs[@]}"; do
  echo "$i ${obs[i]}"
done
ncra -O ${obs[@]} means/obs_JJA.nc
n=$(ls means/*_gm.nc | wc -l)
echo "$n global means"
ls means > lists/means.txt
while IFS= read -r line; do
  case $line in
    *_gm.nc) ncks -H -C -v T -s '%.2f\n' means/$line ;;
    *) echo "other: $line" ;;
  esac
done < lists/means.txt
