#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The table of `make bench`, from one run's directory:
#
#   tools/bench/report.sh DIR
#
# DIR holds raw.tsv and meta.tsv (written by run.sh in the guest, plus the
# host's "clock" line) and callgrind.tsv (callgrind.sh). For each workload:
# the median of the rounds of each configuration with their [min-max], and
# c/a and c/b, ratios of the medians, against their targets. Then the
# callgrind figures against theirs, and what holds for per-flow memory.
#
# Targets are the issue's: throughput c/a >= 0.97, small packets and new
# connections c/a >= 0.95, and c/b >= 1.0 read as "never worse than the
# anchor", for every workload; bypass lookup <= 150 and DNS reply check
# <= 500 instructions.

set -euo pipefail

dir=$1
for f in raw.tsv meta.tsv callgrind.tsv; do
	[ -f "$dir/$f" ] || { echo "report.sh: no $dir/$f" >&2; exit 1; }
done

awk -F'\t' '
BEGIN {
	nw = split("tput udp64 conn redir dns", W, " ")
	name["tput"] = "TCP throughput, iperf3 (Mbit/s)"
	name["udp64"] = "UDP, 64-byte frames (kpps)"
	name["conn"] = "new TCP conns, forwarded (/s)"
	name["redir"] = "new TCP conns, redirected (/s)"
	name["dns"] = "DNS replies, checked (/s)"
	ta["tput"] = 0.97; ta["udp64"] = 0.95; ta["conn"] = 0.95
	ta["redir"] = "-"; ta["dns"] = "-"
	for (i = 1; i <= nw; i++)
		tb[W[i]] = 1.0
	split("a b c", C, " ")
	label["a"] = "(a) limit: "; label["b"] = "(b) anchor:"; label["c"] = "(c) nfgate:"
}
FILENAME ~ /meta.tsv$/ {
	if ($1 == "features") {
		feat[$2] = $3
	} else if ($1 == "skip") {
		kind[$2, $3] = $4
		why[$2, $3] = $5
	} else if ($1 == "rounds") {
		rounds = $2
	} else if ($1 == "seconds") {
		secs = $2
	} else if ($1 == "guest") {
		guest = $2
	} else if ($1 == "clock") {
		clock = $2
	} else if ($1 == "dnscheck") {
		# replies passed dropped held no_query, per measurement
		for (i = 3; i <= 7; i++)
			dnsc[$2, i - 2] += $i
		ndnsc[$2]++
	} else if ($1 == "tunnel") {
		# redirected by the module, accepted by the listener
		tun[$2, 1] += $3; tun[$2, 2] += $4
		ntun[$2]++
	} else if ($1 == "wan0_share") {
		share[$2] += $3
		nshare[$2]++
	} else if ($1 == "check" && $2 != "ok") {
		bad = bad "\n  check failed: " $3
	} else if ($1 == "error") {
		bad = bad "\n  error: " $2
	} else if ($1 == "finished") {
		finished = 1
	}
	next
}
FILENAME ~ /raw.tsv$/ {
	if ($4 == "fail") {
		fails[$2, $3]++
		next
	}
	k = $2 SUBSEP $3
	n[k]++
	v[k, n[k]] = $4 + 0
	next
}
FILENAME ~ /callgrind.tsv$/ {
	cg[$1] = $2
	cgwhat[$1] = $3
	next
}
# The median of workload/configuration k; sets lo[k], hi[k].
function median(k,   i, j, m, t, a) {
	m = n[k]
	for (i = 1; i <= m; i++)
		a[i] = v[k, i]
	for (i = 2; i <= m; i++)	# insertion sort: a handful of rounds
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	lo[k] = a[1]; hi[k] = a[m]
	return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
function num(x) {
	return x >= 100 ? sprintf("%.0f", x) : sprintf("%.3g", x)
}
function cell(w, c,   k, s) {
	k = w SUBSEP c
	if ((w, c) in kind) {
		if (kind[w, c] == "n/a") {
			notes = notes sprintf("\n  %s %s: n/a, %s", c, name[w], why[w, c])
			return "n/a (not in the module yet)"
		}
		notes = notes sprintf("\n  %s %s: -, %s", c, name[w], why[w, c])
		return "-"
	}
	if (!(k in n))
		return fails[w, c] ? "failed" : "?"
	med[k] = median(k)
	s = num(med[k]) " [" num(lo[k]) "-" num(hi[k]) "]"
	if (fails[w, c])
		s = s ", " fails[w, c] " failed"
	return s
}
function ratio(w, x, y, target,   r, s, t) {
	t = target == "-" ? "" : sprintf(" >= %.2f", target)
	if ((w, y) in kind && kind[w, y] == "-")
		return "-"
	if (!((w SUBSEP x) in med) || !((w SUBSEP y) in med) || med[w, y] == 0)
		return "n/a" t
	r = med[w, x] / med[w, y]
	s = sprintf("%.3f", r)
	if (t != "")
		s = s t (r >= target ? " met" : " NOT MET")
	return s
}
function pct(c) {
	return nshare[c] ? sprintf("%.1f%%", share[c] / nshare[c]) : "-"
}
function cgrow(key, what, target,   x, s) {
	x = cg[key] == "" ? "n/a" : cg[key]
	s = target == "-" ? "-" : "<= " target
	if (x != "n/a" && target != "-")
		s = s (x + 0 <= target ? " met" : " NOT MET")
	printf fmt, what, x, s, cgwhat[key]
}
END {
	printf "nfgate bench: %s rounds x %s s per measurement, guest %s, QEMU TCG\n", rounds, secs, guest
	printf "guest clock: %s\n", clock
	printf "only the ratios mean something (Documentation/bench.rst)\n\n"
	for (i = 1; i <= 3; i++)
		printf "%s %s\n", label[C[i]], feat[C[i]]
	printf "\nmedian [min-max] over the rounds; c/a, c/b: ratios of the medians\n"
	fmt = "%-32s %-18s %-18s %-28s %-21s %s\n"
	printf fmt, "workload", "a", "b", "c", "c/a", "c/b"
	for (i = 1; i <= nw; i++) {
		w = W[i]
		ca = cell(w, "a"); cb = cell(w, "b"); cc = cell(w, "c")
		printf fmt, name[w], ca, cb, cc, ratio(w, "c", "a", ta[w]), \
			ratio(w, "c", "b", tb[w])
	}
	if (notes != "")
		printf "%s\n", substr(notes, 2)
	if (ndnsc["c"])
		printf "  c DNS replies, checked: nfgate judged %d replies in the %d measurements: %d passed, %d dropped, %d held, %d without a query%s\n", \
			dnsc["c", 1], ndnsc["c"], dnsc["c", 2], dnsc["c", 3], dnsc["c", 4], dnsc["c", 5], \
			dnsc["c", 1] == dnsc["c", 2] ? "" : " (NOT all passed)"
	if (ntun["c"])
		printf "  c new TCP conns, redirected: nfgate'\''s tunnel redirected %d connections in the %d measurements, the listener accepted %d\n", \
			tun["c", 1], ntun["c"], tun["c", 2]
	if (nshare["a"] + nshare["b"] + nshare["c"])
		printf "  new TCP conns leaving by wan0: a %s, b %s, c %s (weights 3:1 in b and c)\n", \
			pct("a"), pct("b"), pct("c")

	printf "\nshared code, instructions per call (callgrind on the host, gcc -O2)\n"
	fmt = "%-35s %-7s %-15s %s\n"
	printf fmt, "operation", "instr", "target", "what"
	cgrow("bypass", "bypass-set lookup, 8,000 prefixes", 150)
	if ("bypass_worst" in cg)
		cgrow("bypass_worst", "  the same, worst case", 150)
	cgrow("dns", "DNS reply check, typical reply", 500)
	split("dns_parse dns_hash dns_set dns_signals dns_verdict dns_learn", P, " ")
	part["dns_parse"] = "  parse alone"
	part["dns_hash"] = "  answer hash"
	part["dns_set"] = "  forged-set lookup, per address"
	part["dns_signals"] = "  signals"
	part["dns_verdict"] = "  verdict"
	part["dns_learn"] = "  learning the clean reply"
	for (i = 1; i <= 6; i++)
		if (P[i] in cg)
			cgrow(P[i], part[P[i]], "-")
	cgrow("wchoice", "weighted uplink choice", "-")

	printf "\nper-flow memory beyond the conntrack entry: none. A connection'\''s uplink is\n"
	printf "kept in its conntrack mark (kmod/steer.c); the module adds no conntrack\n"
	printf "extension and allocates nothing per packet or per connection. Not per flow:\n"
	printf "the sticky table, 1,024 slots of 16 bytes per namespace once sticky is on;\n"
	printf "the routes through each uplink, 64 slots of 24 bytes per uplink and CPU;\n"
	printf "the DNS check'\''s query table (4,096 entries of 80 bytes) and resolver\n"
	printf "baselines per namespace once the check is configured. A connection in\n"
	printf "the tunnel is marked in the same conntrack mark; the tunnel'\''s prefix\n"
	printf "lists are per namespace, 8 bytes per prefix. The per-host accounting:\n"
	printf "1,024 hosts per namespace (hosts_max), 20 KiB of index and addresses\n"
	printf "and 32 KiB of counters per CPU, once the LAN is set.\n"
	if (bad != "" || !finished)
		printf "\nINCOMPLETE RUN:%s%s\n", bad, finished ? "" : "\n  the guest did not finish"
}
' "$dir/meta.tsv" "$dir/raw.tsv" "$dir/callgrind.tsv"
