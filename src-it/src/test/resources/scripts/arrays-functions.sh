#!/bin/bash
# arrays-functions.sh: models in a bash array, helper functions called with $1 $2 $3, "$@" and
# $#, a C-style for over the array's indices, and an ensemble mean over a glob of the anomalies.
# Exercises: a=(...), ${a[@]}, ${#a[@]}, ${a[$i]}, ${a[i]}, ${a[*]}, f() { ...; } and
# function f { ... }, local, shift, $#, "$@", for ((i=0; i<n; i++)), $(( )).

models=(ccsm echam gfdl)
n=${#models[@]}

# clim MODEL: the model's climatology from its monthly files
clim() {
  ncra -O $1_??.nc $1_clim.nc
}

# anomaly IN REF OUT
function anomaly {
  ncbo -O --op_typ=sbt $1 $2 $3
}

# ensmean OUT IN...: the mean of the inputs, and a line in the log saying how many
ensmean() {
  local out=$1
  shift
  echo "$out: mean of $# files" >> ensmean.log
  ncea -O "$@" $out
}

for model in "${models[@]}"; do
  clim $model
done
ensmean ens_clim.nc ${models[0]}_clim.nc ${models[1]}_clim.nc ${models[2]}_clim.nc

for ((i=0; i<n; i++)); do
  anomaly ${models[$i]}_clim.nc ens_clim.nc ${models[i]}_anom.nc
done
ensmean anom_mean.nc *_anom.nc

last=$((n - 1))
ncwa -O -a lat,lon -w gw ${models[$last]}_anom.nc last_anom_gm.nc
echo "$n models: ${models[*]}" > models.txt
exit 0
