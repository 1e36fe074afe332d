#!/bin/bash
# namelist-sed.sh: a namelist written with cat > file <<EOF, edited per year with sed -i,
# values read back with grep/awk/cut, and a copy kept per run.
cat > namelist.base <<EOF
&run_nml
  start_year = 1999
  nyears     = 1
  model      = 'none'
  outdir     = './out'
/
EOF
for yr in 2000 2001; do
  for m in ccsm echam; do
    nml=namelist_${m}_${yr}
    cp namelist.base $nml
    sed -i "s/^\( *start_year *=\).*/\1 $yr/" $nml
    sed -i -e "s/'none'/'$m'/" -e "s#'./out'#'./out/$m'#" $nml
    y=$(grep start_year $nml | awk -F= '{print $2}' | tr -d ' ')
    mod=$(grep model $nml | cut -d"'" -f2)
    mkdir -p out/$mod
    ncks -O -v T ${mod}_01.nc out/$mod/T_${y}.nc
  done
done
grep -h model namelist_* | sort | uniq -c
wc -l < namelist_ccsm_2001
