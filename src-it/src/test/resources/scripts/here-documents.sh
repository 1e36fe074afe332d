#!/bin/bash
# here-documents.sh: ncap2 scripts written with here-documents, a usage text that is never
# printed, a block comment, a list of models read from a here-document, and a here-string.
# Exercises: cat > f <<EOF with $var, ${1:-d} and \$ in it, <<'EOF' taken as written, <<-EOF
# with its tabs stripped, ': <<'END'' as a comment, while read ... done <<LIST,
# read <<< "$x", a pipeline reading a here-document, ncap2 -S.
usage() {
  cat <<EOF
usage: $0 [offset]   (the offset from K to the unit wanted, 273.15 for degC)
EOF
}
if [ $# -gt 1 ]; then
  usage
  exit 2
fi
: <<'END'
Nothing here runs: 'quotes', "quotes" and $(commands) are just text.
END
offset=${1:-273.15}
cat > anomaly.nco <<EOF
// made by here-documents.sh: degrees C, and their zonal mean
Tc = T - ${offset}f;
Tc@units = "degC";
Tc_zonal = Tc.avg(\$lon);
EOF
cat > weights.nco <<'EOF'
pr_w = pr * gw;
pr_w@long_name = "precipitation times ${weight}";
EOF
	cat >> weights.nco <<-END
	pr_w@units = "mm/day";
	END
while read -r model; do
  ncap2 -O -S anomaly.nco ${model}_01.nc ${model}_01_anom.nc
  ncap2 -O -v -S weights.nco ${model}_01.nc ${model}_01_prw.nc
done <<MODELS
ccsm
echam
MODELS
read -r first rest <<< "gfdl obs"
ncks -O -v T ${first}_02.nc ${first}_02_T.nc
grep -v '^//' <<EOF | sort > sorted.txt
zeta $first
// a comment line
alpha $rest
EOF
