#!/bin/bash
# Library-style script: small functions around NCO, used to compute seasonal
# biases of every model against the observations and rank them.
# For swamp: b=$(bias ...) runs a function that returns on a job's status, then reads what its jobs wrote.

usage() {
  echo "usage: $0 [-v var] model..." >&2
  exit 2
}

log() { echo "[$(printf '%-5s' "$1")] ${*:2}" >&2; }

have_file() {
  local f=$1
  [[ -s $f ]] || { log warn "missing $f"; return 1; }
}

has_var() {
  local f=$1 v=$2
  ncks -m "$f" | grep -q "^ *float $v("
}

gmean() {        # FILE VAR -> prints the area-weighted global mean
  local f=$1 v=$2
  local tmp=gm_${f##*/}
  tmp=${tmp%.nc}_$v.nc
  ncwa -O -a time,lat,lon -w gw -v "$v" "$f" "$tmp" || return 1
  ncks -H -C -s '%.4f' -v "$v" "$tmp"
  rm -f "$tmp"
}

seasonal_mean() { # MODEL SEASON -> prints the path of the seasonal mean file
  local model=$1 season=$2 months out m
  local files=()
  case $season in
    DJF) months="12 01 02" ;;
    MAM) months="03 04 05" ;;
    JJA) months="06 07 08" ;;
    SON) months="09 10 11" ;;
    *) return 3 ;;
  esac
  for m in $months; do
    have_file ${model}_$m.nc || return 1
    files+=(${model}_$m.nc)
  done
  out=seas/${model}_${season}.nc
  [[ -s $out ]] || ncra -O "${files[@]}" "$out" || return 1
  echo "$out"
}

bias() {          # MODEL REF SEASON VAR -> prints model minus reference
  local fm fr vm vr
  fm=$(seasonal_mean $1 $3) || return 1
  fr=$(seasonal_mean $2 $3) || return 1
  has_var "$fm" $4 || return 2
  vm=$(gmean "$fm" $4) || return 1
  vr=$(gmean "$fr" $4) || return 1
  echo "$vm - $vr" | bc -l
}

mkdir -p seas
models=(ccsm echam gfdl miroc)

for var in T pr tas; do
  for s in DJF JJA XYZ; do
    for m in "${models[@]}"; do
      if b=$(bias $m obs $s $var); then
        printf '%-3s %-3s %-6s %+.4f\n' $var $s $m $b
        [[ $s == JJA ]] && echo "$m $b" >> rank_$var.txt
      else
        rc=$?
        [[ $m == miroc ]] && continue
        echo "$var $s $m: no bias (status $rc)"
      fi
    done
  done
done

echo "--- models ranked by |JJA pr bias|"
awk '{d=$2<0?-$2:$2; printf "%s %.4f\n", $1, d}' rank_pr.txt | sort -k2,2g | cat -n
echo "seasonal files: $(ls seas | paste -sd' ')"
ls gm_* 2>/dev/null || echo "no scratch left"
