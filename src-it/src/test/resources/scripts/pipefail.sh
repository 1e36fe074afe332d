#!/bin/bash
# pipefail.sh: pipelines whose first command fails, in strict mode. Under set -o pipefail bash
# takes such a pipeline's status from the stage that failed, though its last stage succeeded:
# '|| ...' then runs, and set -e stops the script there. Without pipefail it is the last stage's.
# (No 'cmd | head' here: whether cmd dies of SIGPIPE, and pipefail sees it, is a race in bash.)
# Exercises: set -eo pipefail, set +o pipefail, a failing ncks or ncdump piped into wc and sort.
set -eo pipefail
ncdump -h ccsm_01.nc | grep -c float > nfloat.txt
ncks -H -v T ccsm_13.nc | wc -l > count13.txt || echo "month 13: no data (pipefail)"
set +o pipefail
ncks -H -v T ccsm_13.nc | wc -l > lines13.txt || echo "never printed: wc succeeded"
cat lines13.txt   # wc counted 0 lines
set -o pipefail
ncra -O ccsm_0[1-3].nc ccsm_q1.nc
ncdump -h ccsm_14.nc | sort > header14.txt   # bash stops here, with ncdump's status
echo "never printed: the script stopped"
ncks -H --trd -C -v T -d time,0 -d lat,0 -d lon,0 ccsm_04.nc   # may run in parallel; not shown
