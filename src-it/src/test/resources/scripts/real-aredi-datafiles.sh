#!/bin/bash
# real-aredi-datafiles.sh: a real script, unchanged below its preamble but for two paths: from
# GitHub jthom143/control_aredi800, data/make_datafiles.sh (no license stated), yearly means of
# one variable of GFDL ocean history files, glued into one series. Its paths were
# /datascope/pradal-esm/${1}/history and ~/control_aredi800/data; here datascope/ and
# ./control_aredi800/data. As written it removes var*_tmp.nc in the directory it runs in, not where
# it wrote them, so its last rm fails and the script exits 1 (the corpus compares that status).
# Exercises: `ls` of inputs and of planned files in backquotes, `let i=i+1`, printf %03d, ncra -v
# per file, ncrcat.

# --- preamble (not in the original): its run's directory ($1=CM2) and three years of history
set -- CM2
mkdir -p datascope/CM2/history control_aredi800/data
for y in 01 02 03; do
  ncap2 -O -h -s "mld=float(T-250.0)*${y}.0f" ccsm_${y}.nc datascope/CM2/history/00${y}0101.ocean_month.nc
done
# --- the original from here

files=`ls datascope/${1}/history/*ocean_month.nc`
#files=`ls datascope/${1}/history/*ocean_bling.nc`

# Ocean Month:
#var="temp_xflux_adv temp_yflux_adv temp_zflux_adv temp temp_tendency neutral_temp temp_submeso temp_nonlocal_KPP sw_heat temp_vdiffuse_impl rho_dzt"
var='mld'

# Ocean BLING: 
#var="dic"


for v in $var
  do
  echo $v
  i=0
  for f in $files
    do
    num=`printf %03d $i`
    ncra -v $v $f ./control_aredi800/data/var${num}_tmp.nc
    let i=i+1
  done
  files_ann=`ls ./control_aredi800/data/var*_tmp.nc`
  ncrcat $files_ann ./control_aredi800/data/$v.nc
  rm var*_tmp.nc
done

