#!/bin/bash
# strict-gotchas.sh: strict mode as scientists meet it: a counter ((n++)) that starts at 0 is a
# failing command under set -e, so they write || true or n=$((n+1)); grep -q in an if under
# pipefail; ${var:?} for a setting that must be there; local v=$(cmd) hiding a failure.
set -euo pipefail
n=0
for m in ccsm echam gfdl; do
  ncwa -O -a lat,lon ${m}_01.nc gm_${m}.nc
  ((n++)) || true
done
echo "n=$n"
k=0
k=$((k + 1))
echo "k=$k"
outdir=${OUTDIR:-gm}
: "${outdir:?no output directory}"
mkdir -p "$outdir"
mv gm_*.nc "$outdir"/
# not grep -q, which under pipefail races ncks: it ends at the first match, and ncks, which prints
# its header in many writes, may die of SIGPIPE (141) on the next one, under bash as under swamp
if ncks -m "$outdir/gm_ccsm.nc" | grep 'float T' > /dev/null; then
  echo "T is float"
fi
if ncks -m "$outdir/gm_ccsm.nc" | grep -q 'double T'; then echo "T is double"; else echo "T is not double"; fi
check() {
  local v=$(ncks -H -C -v nosuchvar "$1" 2>/dev/null)
  echo "check of $1 went on: '$v'"
}
check "$outdir/gm_echam.nc"
count=$(ls "$outdir" | wc -l)
echo "$count files"
set +e
ncks -H -v nosuchvar "$outdir/gm_gfdl.nc" > /dev/null 2>&1
echo "status without -e: $?"
set -e
((count > 2)) && echo "more than two"
last=${count}
((last -= 3)) || echo "last is zero now: status 1, set -e does not stop on ||"
echo "end"
((last)) 
echo "not reached"
