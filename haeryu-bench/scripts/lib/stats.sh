# Statistics of benchmark samples, shared by the benchmark scripts (sourced). Samples are numbers separated by
# spaces or newlines on stdin.

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a";
  else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
minimum() { tr ' ' '\n' | grep -v '^$' | sort -g | head -1; }
maximum() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'; }
fmt() { awk -v x="$1" 'BEGIN { if (x == "n/a") print x; else if (x >= 1000) printf "%.0f\n", x; else printf "%.1f\n", x }'; }
