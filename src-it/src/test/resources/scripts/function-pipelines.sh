#!/bin/bash
# function-pipelines.sh: a function of the script as a pipeline's first stage, its output into
# sed, tr, a file, a substitution and a while-read loop; bash runs it in a subshell.
# Exercises: f | cmd, f | cmd > file, $(f | cmd), f | while read.
floats() { ncks -m "$1" | grep -c float; }
describe() {
  echo "== $1"
  ncks -M "$1" | grep -i "record dimension"
}
for m in ccsm echam; do
  floats ${m}_01.nc | sed "s/^/$m floats: /"
done
describe gfdl_01.nc | tr 'a-z' 'A-Z' > described.txt
n=$(floats obs_01.nc | tr -d ' ')
echo "obs has $n float variables"
describe obs_02.nc | while read -r line; do echo "> $line"; done
cat described.txt
