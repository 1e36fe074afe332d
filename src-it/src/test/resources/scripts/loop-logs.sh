#!/bin/bash
# loop-logs.sh: a whole loop's or group's output sent to one file, the way scientists keep logs
# and tables: 'done > table.txt', '} > f 2> err', 'done | sort > f', ': > f' and '> f' to start
# a file empty, 'exec > log 2>&1' for the rest of the script, a function whose body writes a
# file at every call, and a command in a logged loop that fails (without set -e, bash goes on
# with the loop, and so must swamp).
# Exercises: redirections of for/while/if/case/{ }/( ) and functions, exec, bare redirections,
# a loop piped into sort.

: > empty.txt
> also-empty.txt
mkdir -p means

for m in ccsm echam gfdl; do
  ncra -O -v T ${m}_0[1-3].nc means/${m}_jfm.nc
  echo "$m: $(ls ${m}_0[1-3].nc | wc -l) months"
done > done.txt

for m in ccsm obs echam gfdl; do   # there is no means/obs_jfm.nc: ncks fails, the loop goes on
  printf '%-6s' $m
  ncks -H --trd -C -v T -d lat,0 -d lon,0 means/${m}_jfm.nc
done > table.txt 2> table.err

{
  echo "# corner values"
  for mm in 01 02 03; do
    case $mm in
      01) echo "january" ;;
      *) echo "month $mm" ;;
    esac
    ncks -H --trd -C -v pr -d lat,0 -d lon,0 obs_$mm.nc
  done
  echo "written to stderr" >&2
} > corner.txt 2> corner.err

summary() {
  echo "== $1"
  ncks -m -v $2 $1
} >> summary.txt
summary ccsm_01.nc T
summary obs_02.nc pr

if [ -f means/gfdl_jfm.nc ]; then
  ncwa -O -a time,lat,lon means/gfdl_jfm.nc means/gfdl_global.nc
  echo "gfdl global mean written"
fi >> done.txt

for m in gfdl ccsm echam; do
  ncks -H --trd -C -v T -d lat,1 -d lon,1 means/${m}_jfm.nc | cut -d= -f5
done | sort -n > sorted.txt

{ ls no_such_dir; echo "listed"; } 2>&1     # its errors too on the terminal's output, in order
ls no_such_file.nc 2>&1 >> listing.log      # the error on the terminal, the listing (none) to the log
if [ -f no_such_file.nc ]; then echo x; fi >> made-by-append.log   # nothing written: bash makes it empty

exec > run.log 2>&1
echo "everything after exec goes to run.log"
( exec 2> sub.err; ncks -H -v nonexistent ccsm_01.nc; echo "the subshell goes on" )
ncks -H --trd -C -v T means/gfdl_global.nc
ls means
ncks -H -v T means/obs_jfm.nc   # fails as well: bash exits 1, as swamp does once a command failed
