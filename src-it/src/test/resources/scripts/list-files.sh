#!/bin/bash
# list-files.sh: a to-do list of files written by earlier lines (ls > list, echo >> list in a
# loop) and read back with 'while read' and mapfile, as scientists keep one.
# Exercises: ls GLOB > todo.txt, echo >> models.txt, done < todo.txt, mapfile -t < models.txt,
# $(wc -l < todo.txt), ${f%.nc}.
mkdir -p means
ls ccsm_0[1-4].nc > todo.txt
for src in echam gfdl; do echo "$src" >> models.txt; done
while read -r f; do
  ncwa -O -a lon "$f" "means/${f%.nc}_zm.nc"
done < todo.txt
mapfile -t models < models.txt
for m in "${models[@]}"; do
  ncra -O "${m}"_0[1-3].nc "means/${m}_djf.nc"
done
echo "$(wc -l < todo.txt) files, ${#models[@]} models"
ls means
