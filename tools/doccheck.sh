#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The documentation against the code it describes; part of `make style`.
#  - every command, attribute and event of the uapi header is named in
#    Documentation/netlink.rst;
#  - every key of userspace/config.c's key tables is named in nfgate.conf(5)
#    and in Documentation/admin-guide.rst;
#  - the man pages render without a warning (groff -man -ww -z).

set -euo pipefail

cd "$(dirname "$0")/.."
fail=0

missing()
{
	local what=$1 doc=$2 name
	shift 2
	for name in "$@"; do
		if ! grep -qF -- "$name" "$doc"; then
			echo "doccheck: $doc lacks $what $name"
			fail=1
		fi
	done
}

# Enumerators of enum nfgate_cmd, nfgate_event and every nfgate_*attr, not
# the UNSPEC/PAD placeholders nor the __*_LAST tails.
uapi_names()
{
	awk '
		/^enum nfgate_(cmd|event|[a-z_]*attr) \{/ { on = 1; next }
		on && /^\};/ { on = 0 }
		on && match($0, /^[ \t]*NFGATE_[A-Z0-9_]+/) {
			n = substr($0, RSTART, RLENGTH); gsub(/[ \t]/, "", n)
			if (n !~ /_(UNSPEC|PAD)$/) print n
		}
	' include/uapi/linux/nfgate.h
}
mapfile -t names < <(uapi_names)
[ ${#names[@]} -gt 50 ] || { echo "doccheck: only ${#names[@]} names in the header?"; exit 1; }
missing "netlink name" Documentation/netlink.rst "${names[@]}"

# Keys: the { "key", set_... } rows of config.c's section tables.
mapfile -t keys < <(sed -n 's/^[ \t]*{ "\([a-z_0-9]*\)", set_[a-z_]*, .*/\1/p' \
			 userspace/config.c | sort -u)
[ ${#keys[@]} -gt 30 ] || { echo "doccheck: only ${#keys[@]} keys in config.c?"; exit 1; }
for k in "${keys[@]}"; do
	grep -q "^\.BI $k " Documentation/man/nfgate.conf.5 ||
		{ echo "doccheck: nfgate.conf(5) lacks key $k"; fail=1; }
	grep -q "^\`\`$k\`\`" Documentation/admin-guide.rst ||
		{ echo "doccheck: admin-guide.rst lacks key $k"; fail=1; }
done

for m in Documentation/man/*.[1-8]; do
	out=$(LC_ALL=C.UTF-8 groff -man -ww -z "$m" 2>&1) || true
	if [ -n "$out" ]; then
		echo "doccheck: $m: $out"
		fail=1
	fi
done

[ $fail -eq 0 ] && echo "doccheck: ${#names[@]} netlink names, ${#keys[@]} config keys, man pages: ok"
exit $fail
