#!/bin/bash
# seasonal-means.sh: seasonal means (DJF, MAM, JJA, SON) of each model, from brace expansions
# and bracket globs over the monthly files, then ensemble seasonal means from a glob over the
# per-model seasons the first loop writes, and the JJA-DJF contrast.
# Exercises: a list of models in a string variable split by `for`, brace expansion {a,b,c},
# bracket globs [678] and [01], globs over planned outputs inside a loop, ncra/nces/ncrcat/ncbo.

models="ccsm echam gfdl"
for model in $models; do
  ncra -O ${model}_{12,01,02}.nc ${model}_DJF.nc
  ncra -O ${model}_0{3,4,5}.nc ${model}_MAM.nc
  ncra -O ${model}_0[678].nc ${model}_JJA.nc
  ncra -O ${model}_09.nc ${model}_1[01].nc ${model}_SON.nc
done

for season in DJF MAM JJA SON; do
  nces -O *_${season}.nc ens_${season}.nc
done

ncrcat -O ens_{DJF,MAM,JJA,SON}.nc ens_seasons.nc
ncbo -O --op_typ=- ens_JJA.nc ens_DJF.nc ens_JJA-DJF.nc
ncwa -O -a lon ens_JJA-DJF.nc ens_JJA-DJF_zm.nc
ncks -H --trd -C -v T ens_JJA-DJF_zm.nc > contrast.txt
exit 0
