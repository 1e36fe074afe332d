#!/bin/bash
# namelist-driver.sh: the diagnostics driver of a model-evaluation package. It writes the
# namelist the diagnostics read, then runs one diagnostics script per model and checks
# what each exits with (0 ok, 3 skipped: no data, anything else failed).
# Exercises: cd "$(dirname "${BASH_SOURCE[0]}")", shopt -s nullglob, a namelist read with
# [[ =~ ]] of [[:space:]] classes and a leading group into an associative array cfg[${BASH_REMATCH[1]}],
# ${cfg[out_dir]:?}, a helper script written by a heredoc and run as ./run_one.sh, its exit codes
# sorted by case $rc in 0) 3) *), counts kept by it, results=(glob), done > file, $(< file).
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$SCRIPT_DIR" || exit 1

shopt -s nullglob

nml=diag.nml
cat > $nml <<'EOF'
&diag_nml
  case_name   = 'piControl'
  models      = 'ccsm echam gfdl miroc'
  months      = '01 02 03'
  variable    = 'T'
  ref_model   = 'obs'
  out_dir     = 'diag_out'
/
EOF

# parse the namelist: key = 'value'
declare -A cfg
while IFS= read -r line; do
  if [[ $line =~ ^[[:space:]]*([a-z_]+)[[:space:]]*=[[:space:]]*\'(.*)\'[[:space:]]*$ ]]; then
    cfg[${BASH_REMATCH[1]}]="${BASH_REMATCH[2]}"
  fi
done < $nml
echo "case ${cfg[case_name]}: ${cfg[models]}"
out=${cfg[out_dir]:?out_dir missing from $nml}
mkdir -p $out

# the per-model diagnostics, a script of its own
cat > run_one.sh <<'EOF'
#!/bin/bash
# run_one.sh MODEL VAR OUTDIR MONTHS...
if [ $# -lt 4 ]; then
  echo "usage: run_one.sh MODEL VAR OUTDIR MONTHS..." >&2
  exit 1
fi
model=$1 var=$2 outdir=$3
shift 3
files=()
for mm in "$@"; do
  [ -e ${model}_${mm}.nc ] && files+=(${model}_${mm}.nc)
done
if [ ${#files[@]} -eq 0 ]; then
  echo "no data for $model" >&2
  exit 3
fi
ncra -O -h -v $var,gw "${files[@]}" $outdir/${model}_${var}.nc || exit 4
ncbo -O -h --op_typ=sub $outdir/${model}_${var}.nc $outdir/ref_${var}.nc $outdir/${model}_${var}_bias.nc || exit 5
ncwa -O -h -a lat,lon -w gw $outdir/${model}_${var}_bias.nc $outdir/${model}_${var}_gbias.nc
exit 0
EOF
chmod +x run_one.sh

ref=${cfg[ref_model]}
reffiles=()
for mm in ${cfg[months]}; do reffiles+=(${ref}_${mm}.nc); done
ncra -O -h -v ${cfg[variable]},gw "${reffiles[@]}" $out/ref_${cfg[variable]}.nc

ok=0 skipped=0 failed=0
status_file=$out/status.txt
: > $status_file
for model in ${cfg[models]}; do
  ./run_one.sh $model ${cfg[variable]} $out ${cfg[months]}
  rc=$?
  case $rc in
    0) ok=$((ok + 1)); echo "$model ok" >> $status_file ;;
    3) skipped=$((skipped + 1)); echo "$model skipped" >> $status_file ;;
    *) failed=$((failed + 1)); echo "$model FAILED ($rc)" >> $status_file ;;
  esac
done
./run_one.sh ccsm T
echo "usage check exited $?"

echo "ok=$ok skipped=$skipped failed=$failed"
results=($out/*_gbias.nc)
echo "${#results[@]} bias files"
for f in "${results[@]}"; do
  m=$(basename $f _T_gbias.nc)
  printf '%s %s\n' $m "$(ncks -H -C -s '%.3f' -v T $f)"
done > $out/bias_table.txt
summary=$(< $out/bias_table.txt)
echo "$summary"
[ $failed -eq 0 ] || exit 1
rm -f run_one.sh
