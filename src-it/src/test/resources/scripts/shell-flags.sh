#!/bin/bash
# shell-flags.sh: helpers run with the shell's options on their command line or on their #! line:
# a helper written with '#!/bin/bash -e' and run as ./helper.sh stops at its first failure, run
# as 'bash helper.sh' it does not (the #! line is not read then), 'bash -x' traces one into a
# log, and 'bash -eu -o pipefail' and 'bash -ec' hold their options in the shell they start.
cat > zonal.sh <<'EOF'
#!/bin/bash -e
# zonal.sh MODEL MONTH: the zonal mean of one month; stops at the first failure
in=${1}_$2.nc
ncwa -O -a lon "$in" "zm_${1}_$2.nc"
echo "zonal mean of $in"
ncks -O -v T "zm_${1}_$2.nc" "zmT_${1}_$2.nc"
EOF
chmod +x zonal.sh
./zonal.sh ccsm 01
./zonal.sh nosuch 01 2> /dev/null || echo "./zonal.sh nosuch stopped: $?"
bash zonal.sh nosuch 02 2> /dev/null || echo "bash zonal.sh nosuch went on, then failed: $?"
bash -x zonal.sh echam 03 2> trace.log
sed 's/^+ //' trace.log
bash -eu -o pipefail -c 'ncks -m "$0" | grep -c float; echo "$undefined"' gfdl_04.nc 2> /dev/null \
  || echo "bash -eu stopped: $?"
bash -ec 'ncra -O gfdl_0[1-3].nc gfdl_JFM.nc; ncks -H -v nosuch gfdl_JFM.nc; echo not here' 2> /dev/null \
  || echo "bash -ec stopped: $?"
ls zm*.nc gfdl_JFM.nc
