#!/bin/bash
# one-model.sh MODEL [MONTHS]: the time mean and zonal mean of one model's first MONTHS months,
# run by subscripts.sh through bash (a script of the corpus' data, not of the corpus).
model=$1
months=${2:-3}
files=()
for ((m = 1; m <= months; m++)); do
  files+=("${model}_$(printf %02d $m).nc")
done
ncra -O "${files[@]}" "${OUT}/${model}_mean${months}.nc"
ncwa -O -a lon "${OUT}/${model}_mean${months}.nc" "${OUT}/${model}_zonal${months}.nc"
echo "$model $months ${secret:-no secret}" >> "${OUT}/done.txt"
