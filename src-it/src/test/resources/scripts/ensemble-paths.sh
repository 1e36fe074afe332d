#!/bin/bash
# ensemble-paths.sh: members' file names made from an array with ${a[@]/#/prefix} and
# ${a[@]/%/suffix}, the last member as ${a[${#a[@]}-1]}, a years list read with $(< file), a
# count of the outputs made so far in a progress line ($(ls out/*.nc | wc -l)), marker files
# made with touch and tested with [ -s ], settings from a sourced file that returns early,
# background copies waited for by their pids under set -e, and nccopy to compress.
# Exercises: array pattern substitution with an empty anchored pattern, nested subscripts,
# $(< file), a command substitution in a job's words over files earlier lines make, touch,
# return in a sourced file, wait $pid under set -e, nccopy -d, ln -s into a work directory,
# readarray and while read from a process substitution, < <(ls ...).
set -e
models=(ccsm echam gfdl)
files=("${models[@]/#/in_}")
files=("${files[@]/%/_05.nc}")
last=${models[${#models[@]}-1]}
echo "models: ${models[*]}; files: ${files[*]}; last: $last"

mkdir -p out
pids=()
for m in "${models[@]}"; do
  cp ${m}_05.nc in_${m}_05.nc &
  pids+=($!)
done
for p in "${pids[@]}"; do
  wait $p
done

printf '01\n07\n' > months.txt
months=$(< months.txt)
for mm in $months; do
  nces -O "${models[@]/%/_$mm.nc}" out/ens_$mm.nc
  echo "month $mm: $(ls out/*.nc | wc -l) file(s) in out so far"
done

cat > settings.sh <<'END'
threshold=280
[ -n "$settings_loaded" ] && return
settings_loaded=yes
level=1
END
level=0
source ./settings.sh
source ./settings.sh
echo "threshold $threshold, level $level, loaded $settings_loaded"

touch out/done.flag
if [ -s out/done.flag ]; then echo "flag has text"; else echo "flag is empty"; fi
mkdir -p small
nccopy -d 4 -s out/ens_01.nc small/ens_01.nc
ncdump -h small/ens_01.nc | grep -c float
ncks -m in_${last}_05.nc > /dev/null &
wait $!
echo "last member $last checked"
mkdir -p work
for m in "${models[@]}"; do ln -sf ../${m}_07.nc work/; done
ncra -O work/*_07.nc work_07_mean.nc
readarray -t linked < <(ls work/)
echo "${#linked[@]} linked: ${linked[*]}"
while read -r f; do
  ncks -O -v T work/$f work/${f%.nc}_T.nc
done < <(ls work/ | grep echam)
