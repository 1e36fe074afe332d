#!/bin/bash
# obs-ingest-dispatch.sh: the ingest tool of an observational-data group, one script with
# sub-commands, which its own "all" calls in turn (bash "$0" SUB ...), each checking its
# arguments and exiting with a code the caller checks.
#
#   obs-ingest-dispatch.sh stage LIST | clean DIR | monthly DIR YEAR | all (the default)
# Exercises: sub-commands by case "${1:-all}", the script calling itself (bash "$0" $step) and
# checking each exit code (1 usage, 3 no directory), usage() to stderr from a heredoc, ${FUNCNAME[1]}
# in a logger, command -v, while read with [[ $line == \#* ]] and set -- $line, ${src/obs_/raw_},
# find | sort | while read, ${out/\/raw\//\/clean\/}, arrays of globs, ncrcat -d time, ncra -y ttl,
# ncwa -w gw, ncpdq, ln -sf, ls -l of the link.
ROOT=ingest
LOG=$ROOT/ingest.log

usage() {
  cat >&2 <<EOF
usage: ${0##*/} stage LIST | clean DIR | monthly DIR YEAR | all
EOF
  exit 1
}

log() {
  mkdir -p $ROOT
  echo "$(date -u +%Y-%m-%d) ${FUNCNAME[1]}: $*" >> $LOG
}

command -v ncks > /dev/null || { echo "NCO is not installed" >&2; exit 1; }

stage() {
  [ $# -eq 1 ] || usage
  local list=$1 n=0 src dest station
  [ -r "$list" ] || { echo "cannot read $list" >&2; return 2; }
  while read -r line; do
    [[ $line == \#* || -z $line ]] && continue
    set -- $line
    src=$1 station=$2
    dest=$ROOT/raw/${station}
    mkdir -p $dest
    cp $src $dest/${station}_$(basename ${src/obs_/raw_})
    n=$((n + 1))
  done < "$list"
  log "staged $n files"
  echo "staged $n"
}

clean() {
  [ $# -eq 1 ] || usage
  local dir=$1 f out
  if [ ! -d "$dir" ]; then
    echo "no directory $dir" >&2
    return 3
  fi
  find $dir -name '*_raw_*.nc' | sort | while read f; do
    out=${f/_raw_/_clean_}
    out=${out/\/raw\//\/clean\/}
    mkdir -p $(dirname $out)
    ncap2 -O -h -s 'where(T > 320.0f) T=320.0f; where(pr < 0.0f) pr=0.0f;' $f $out
    ncatted -O -h -a qc_applied,global,c,c,"clip" $out
  done
  log "cleaned $(find ${dir/raw/clean} -name '*.nc' | wc -l) files"
}

monthly() {
  [ $# -eq 2 ] || usage
  local dir=$1 year=$2 station files
  for station in $(ls $dir); do
    files=($dir/$station/*_clean_??.nc)
    if [ ${#files[@]} -lt 2 ]; then
      log "skip $station: ${#files[@]} file(s)"
      continue
    fi
    local dest=$ROOT/products/$year/$station
    mkdir -p $dest
    ncrcat -O -h -d time,0,$(( ${#files[@]} - 1 )) "${files[@]}" $dest/${station}_${year}_series.nc
    ncra -O -h -y ttl -v pr $dest/${station}_${year}_series.nc $dest/${station}_${year}_pr_total.nc
    ncwa -O -h -a lat,lon -w gw $dest/${station}_${year}_series.nc $dest/${station}_${year}_fldmean.nc
    ncpdq -O -h -a lat,lon,time $dest/${station}_${year}_series.nc $dest/${station}_${year}_latfirst.nc
    ln -sf ${station}_${year}_fldmean.nc $dest/latest.nc
  done
  log "products for $year"
}

case "${1:-all}" in
  stage) shift; stage "$@" ;;
  clean) shift; clean "$@" ;;
  monthly) shift; monthly "$@" ;;
  all)
    printf '%s\n' "# file station" "obs_01.nc alpha" "obs_02.nc alpha" "obs_03.nc alpha" "" \
      "obs_01.nc beta" "obs_04.nc gamma" "obs_05.nc gamma" > stations.txt
    for step in "stage stations.txt" "clean $ROOT/raw" "monthly $ROOT/clean 2000" "clean nowhere" "monthly"; do
      bash "$0" $step
      rc=$?
      echo "step '$step' exited $rc"
      if [ $rc -eq 1 ]; then
        echo "usage error in '$step'"
      elif [ $rc -ne 0 ]; then
        echo "step '$step' failed ($rc), going on"
      fi
    done
    find $ROOT -name '*.nc' | sort > $ROOT/INVENTORY
    echo "inventory: $(wc -l < $ROOT/INVENTORY) files, $(ls -1d $ROOT/products/*/* | wc -l) station-years"
    ls -l $ROOT/products/2000/alpha/latest.nc | sed 's/.*latest/latest/'
    ;;
  -h|--help) usage ;;
  *) echo "unknown sub-command: $1" >&2; exit 1 ;;
esac
