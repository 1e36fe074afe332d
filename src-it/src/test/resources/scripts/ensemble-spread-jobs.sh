#!/bin/bash
# ensemble-spread-jobs.sh: the ensemble post-processing a group runs after each batch of
# members: per-member tropical means in background jobs (their PIDs kept and waited for one by
# one, a failure counted), then the ensemble mean, spread and extremes, and a report.
# Exercises: set -e with an ERR trap, a settings file with export and declare -r sourced with '.',
# readonly, local -a, seq -w | head, member functions run with & and their PIDs waited for one by
# one (wait ${pids[$i]} in an if), a count of failures and (( nfail > 0 )), ncea -y max/min, ncbo,
# ncecat -u, ncatted, ncrename, { ...; } >> report with $(ncks ...) values, a loop piped to sort.
set -e
trap 'echo "ensemble-spread: failed at line $LINENO" >&2' ERR

cat > ens.env <<'EOF'
# ensemble settings (edited per batch)
export ENS_NAME=batch07
MEMBERS="ccsm echam gfdl"
LAT_BAND="-30.0,30.0"
PR_CAP=5.0
declare -r REPORT=report_${ENS_NAME}.txt
EOF
. ./ens.env

readonly WORK=ens_work
mkdir -p $WORK/members $WORK/stats
rm -f $WORK/members/*.nc
: > $REPORT

log() { printf '%s %-5s %s\n' "$(date -u +%Y-%m-%d)" "$1" "$2" >> $WORK/ens.log; }

member_mean() {
  local m=$1
  local -a months=()
  local mm
  for mm in $(seq -w 1 12 | head -6); do
    months+=(${m}_${mm}.nc)
  done
  ncra -O -h "${months[@]}" $WORK/members/${m}_h1.nc
  ncks -O -h -d lat,${LAT_BAND} $WORK/members/${m}_h1.nc $WORK/members/${m}_trop.nc
  ncap2 -O -h -s "where(pr > ${PR_CAP}) pr=${PR_CAP}f;" $WORK/members/${m}_trop.nc $WORK/members/${m}_capped.nc
  ncwa -O -h -a lat,lon -w gw $WORK/members/${m}_capped.nc $WORK/members/${m}_fld.nc
}

pids=()
names=()
for m in $MEMBERS; do
  member_mean $m &
  pids+=($!)
  names+=($m)
done
nfail=0
for i in "${!pids[@]}"; do
  if wait ${pids[$i]}; then
    log INFO "member ${names[$i]} done"
  else
    log ERROR "member ${names[$i]} failed"
    nfail=$((nfail + 1))
  fi
done
log INFO "$nfail of ${#pids[@]} members failed"
if (( nfail > 0 )); then
  echo "$nfail members failed, see $WORK/ens.log" >&2
  exit 3
fi

# the ensemble statistics: mean, spread (as the max minus the min), members side by side
ncea -O -h $WORK/members/*_fld.nc $WORK/stats/ens_mean.nc
ncea -O -h -y max $WORK/members/*_fld.nc $WORK/stats/ens_max.nc
ncea -O -h -y min $WORK/members/*_fld.nc $WORK/stats/ens_min.nc
ncbo -O -h --op_typ=sbt $WORK/stats/ens_max.nc $WORK/stats/ens_min.nc $WORK/stats/ens_range.nc
ncecat -O -h -u member $WORK/members/*_fld.nc $WORK/stats/ens_all.nc
ncatted -O -h -a units,T,o,c,K -a long_name,T,o,c,"ensemble range of T" $WORK/stats/ens_range.nc
ncrename -h -v pr,pr_range $WORK/stats/ens_range.nc

{
  echo "ensemble $ENS_NAME: $(echo $MEMBERS | wc -w) members"
  printf '%-8s %8s %8s\n' stat T pr
  for s in mean max min; do
    t=$(ncks -H -C -s '%.2f' -v T $WORK/stats/ens_$s.nc)
    p=$(ncks -H -C -s '%.3f' -v pr $WORK/stats/ens_$s.nc)
    printf '%-8s %8s %8s\n' $s $t $p
  done
  echo "members in ens_all: $(ncks -m $WORK/stats/ens_all.nc | grep -E '^ *member' | head -1 | tr -s ' ')"
} >> $REPORT

for f in $WORK/stats/*.nc; do basename $f; done | sort > $WORK/stats/INDEX
count=$(wc -l < $WORK/stats/INDEX)
[ "$count" -eq 5 ] || { echo "expected 5 stats files, got $count" >&2; exit 4; }
rm -f $WORK/members/*_h1.nc $WORK/members/*_trop.nc
cat $REPORT
echo "done ($count files)"
