#!/bin/bash
# functions-returns.sh: a veteran's functions: local variables, return codes checked by the
# caller, a usage/log function on stderr, an array passed by "$@", a function printing a value.
log() { printf '[%s] %s\n' "$1" "${*:2}"; }
has_var() {
  local file=$1 var=$2
  ncks -m -v "$var" "$file" > /dev/null 2>&1
}
season_mean() {
  local out=$1; shift
  local -a inputs=("$@")
  if (( ${#inputs[@]} < 2 )); then
    log WARN "need at least two months for $out"
    return 2
  fi
  ncra -O "${inputs[@]}" "$out" || return 1
  log INFO "$out from ${#inputs[@]} months"
}
outname() { local m=$1 s=$2; echo "${m}_${s,,}.nc"; }
for m in ccsm gfdl; do
  if has_var ${m}_01.nc pr; then
    season_mean "$(outname $m DJF)" ${m}_12.nc ${m}_01.nc ${m}_02.nc
  fi
  season_mean "$(outname $m ANN)" ${m}_01.nc
  rc=$?
  [ $rc -eq 2 ] && log INFO "skipped annual for $m ($rc)"
  has_var ${m}_01.nc nosuch || log INFO "$m has no nosuch"
done
ls *_djf.nc
