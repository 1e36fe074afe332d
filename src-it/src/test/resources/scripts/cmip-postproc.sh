#!/bin/bash
# cmip-postproc.sh: post-process monthly model output into seasonal climatologies
# and global means, CMIP style.  Usage: cmip-postproc.sh {climo|global|all} MODEL...
#
# Author: someone's postdoc, 2019.  Edited by everyone since.
# Exercises: a config block, a settings file written and sourced, usage() with exit 1, [ $# -lt 2 ],
# case "$action" dispatch, a log() with date stamps, for ((...)) with printf -v %02d, $((10#$mm - 1)),
# ${idx%%,*} ${idx##*,}, ncrcat/ncra -d time/ncra -y ttl/ncwa -w gw/ncrename/ncatted chains, die() with exit 2,
# trap cleanup EXIT, IFS=, read -ra, set -- "${model_list[@]}", $(ls -1 ... | wc -l) checks and exit 3.

#---------------------------- configuration ---------------------------------
CASE=b.e21.B1850
MODELS="ccsm,echam,gfdl"
FIRST_MONTH=1
LAST_MONTH=12
OUTROOT=post
LOGDIR=$OUTROOT/logs
LOG=$LOGDIR/${CASE}.log
vars=(T pr)
#-----------------------------------------------------------------------------

mkdir -p $LOGDIR
cat > settings.rc <<EOF
# site settings: sourced below
NCO_FLAGS="-O -h"
SEASONS="DJF MAM JJA SON"
EOF
source ./settings.rc

usage() {
  echo "usage: $(basename $0) {climo|global|all} MODEL [MODEL...]" >&2
  exit 1
}

log() {
  local level=$1
  shift
  echo "$(date -u +%Y-%m-%d) [$level] $*" >> $LOG
}

die() {
  log ERROR "$*"
  echo "ERROR: $*" >&2
  exit 2
}

cleanup() {
  rm -f $OUTROOT/*.tmp.nc
  log INFO "cleanup done"
}
trap cleanup EXIT

season_months() {
  case $1 in
    DJF) echo "12 01 02" ;;
    MAM) echo "03 04 05" ;;
    JJA) echo "06 07 08" ;;
    SON) echo "09 10 11" ;;
    *) return 1 ;;
  esac
}

do_climo() {
  local model=$1 m mm files
  log INFO "climo for $model"
  mkdir -p $OUTROOT/$model
  files=""
  for ((m = FIRST_MONTH; m <= LAST_MONTH; m++)); do
    printf -v mm "%02d" $m
    [ -f ${model}_${mm}.nc ] || die "missing ${model}_${mm}.nc"
    files="$files ${model}_${mm}.nc"
  done
  ncrcat $NCO_FLAGS $files $OUTROOT/$model/${model}_ts.tmp.nc || die "ncrcat $model"
  for s in $SEASONS; do
    local idx="" sfiles=()
    for mm in $(season_months $s); do
      idx="$idx,$((10#$mm - 1))"
      sfiles+=(${model}_${mm}.nc)
    done
    idx=${idx#,}
    if [ "${idx%%,*}" -lt "${idx##*,}" ]; then
      ncra $NCO_FLAGS -d time,${idx%%,*},${idx##*,} $OUTROOT/$model/${model}_ts.tmp.nc \
        $OUTROOT/$model/${model}_${s}.nc
    else
      log WARN "$s wraps the year: averaging ${sfiles[*]}"
      ncra $NCO_FLAGS "${sfiles[@]}" $OUTROOT/$model/${model}_${s}.nc
    fi
  done
  ncra $NCO_FLAGS -y ttl -v pr $OUTROOT/$model/${model}_ts.tmp.nc $OUTROOT/$model/${model}_pr_total.nc
  ncra $NCO_FLAGS $OUTROOT/$model/${model}_ts.tmp.nc $OUTROOT/$model/${model}_ANN.nc
}

do_global() {
  local model=$1 v
  log INFO "global means for $model"
  [ -f $OUTROOT/$model/${model}_ANN.nc ] || die "run climo first for $model"
  ncwa $NCO_FLAGS -a lat,lon -w gw $OUTROOT/$model/${model}_ANN.nc $OUTROOT/${model}_gm.tmp.nc
  for v in "${vars[@]}"; do
    ncks $NCO_FLAGS -v $v $OUTROOT/${model}_gm.tmp.nc $OUTROOT/$model/${model}_${v}_gm.nc
  done
  ncrename -h -v T,tas $OUTROOT/$model/${model}_T_gm.nc
  ncatted -O -h -a units,tas,o,c,K -a history_note,global,c,c,"global mean of $CASE" \
    $OUTROOT/$model/${model}_T_gm.nc
  ncks -H -C -v tas $OUTROOT/$model/${model}_T_gm.nc > $OUTROOT/$model/tas.txt
}

main() {
  [ $# -lt 2 ] && usage
  local action=$1
  shift
  case "$action" in
    climo)  for m in "$@"; do do_climo $m; done ;;
    global) for m in "$@"; do do_global $m; done ;;
    all)
      for m in "$@"; do do_climo $m; done
      for m in "$@"; do do_global $m; done
      ;;
    -h|--help) usage ;;
    *) echo "unknown action: $action" >&2; usage ;;
  esac
}

log INFO "start $CASE"
IFS=, read -ra model_list <<< "$MODELS"
echo "models: ${model_list[*]} (${#model_list[@]})"
if [ $# -eq 0 ]; then
  set -- all "${model_list[@]}"
fi
main "$@"
n=$(ls -1 $OUTROOT/*/*_ANN.nc | wc -l)
if [ "$n" -ne ${#model_list[@]} ]; then
  echo "expected ${#model_list[@]} climatologies, found $n" >&2
  exit 3
fi
for m in "${model_list[@]}"; do
  printf '%-6s %s\n' $m "$(cat $OUTROOT/$m/tas.txt | tr -s ' ' | head -c 40)"
done
log INFO "finished with $n models"
echo "done: $(wc -l < $LOG) log lines"
