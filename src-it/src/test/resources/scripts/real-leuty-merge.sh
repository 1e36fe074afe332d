#!/bin/bash
# real-leuty-merge.sh: a real script, unchanged below its preamble but for its module loads
# (commented out): from GitHub leuty/primary_data_tropical_islands, analysis_CDO/merge.sh (no
# license stated), by David Leutwyler: COSMO output cut to the inner domain and glued into one
# time series, unless one is there already. It turns globbing on with `set +o noglob`, the
# default, as scripts do that are sourced from shells that turned it off.
# Exercises: set +o noglob, a one-element array of "", $(( )) of a `cut` of a variable, an
# [ ! -f ] guard, ncrcat -d of four dimensions over a glob, ncks, rm.

# --- preamble (not in the original): the environment it reads and three hours of output
exp=8x14
WDIR=wdir
IDIR=idir
mkdir -p wdir idir/output
for h in 00 06 12; do
  ncap2 -O -h -s 'T_2M[$time,$lat,$lon]=T; U[$time,$lat,$lon]=pr' ccsm_01.nc lffd_$h.nc
  ncrename -h -d lat,rlat -d lon,rlon lffd_$h.nc
  ncap2 -O -h -s 'defdim("srlat",8); defdim("srlon",16); V[$time,$srlat,$rlon]=0.5f; W[$time,$rlat,$srlon]=1.5f' lffd_$h.nc lffd_$h.nc
  ncks -O -h --mk_rec_dmn time lffd_$h.nc idir/output/lffd20190101$h.nc
  rm lffd_$h.nc
done
# --- the original from here
#written by David Leutwyler, April 2019, david.leutwyler@@alumni.ethz.ch

#NCO needs filename expansion
set +o noglob

# AUDIT: module load daint-gpu
# AUDIT: module load CDO
# AUDIT: module load NCO

STREAM=("") #List output streams 

#Domain-mean values
for stream  in "${STREAM[@]}";do
  llon=$( echo $exp | cut -dx -f2 )
  llon=$(($llon-4))
  llat=$( echo $exp | cut -dx -f1 )
  llat=$(($llat-4))

  #Cat files
  if [ ! -f ${WDIR}/timeseries${stream}.nc ]; then
   ncrcat -O -h -d rlat,3,${llat} -d rlon,3,${llon} -d srlat,3,${llat}  -d srlon,3,${llon} $IDIR/output${stream}/lffd??????????.nc ${WDIR}/timeseries${stream}_tmp.nc
   ncks -h ${WDIR}/timeseries${stream}_tmp.nc ${WDIR}/timeseries${stream}.nc
   rm ${WDIR}/timeseries${stream}_tmp.nc
  fi

done
