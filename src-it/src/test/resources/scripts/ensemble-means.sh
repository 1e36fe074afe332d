#!/bin/bash
# ensemble-means.sh: the shape of SWAMP's own demo. An ensemble of models in a multi-line `for`
# loop: each model's time series (ncrcat over a glob of its monthly inputs), climatology (ncra),
# zonal mean (ncwa -a lon) and weighted global mean (ncwa -w gw); then ensemble means (ncea, nces)
# over globs of the files the loop wrote, and each model's anomaly from the ensemble (ncdiff).
# Exercises: for over words, ${var} inside names, globs over inputs and over planned outputs,
# a redirection of ncks -H into a text file, exit 0.

for model in ccsm echam gfdl
do
  ncrcat -O ${model}_??.nc ${model}_ts.nc
  ncra -O ${model}_ts.nc ${model}_clim.nc
  ncwa -O -a lon ${model}_clim.nc ${model}_zm.nc
  ncwa -O -a lat,lon -w gw ${model}_ts.nc ${model}_gm.nc
done

# the ensemble: every climatology and zonal mean the loop made
ncea -O *_clim.nc ens_clim.nc
nces -O *_zm.nc ens_zm.nc
ncea -O *_gm.nc ens_gm.nc

for model in ccsm echam gfdl
do
  ncdiff -O ${model}_clim.nc ens_clim.nc ${model}_anom.nc
done

ncks -H --trd -C -v T ens_zm.nc > ens_zm.txt
ncks -H --trd -C -v T,pr ens_gm.nc > ens_gm.txt
exit 0
