#!/bin/bash
# case-and-read.sh: a table of models read line by line, branches chosen with case, and the
# names of existing files piped into a loop. Exercises: while IFS=, read -r ... done < FILE,
# '|| [ -n "$x" ]' for a last line without a newline, case with '|', globs, quoted and
# (parenthesised) patterns, ';&' and ';;&', a default branch, 'ls ... | while read',
# 'printf ... | while read', read -a, ncwa/ncks/ncap2/ncrcat.
set -e
while IFS=, read -r model offset kind || [ -n "$model" ]; do
  case $model in
    \#*) continue ;;                       # the table's header
  esac
  model=${model// /}                       # "  echam " as the table has it
  case "$kind" in
    warm|hot) sign=plus ;;
    cold) sign=minus ;;
    *) sign=unknown ;;
  esac
  ncwa -O -a time,lon ${model}_01.nc ${model}_zonal_${sign}.nc
  echo "$model $offset $sign" >> table.txt
done < models.csv

for f in *_0[1-3].nc; do
  case $f in
    obs_*) ncks -O -v gw $f ${f%.nc}_gw.nc ;&   # on into the next branch
    obs_0[12].nc) ncks -O -v T $f ${f%.nc}_T.nc ;;
    ccsm_*|"echam_"*) ncks -O -v pr $f ${f%.nc}_pr.nc ;;&   # and test the next ones
    (ccsm_01.nc) ncks -O -d lat,0 $f ${f%.nc}_row0.nc ;;
    *) ;;
  esac
done

ls gfdl_0?.nc | while read -r f; do
  ncap2 -O -s 'Tc=T-273.15f' $f ${f%.nc}_C.nc
done
ncrcat -O gfdl_0?_C.nc gfdl_C.nc

printf '%s %s\n' 04 spring 07 summer | while read month season; do
  ncks -O -v T ccsm_$month.nc ccsm_${season}_T.nc
done

while read -r -a words; do
  echo "${#words[@]} ${words[0]}" >> words.txt
done < models.csv
