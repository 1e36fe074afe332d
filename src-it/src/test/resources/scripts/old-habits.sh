#!/bin/bash
# old-habits.sh: old habits: typeset, let with quotes, [ \> ], printf with repeated formats,
# echo -e and -n,
# IFS=$'\t' tables, a function defined inside an if, and a recursive function.
typeset -i total=0
for m in 1 2 3; do let "total = total + m * 2"; done
echo "total $total"
[ "gfdl" \> "ccsm" ] && echo "gfdl sorts after ccsm"
printf '%s-%s\n' a b c d e
printf '%5.2f|%-6s|%03d\n' 3.14159 ok 7
echo -e "tab\there"
echo -n "no newline"; echo " then newline"
printf 'ccsm\t0.5\techam\t-0.8\n' > pairs.tsv
IFS=$'\t' read -r a b c d < pairs.tsv
echo "a=$a b=$b c=$c d=$d"
if [ -f ccsm_01.nc ]; then
  gm() { ncwa -O -a lat,lon "$1" "gm_$1"; }
fi
gm ccsm_02.nc
fact() { if (( $1 <= 1 )); then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }
echo "5! = $(fact 5)"
type -t gm
