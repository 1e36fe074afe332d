#!/bin/bash
# c-style-loops.sh: arithmetic-driven loops: quarters with for ((q=1; q<=4; q++)) whose months
# come from $(( )), a step of 3 with ((m+=3)), and counts kept with let and (( )).
# Exercises: for ((;;)) with <= and ++, += in (( )), $(( )) with * - and %, let with quoted
# expressions, printf %02d of arithmetic, ncra over computed file lists, ncrcat.

for ((q=1; q<=4; q++)); do
  first=$((3 * q - 2))
  files=""
  for ((m=first; m<first+3; m++)); do
    files="$files echam_$(printf "%02d" $m).nc"
  done
  ncra -O $files echam_q$q.nc
done
ncrcat -O echam_q[1-4].nc echam_quarters.nc

count=0
for ((m=1; m<=12; m+=3)); do
  mm=$(printf "%02d" $m)
  ncks -O -v T -d lat,$(( m % 8 )) gfdl_$mm.nc gfdl_row_$mm.nc
  let "count = count + 1"
  (( count2 += 2 ))
done
echo "$count files, $count2 half-steps" > counts.txt
exit 0
