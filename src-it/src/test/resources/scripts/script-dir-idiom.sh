#!/bin/bash
# script-dir-idiom.sh: a veteran's header: the script's own directory found with
# cd "$(dirname "${BASH_SOURCE[0]}")" && pwd, paths built from it, a die function, defaults with
# : "${VAR:=...}", readonly, and (cd ... && ...) subshells that leave the directory alone.
set -euo pipefail
readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${OUTDIR:=derived}"
: "${MODELS:=ccsm gfdl}"
die() { echo "ERROR: $*" >&2; exit 1; }
[[ -d $SCRIPT_DIR ]] || die "no script dir"
mkdir -p "$OUTDIR"
for m in $MODELS; do
  (cd "$OUTDIR" && ncra -O ../${m}_0[6-8].nc "${m}_JJA.nc")
done
here=$(pwd)
[[ $here == "$SCRIPT_DIR" ]] && echo "running from the script's directory"
ls "$OUTDIR"
cd "$OUTDIR"
ncdiff -O gfdl_JJA.nc ccsm_JJA.nc diff_JJA.nc
cd - > /dev/null
echo "back in $(basename "$PWD" | sed 's/.*/the start/')"
[[ -f $OUTDIR/diff_JJA.nc ]] || die "diff missing"
echo ok
