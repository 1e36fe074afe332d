#!/bin/bash
# Plausibility checks on converted files. A unit conversion was done without
# updating the expected ranges, and the status of the last check is the
# status of the script.
# For swamp: f a && f b || echo failed, where f ends in "cmd || return 3" and cmd succeeds: no echo.

check_range() {   # FILE VAR MIN MAX -> 0 ok, 2 unreadable, 3 out of range
  local f=$1 v=$2 lo=$3 hi=$4 vmin vmax
  [[ -s $f ]] || return 2
  ncap2 -O -v -s "vmin=${v}.min(); vmax=${v}.max()" "$f" chk_tmp.nc || return 2
  vmin=$(ncks -H -C -s '%.3f' -v vmin chk_tmp.nc)
  vmax=$(ncks -H -C -s '%.3f' -v vmax chk_tmp.nc)
  rm -f chk_tmp.nc
  printf '%-22s %-3s %9s %9s  expected [%s, %s]\n' "${f##*/}" "$v" "$vmin" "$vmax" "$lo" "$hi"
  awk -v a="$vmin" -v b="$vmax" -v lo="$lo" -v hi="$hi" 'BEGIN {exit !(a >= lo && b <= hi)}' || return 3
}

check_units() {   # FILE VAR UNITS
  local u
  u=$(ncdump -h "$1" | sed -n "s/^[[:space:]]*$2:units = \"\(.*\)\" ;/\1/p")
  [[ $u == "$3" ]] || { echo "  units of $2 in ${1##*/}: '$u', expected '$3'"; return 1; }
}

mkdir -p conv
# conversions: T to Celsius, pr to mm/month (30-day months)
for mm in 01 07; do
  ncap2 -O -s 'T=T-273.15f; T@units="degC"; pr=pr*30; pr@units="mm/month"' gfdl_$mm.nc conv/gfdl_${mm}_conv.nc
done

# checks on the originals: all pass
for mm in 01 07; do
  check_range gfdl_$mm.nc T 180 340 && check_range gfdl_$mm.nc pr 0 50 || echo "  original $mm failed"
done

# checks on the converted files with the new ranges
n_fail=0
for mm in 01 07; do
  check_range conv/gfdl_${mm}_conv.nc T -90 60 || (( n_fail++ ))
  check_range conv/gfdl_${mm}_conv.nc pr 0 1500 || (( n_fail++ ))
  check_units conv/gfdl_${mm}_conv.nc pr "mm/month" || (( n_fail++ ))
done
echo "failures so far: $n_fail"
check_range missing_file.nc T 0 1 || echo "missing file gives status $?"

# the ranges in the operational table were never updated for Celsius
check_range conv/gfdl_07_conv.nc T 180 340
