#!/bin/bash
# if-on-jobs.sh: 'if' whose condition is an NCO command: each branch runs by the command's status
# once it has run, as bash decides. A check for a variable picks how to derive a field; an elif
# chain tries fields in turn; 'if !' guards an input; a function's status is its last if's; the
# status of an 'if' feeds '&&' and '||'; the script's own status is its last if's.
# Exercises: if cmd; then; else; fi, elif cmd, if ! cmd, if a && b, if cmd | grep -q, nested if,
# if in a function and a loop, if ...; fi && echo, exit inside a branch, the script's status, a
# glob over files only a branch wrote (it matches what the branches wrote, or nothing), a loop
# that skips an input with '|| continue' and one that stops at one with 'then break', '! cmd'.
set -e
derive() { # $1 input, $2 output: T in Celsius where T is there, else a copy of pr
  if ncks -m -v T "$1" > /dev/null 2>&1; then
    ncap2 -O -s 'Tc=T-273.15f' "$1" "$2"
    echo "derived Tc for $1"
  else
    ncks -O -v pr "$1" "$2"
    echo "copied pr for $1"
  fi
}
ncks -O -x -v T ccsm_02.nc noT_02.nc
for f in ccsm_01.nc noT_02.nc; do
  derive "$f" "d_$f"
done
for f in echam_03.nc noT_02.nc missing_04.nc; do
  if ncks -m -v T "$f" > /dev/null 2>&1; then
    echo "$f: has T"
  elif ncks -m -v pr "$f" > /dev/null 2>&1; then
    echo "$f: has pr only"
  else
    echo "$f: unreadable" >&2
  fi
done
if ! ncks -m gfdl_05.nc > /dev/null; then
  echo "gfdl_05.nc is not readable" >&2
  exit 2
fi
if ncks -m -v T gfdl_05.nc > /dev/null && ncks -m -v pr gfdl_05.nc > /dev/null; then
  ncra -O -v T,pr gfdl_05.nc gfdl_06.nc gfdl_56.nc
fi
if ncdump -h obs_01.nc | grep -q 'float pr'; then
  echo "obs_01 has pr"
fi
if ncks -m -v gw echam_01.nc > /dev/null 2>&1; then
  if ncks -m -v sftlf echam_01.nc > /dev/null 2>&1; then
    echo "echam_01: gw and sftlf"
  else
    echo "echam_01: gw, no sftlf"
  fi
fi
has() { if ncks -m -v "$2" "$1" > /dev/null 2>&1; then echo "$1 has $2"; fi; }
has ccsm_03.nc T && echo "has T: status 0"
has ccsm_03.nc nothere || echo "has nothere: status 1"
( if ncks -m missing_07.nc > /dev/null 2>&1; then :; else echo "in a subshell: missing_07 gone"; exit 3; fi ) \
  || echo "the subshell exited $?"
if ncks -m -v T noT_02.nc > /dev/null 2>&1; then echo "noT has T"; fi || echo "never"
for f in ccsm_01.nc noT_02.nc; do
  if ncks -m -v T "$f" > /dev/null 2>&1; then ncks -O -v T "$f" "onlyT_$f"; fi
done
ls onlyT_*.nc
ncrcat -O onlyT_*.nc onlyT_all.nc
if ncks -m -v T noT_02.nc > /dev/null 2>&1; then ncks -O noT_02.nc none_1.nc; fi
ls none_*.nc 2> /dev/null || echo "no none_ files"
for f in ccsm_01.nc noT_02.nc ccsm_03.nc; do
  ncks -m -v T "$f" > /dev/null 2>&1 || continue
  ncks -O -v T "$f" "t_$f"
done
for f in ccsm_04.nc noT_02.nc ccsm_05.nc; do
  if ! ncks -m -v T "$f" > /dev/null 2>&1; then echo "stop at $f: $?"; break; fi
  ncks -O -v T "$f" "u_$f"
done
ls t_*.nc u_*.nc
! ncks -m -v T noT_02.nc > /dev/null 2>&1 && echo "noT_02 has no T"
echo "before the last if"
if ncks -m -v T noT_02.nc > /dev/null 2>&1; then
  echo "noT_02 has T"
else
  ncks -m -v T missing_08.nc > /dev/null 2>&1
fi
