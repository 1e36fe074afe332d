#!/bin/bash
# getopts-wrapper.sh: a wrapper that takes options and passes the rest through with "$@" to a
# function, the way a scientist writes a tool: defaults, getopts with OPTARG, shift OPTIND, usage.
usage() {
  cat <<USAGE >&2
usage: $0 [-v VAR] [-o DIR] [-q] MODEL...
USAGE
  exit 2
}
[ $# -eq 0 ] && set -- -v pr -o zonal -q ccsm gfdl
var=T; outdir=out; quiet=0
while getopts ":v:o:qh" opt; do
  case $opt in
    v) var=$OPTARG ;;
    o) outdir=$OPTARG ;;
    q) quiet=1 ;;
    h) usage ;;
    :) echo "option -$OPTARG needs a value" >&2; usage ;;
    \?) echo "unknown option -$OPTARG" >&2; usage ;;
  esac
done
shift $((OPTIND - 1))
say() { (( quiet )) || echo "$@"; }
zonal() {
  local model=$1; shift
  local files=("$@")
  say "zonal mean of $var for $model from ${#files[@]} files"
  ncra -O -v $var "${files[@]}" "$outdir/${model}_${var}_ann.nc"
  ncwa -O -a lon "$outdir/${model}_${var}_ann.nc" "$outdir/${model}_${var}_zm.nc"
}
mkdir -p "$outdir"
echo "var=$var outdir=$outdir quiet=$quiet models=$*"
for m in "$@"; do
  zonal "$m" ${m}_*.nc
done
ls "$outdir"
OPTIND=1
while getopts "ab:" o -a -b 7 rest; do echo "again: $o ${OPTARG:-}"; done
echo "OPTIND now $OPTIND"
