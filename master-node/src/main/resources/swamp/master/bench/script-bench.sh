#!/bin/bash
# The bench's `script` row: an NCO ensemble workflow as a scientist writes it, run by bash and
# by bin/swamp run. Inputs: MODEL_MM.nc from script-data.sh (4 models x 12 months).
# Seasonal means of each model, ensemble seasonal means, each model's seasonal anomalies, their
# seasonal cycle and its zonal mean: 44 commands.
models="m1 m2 m3 m4"
seasons=(DJF MAM JJA SON)
months=("12 01 02" "03 04 05" "06 07 08" "09 10 11")

for m in $models; do
  for i in 0 1 2 3; do
    files=""
    for mm in ${months[$i]}; do
      files="$files ${m}_$mm.nc"
    done
    ncra -O $files ${m}_${seasons[$i]}.nc
  done
done

for s in ${seasons[@]}; do
  ncea -O *_$s.nc ens_$s.nc
done

for m in $models; do
  for s in ${seasons[@]}; do
    ncbo -O --op_typ=sub ${m}_$s.nc ens_$s.nc ${m}_${s}_anom.nc
  done
  ncrcat -O ${m}_{DJF,MAM,JJA,SON}_anom.nc ${m}_anom.nc
  ncwa -O -a lon ${m}_anom.nc ${m}_anom_zm.nc
done
exit 0
