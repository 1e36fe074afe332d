#!/bin/bash
# A scientist's wrappers: ncks and cd as functions that call the real ones through command and
# builtin, output names made with printf -v into an array's elements, the output taken as the
# last argument (${!#}), a table keyed by "model experiment" (a subscript with a blank).
ncks() { echo "ncks $*" >> wrappers/calls.log; command ncks --no_tmp_fl "$@"; }
cd() { builtin cd "$@" && echo "cd $1"; }
mean_into() { local out=${!#}; ncra -O "${@:1:$#-1}" "$out" && echo "wrote ${out##*/}"; }
mkdir -p wrappers/out
declare -A label
models=(ccsm gfdl)
for i in "${!models[@]}"; do
  m=${models[i]}
  printf -v "means[$i]" 'wrappers/out/%s_JFM.nc' "$m"
  mean_into ${m}_0[1-3].nc "${means[i]}"
  label[$m control]=${m^^[cg]}
done
ncks -O -v T "${means[1]}" wrappers/out/gfdl_T.nc
msg=$(builtin cd wrappers/nowhere 2>&1) || echo "no such directory: ${msg##*: }"
cd wrappers/out
ncbo -O --op_typ=- gfdl_JFM.nc ccsm_JFM.nc diff_JFM.nc
command ncks -H -C -v T -d lat,0 -d lon,0 -s '%.3f\n' diff_JFM.nc
cd ../..
for m in "${models[@]}"; do echo "$m: ${label[$m control]}"; done
