#!/bin/bash
# while-until.sh: counters the old way. A while loop over the months with $(( )), an until loop
# with let, and a while loop that skips with continue and stops with break, counting with (( )).
# Exercises: while [ ], until [ ], $((i+1)), let k=k+1, ((n++)), (( n % 2 == 0 )), break,
# continue, $(printf), ncwa/ncrcat/ncks -d/ncflint.

i=1
while [ $i -le 12 ]; do
  mm=$(printf "%02d" $i)
  ncwa -O -a lat,lon -w gw ccsm_$mm.nc ccsm_gm_$mm.nc
  i=$((i+1))
done
ncrcat -O ccsm_gm_??.nc ccsm_gm.nc

# the three southernmost latitude rows of January, one file each
k=0
until [ $k -ge 3 ]; do
  let k=k+1
  ncks -O -d lat,$((k - 1)) echam_01.nc echam_01_row$k.nc
done

# mid-month blends of the odd months before July
n=0
while [ $n -lt 100 ]; do
  ((n++))
  if [ $n -gt 6 ]; then
    break
  fi
  if (( n % 2 == 0 )); then
    continue
  fi
  this=$(printf "%02d" $n)
  next=$(printf "%02d" $((n + 1)))
  ncflint -O -w 0.5,0.5 gfdl_$this.nc gfdl_$next.nc gfdl_mid_$this.nc
done
ncrcat -O gfdl_mid_*.nc gfdl_mid.nc
echo "stopped at n=$n after i=$i k=$k" > counters.txt
exit 0
