#!/bin/bash
# ensemble.sh: an NCO ensemble workflow written as scientists write them, run unchanged by
#   bash ensemble.sh            (one command after another)
#   bin/swamp run ensemble.sh   (the same commands, independent ones in parallel on the pool)
# Run it in examples/nco: it makes three "models" from temperature.cdl, averages each over time
# and space, then averages the models into an ensemble mean.
set -e

models=(ccsm echam gfdl)
out=ensemble
mkdir -p $out

# one input file per model: the same field, offset by the model's index (0, 1, 2 K)
ncgen -o $out/base.nc temperature.cdl
for ((i = 0; i < ${#models[@]}; i++)); do
  ncap2 -O -s "T=T+${i}.0f" $out/base.nc $out/${models[$i]}.nc
done

# per model, independent of the others: the climatology, then its global mean
for m in "${models[@]}"; do
  ncra -O $out/$m.nc $out/${m}_clim.nc
  ncwa -O -a lat,lon $out/${m}_clim.nc $out/${m}_xy.nc
done

# the glob sees every *_xy.nc the loop above will write
ncea -O $out/*_xy.nc $out/ensemble_mean.nc
ncks -H -C -v T $out/ensemble_mean.nc > $out/ensemble_mean.txt
for f in $out/*_xy.nc; do
  echo "$(basename $f _xy.nc) $(ncks --version 2>&1 | grep -c version) $f" >> $out/models.txt
done
ncdump -h $out/ensemble_mean.nc | grep -c float > $out/float_variables.txt
