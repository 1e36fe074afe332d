#!/bin/bash
# student-first-script.sh: how someone new to bash writes it: backticks, $(ls), expr, let,
# [ $? == 0 ], cd into a directory and back with cd .., echo -e, unquoted variables, and an
# expr of a float, which fails and leaves the variable empty.
mkdir output
cd output
count=0
for f in `ls ../ccsm_0*.nc`
do
    name=`basename $f .nc`
    ncra -O $f ${name}_mean.nc
    if [ $? == 0 ]
    then
        echo "done $name"
        count=`expr $count + 1`
    else
        echo "failed $name"
    fi
done
cd ..
echo -e "made $count files\n"
let total=count*2
echo "total is $total"
half=`expr $total / 2.5`
echo "half is $half"
for f in output/*_mean.nc; do
    ncks -H -C -v T -d lat,0 -d lon,0 $f
done > output/first_points.txt
ls output | wc -l
if [ -e output/ccsm_13_mean.nc ]
then
    echo "there is a 13th month?"
else
    echo no 13th month
fi
