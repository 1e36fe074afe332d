#!/bin/bash
# checked-inputs.sh: inputs checked one by one before use, the failures skipped with continue
# and counted: ncks -m -v VAR || continue, [[ -f ]] || continue on an output a job may not
# write, (( n++ )), n=$((n + 1)), the last good file and an array of the good files that
# ncrcat then takes.
ok=0; skipped=0; good=()
for m in ccsm echam gfdl nosuch; do
  f=${m}_07.nc
  if ! ncks -m -v pr "$f" > /dev/null 2>&1; then
    echo "skipping $f"
    skipped=$((skipped + 1))
    continue
  fi
  ncks -m -v T "$f" > /dev/null 2>&1 || continue
  (( ok++ ))
  good+=("$f")
  last=$f
done
echo "$ok usable, $skipped skipped: ${good[*]}; the last: $last"
ncrcat -O "${good[@]}" july_models.nc
n=0
for m in ccsm echam gfdl; do
  ncra -O ${m}_1[3-5].nc ${m}_late.nc 2>/dev/null || ncra -O ${m}_1[0-2].nc ${m}_late.nc
  ncks -O -v pr ${m}_late.nc ${m}_late_pr.nc 2>/dev/null
  [[ -f ${m}_late_pr.nc ]] || continue
  n=$((n + 1))
done
echo "$n late means"
