#!/bin/bash
# syntax-mix.sh: the syntax that real scripts are written in: the function keyword, case inside
# $( ), a here-document inside $( ), comments with apostrophes inside $( ), a backslash-newline
# in double quotes, [[ ]] across lines, && and || at line ends, and a subshell inside $( ).
function season {
  case $1 in
    0[1-2]|12) echo DJF ;;
    0[3-5]) echo MAM ;;
    0[6-8]) echo JJA ;;
    *) echo SON ;;
  esac
}
function label() { echo "[$1]"; }
kind=$(case ccsm in ccsm) echo community ;; *) echo other ;; esac)
echo "kind: $kind"
n=$(cat <<EOF | wc -l
one
two
three
EOF
)
echo "lines: $n"
v=$(
  # this is the model's offset (don't change it)
  echo 0.5
)
echo "offset $v"
msg="a long message \
that goes on"
echo "$msg"
if [[ -f ccsm_01.nc &&
      -f echam_01.nc ]] &&
   [[ $(season 07) == JJA ]]; then
  echo "both there, July is $(season 07)"
fi
ncra -O ccsm_0{6..8}.nc jja.nc &&
  echo "averaged" ||
  echo "failed"
files=$( (cd . && ls ccsm_1?.nc) | tr '\n' ' ')
echo "files: $files"
echo "$(label "$(season 12)")"
for mm in 01 04 07 10; do
  s=$(season $mm); printf '%s ' "$mm:$s"
done; echo
echo $(( $(ls ccsm_*.nc | wc -l) * 2 ))
