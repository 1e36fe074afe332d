#!/bin/bash
# tmp-workdir.sh: the scratch directory of a careful script: made with mktemp -d under the working
# directory, removed by an EXIT trap, intermediates written there and the results moved out.
set -euo pipefail
work=$(mktemp -d ./scratch.XXXXXX)
cleanup() {
  local rc=$?
  rm -rf "$work"
  echo "cleaned up (status $rc)"
}
trap cleanup EXIT
mkdir -p results
for m in ccsm echam; do
  for s in DJF JJA; do
    case $s in
      DJF) months="12 01 02" ;;
      JJA) months="06 07 08" ;;
    esac
    files=()
    for mm in $months; do files+=("${m}_${mm}.nc"); done
    ncra -O -h "${files[@]}" "$work/${m}_${s}.nc"
  done
  ncbo -O -h --op_typ=sbt "$work/${m}_JJA.nc" "$work/${m}_DJF.nc" "$work/${m}_amp.nc"
  mv "$work/${m}_amp.nc" results/
done
ls "$work" | wc -l
ls results
ncks -H -C -v T -d lat,7 -d lon,0 -s '%.3f\n' results/ccsm_amp.nc
