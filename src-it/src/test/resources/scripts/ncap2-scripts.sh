#!/bin/bash
# ncap2-scripts.sh: ncap2 given its script as a file with -S: written by a here-document, read
# from standard input through /dev/stdin, one per model from a template with sed, and a script
# with a loop of its own and quotes in attributes.
cat > heat.nco <<'NCO'
// a heat index of sorts
hi = T - 273.15f + 0.5f * pr;
hi@long_name = "heat index";
hi@units = "degC";
NCO
for m in ccsm echam; do
  ncap2 -O -v -S heat.nco ${m}_07.nc hi_${m}.nc
done
ncap2 -O -v -S /dev/stdin gfdl_07.nc hi_gfdl.nc <<'EOF2'
hi = T - 273.15f + 0.5f * pr;
hi@long_name = "heat index (stdin)";
EOF2
scale=1.5
cat <<EOF3 | ncap2 -O -v -S /dev/stdin obs_07.nc hi_obs.nc
hi = (T - 273.15f) * ${scale}f;
hi@comment = "scaled by ${scale}";
EOF3
sed "s/0.5f/0.25f/; s/heat index/light heat index/" heat.nco > light.nco
ncap2 -O -v -S light.nco ccsm_07.nc light_ccsm.nc
ncap2 -O -v -s 's3=(T(0,0,0)+T(0,1,0)+T(0,2,0))/3.0f; s3@note="mean of three";' ccsm_07.nc s3.nc
for f in hi_*.nc light_ccsm.nc s3.nc; do
  v=hi; [[ $f == s3.nc ]] && v=s3
  echo "$f: $(ncks -H -C -v $v -d lat,4 -d lon,0 -s '%.3f' $f 2>/dev/null)"
  ncks -M -m $f | grep -E '(long_name|comment|note) =' | sed 's/^ *//'
done
