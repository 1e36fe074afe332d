#!/bin/bash
# member-anomaly.sh MODEL MONTH: one model's anomaly of one month against its annual mean, under
# set -e (a script of the corpus' data, run by subshell-set-e.sh through bash). A month with no
# file stops this script at its first command; the driver goes on.
set -e
f=${1}_${2}.nc
ncra -O ${1}_??.nc "anom/${1}_annual.nc"
ncbo -O --op_typ=subtract "$f" "anom/${1}_annual.nc" "anom/${1}_anom_${2}.nc"
echo "$1 $2 anomaly done"
