#!/bin/bash
# Ensemble-mean annual cycle, per-model anomalies against the ensemble, and a consistency check.
# Layout: ann/ (annual means), ens/ (ensemble products), anom/ (model minus ensemble), report.txt
# For swamp: functions that return on a job's failure and then read what their jobs wrote.
set -uo pipefail
export LC_ALL=C

MODELS=(ccsm echam gfdl)
MONTHS=({01..12})
mkdir -p ann ens anom

log() { printf '[%s] %s\n' "$1" "$2" | tee -a pipeline.log; }

# --- 1. annual means, done two ways as a sanity check -----------------------
annual_mean() {
  local m=$1
  ncra -O "${m}_"??.nc "ann/${m}_ann.nc" || return 1
  ncrcat -O "${m}_"??.nc "ann/${m}_ts.nc" || return 1
  ncra -O "ann/${m}_ts.nc" "ann/${m}_ann_check.nc"
  local a b
  a=$(ncks -H -C --trd -v T "ann/${m}_ann.nc" | md5sum | cut -c1-12)
  b=$(ncks -H -C --trd -v T "ann/${m}_ann_check.nc" | md5sum | cut -c1-12)
  [[ $a == "$b" ]]
}
for m in "${MODELS[@]}"; do
  if annual_mean "$m"; then
    log ann "$m annual mean ok (${#MONTHS[@]} months)"
  else
    log ann "$m annual mean MISMATCH"
  fi
done
ncks -H -C --trd -v T ann/ccsm_ann.nc > a.txt
ncks -H -C --trd -v T ann/ccsm_ann_check.nc > b.txt
diff -q a.txt b.txt > /dev/null && log ann "ccsm text dumps identical"
cmp -s a.txt b.txt && rm -f a.txt b.txt

# --- 2. ensemble mean per calendar month ------------------------------------
for mm in "${MONTHS[@]}"; do
  inputs=()
  for m in "${MODELS[@]}"; do inputs+=("${m}_${mm}.nc"); done
  nice -n 5 nces -O "${inputs[@]}" "ens/ens_${mm}.nc"
done
ncrcat -O ens/ens_[01][0-9].nc ens/ens_ts.nc
rm -f ens/ens_[01][0-9].nc
ncra -O ens/ens_ts.nc ens/ens_ann.nc
nrec=$(ncks -m ens/ens_ts.nc | sed -n 's/.*(\([0-9]*\) currently).*/\1/p')
log ens "ensemble time series has $nrec records"

# --- 3. anomalies of each model relative to the ensemble --------------------
for m in "${MODELS[@]}"; do
  ncbo -O --op_typ=subtract -v T,pr "ann/${m}_ts.nc" ens/ens_ts.nc "anom/${m}_anom_ts.nc"
  ncks -A -v gw "${m}_01.nc" "anom/${m}_anom_ts.nc"
  ncwa -O -a lat,lon -w gw "anom/${m}_anom_ts.nc" "anom/${m}_anom_gm.nc"
done

# --- 4. report -----------------------------------------------------------------
{
  echo "Global-mean anomaly relative to the 3-model ensemble"
  printf '%-6s %10s %10s %10s\n' model T_mean pr_min pr_max
  for m in "${MODELS[@]}"; do
    ncks -H -C -s '%f\n' -v T "anom/${m}_anom_gm.nc" | grep . > t.txt
    ncks -H -C -s '%f\n' -v pr "anom/${m}_anom_gm.nc" | grep . > p.txt
    tm=$(awk '{s+=$1} END{printf "%.3f", s/NR}' t.txt)
    pmin=$(sort -n p.txt | head -1)
    pmax=$(sort -n p.txt | tail -1)
    printf '%-6s %10s %10.4f %10.4f\n' "$m" "$tm" "$pmin" "$pmax"
  done
} > report.txt
rm -f t.txt p.txt
cat report.txt

# --- 5. which model is warmest most often? ----------------------------------
for mm in "${MONTHS[@]}"; do
  for m in "${MODELS[@]}"; do
    ncks -H -C -s "%f $m\n" -v T -d time,$((10#$mm - 1)) "anom/${m}_anom_gm.nc" | grep .
  done | sort -k1 -g -r | head -1 | awk '{print $2}'
done | sort | uniq -c | awk '{printf "%s warmest in %d months\n", $2, $1}'
echo "log lines: $(wc -l < pipeline.log)"
