#!/bin/bash
# cmorize-levels.sh: rewrite model output into CMOR-like files, one variable per file,
# named VAR_Amon_MODEL_historical_r1i1p1f1_gn_YYYYMM-YYYYMM.nc, and pull the lowest level.
#
#   cmorize-levels.sh [-m MODELS] [-o OUTDIR] [-k] [-v] [VAR...]
#     -m  comma-separated models (default: ccsm,gfdl)   -o  output tree (default cmor)
#     -k  keep the intermediate files                    -v  verbose
# Exercises: set -o errexit/nounset/pipefail, getopts with :m:o:kvh and *), shift $((OPTIND - 1)),
# (( ${#vars[@]} )) ||, mktemp -d, a trap whose function reads $?, IFS=',' read -r -a, ncap2 defdim,
# ncks -d lev,0, ncwa -a lev, ncpdq -a, ncrename, ncatted -a ,global,d,,, printf -v, ${written[-1]},
# ${yrs:0:4} ${yrs: -6:4} (an offset before the start), cut, tr '[:lower:]' '[:upper:]', sort -u.
set -o errexit
set -o nounset
set -o pipefail

prog=${0##*/}
models_csv="ccsm,gfdl"
outdir=cmor
keep=0
verbose=0
table=Amon
experiment=historical
member=r1i1p1f1

usage() {
  cat <<EOF
usage: $prog [-m MODELS] [-o OUTDIR] [-k] [-v] [VAR...]
EOF
  exit 1
}

say() { (( verbose )) && echo "$prog: $*" || true; }

while getopts ":m:o:kvh" opt; do
  case $opt in
    m) models_csv=$OPTARG ;;
    o) outdir=$OPTARG ;;
    k) keep=1 ;;
    v) verbose=1 ;;
    h) usage ;;
    :)
      echo "$prog: -$OPTARG needs a value" >&2
      usage
      ;;
    *)
      echo "$prog: unknown option -$OPTARG" >&2
      usage
      ;;
  esac
done
shift "$((OPTIND - 1))"
vars=("$@")
(( ${#vars[@]} )) || vars=(T pr)

tmpdir=$(mktemp -d tmp.cmor.XXXXXX)
cleanup() {
  local rc=$?
  if [ "$keep" -eq 0 ]; then
    rm -rf "$tmpdir"
  fi
  echo "$prog: exit $rc" >> cmor.log
}
trap cleanup EXIT

IFS=',' read -r -a models <<< "$models_csv"
say "models ${models[*]}, variables ${vars[*]}"

# the model levels: three, the first the lowest
make_levels() {
  local in=$1 out=$2
  ncap2 -O -h -s 'defdim("lev",3); lev[$lev]={1000.0,850.0,500.0}; lev@units="hPa";
    T3[$time,$lev,$lat,$lon]=T-0.0065f*(1000.0f-lev)*10.0f; T3@units=T@units;' "$in" "$out"
}

declare -a written=()
for model in "${models[@]}"; do
  model=${model// /}
  first=${model}_01.nc
  [ -f "$first" ] || { echo "$prog: no $first" >&2; exit 2; }
  nfiles=$(ls -1 ${model}_??.nc | wc -l)
  say "$model: $nfiles months"
  ncrcat -O -h ${model}_??.nc "$tmpdir/${model}_all.nc"
  make_levels "$tmpdir/${model}_all.nc" "$tmpdir/${model}_lev.nc"
  start=200001
  printf -v end '2000%02d' "$nfiles"
  for var in "${vars[@]}"; do
    dest=$outdir/$model/$table/$var
    mkdir -p "$dest"
    name=${var}_${table}_${model}_${experiment}_${member}_gn_${start}-${end}.nc
    ncks -O -h -v "$var" "$tmpdir/${model}_all.nc" "$dest/$name"
    ncatted -O -h -a ,global,d,, "$dest/$name"
    ncatted -O -h -a source_id,global,c,c,"$model" -a table_id,global,c,c,"$table" \
      -a variant_label,global,c,c,"$member" "$dest/$name"
    written+=("$dest/$name")
  done
  # the lowest level of the 3-D field, lon first for the old plotting code
  ncks -O -h -v T3 -d lev,0 "$tmpdir/${model}_lev.nc" "$tmpdir/${model}_T3_0.nc"
  ncwa -O -h -a lev "$tmpdir/${model}_T3_0.nc" "$tmpdir/${model}_sfc.nc"
  ncpdq -O -h -a time,lon,lat "$tmpdir/${model}_sfc.nc" "$tmpdir/${model}_sfc_lonlat.nc"
  ncrename -O -h -v T3,tas_lowest "$tmpdir/${model}_sfc_lonlat.nc" "$outdir/$model/tas_lowest_${model}.nc"
  written+=("$outdir/$model/tas_lowest_${model}.nc")
done

say "wrote ${#written[@]} files, the last ${written[-1]}"
printf '%s\n' "${written[@]}" | sort > "$outdir/MANIFEST"
for f in "${written[@]}"; do
  base=$(basename "$f" .nc)
  v=$(echo "$base" | cut -d_ -f1)
  yrs=${base##*_}
  echo "$v ${yrs:0:4}-${yrs: -6:4} $(ncks -m "$f" | grep -c 'float')"
done | sort -u > "$outdir/summary.txt"
cat "$outdir/summary.txt"
n=$(wc -l < "$outdir/MANIFEST")
echo "$(echo "$prog" | tr '[:lower:]' '[:upper:]'): $n files in $outdir"
[ "$n" -eq $(( ${#models[@]} * (${#vars[@]} + 1) )) ]
