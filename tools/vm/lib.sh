# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Boot a throwaway QEMU (TCG) guest running the Debian kernel that matches the
# headers nfgate is built against, with the host's root shared read-only over
# 9p (the virtme approach), run a job script in it and stream its output.
# Sourced by run-tests.sh and demo.sh.
#
# Environment:
#   KVER        kernel ABI name (6.1.0-NN-amd64); else derived from KDIR,
#               else from the newest /usr/src/linux-headers-*-amd64
#   KDIR        kernel headers directory (used to derive KVER)
#   VM_TIMEOUT  seconds before the whole QEMU run is killed
#   VM_BOOT_TIMEOUT seconds for the guest to start its job (default 600),
#               else it is killed and booted once more
#   VM_MEM      guest memory in MiB (default 1024)
#   VM_SMP      guest CPUs (default 2)
#   VM_ACCEL    QEMU's -accel (default tcg: one host thread per guest CPU;
#               tcg,thread=single runs them in turn on one)
#   VM_KEEP     number of old run directories kept in .cache/runs (default 5)
#   VM_QEMU_ARGS extra QEMU arguments (word-split)
#   VM_APPEND   extra kernel command line
#   VM_BZIMAGE  set: boot the bzImage, not the extracted vmlinux (PVH)

VM_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM_CACHE=$VM_REPO/.cache
VM_DIR=$VM_REPO/tools/vm
VM_INITRD_MODULES=(virtio_ring virtio virtio_pci_modern_dev
		   virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet
		   9pnet_virtio 9p)
# netfs first: 9pnet needs it since 6.12. Modules some kernels do not have
# at all: fscache is part of netfs since 6.12.
VM_INITRD_OPTIONAL=(fscache)

vm_log()
{
	echo "# vm: $*"
}

vm_die()
{
	echo "vm: error: $*" >&2
	exit 2
}

vm_now()
{
	date +%s.%N
}

# Elapsed seconds (one decimal) since $1 (a vm_now value).
vm_since()
{
	awk -v a="$1" -v b="$(vm_now)" 'BEGIN { printf "%.1f", b - a }'
}

vm_kver()
{
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
		return
	fi
	local kdir=${KDIR:-}
	if [ -z "$kdir" ]; then
		kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null |
		       sort -V | tail -n 1)
	fi
	[ -n "$kdir" ] || vm_die "no KVER, no KDIR and no linux-headers-*-amd64"
	kdir=$(realpath "$kdir")
	# /lib/modules/V/build -> /usr/src/linux-headers-V
	basename "$kdir" | sed 's/^linux-headers-//'
}

vm_require_tools()
{
	local t missing=()
	for t in qemu-system-x86_64 busybox cpio gzip dpkg depmod timeout \
		 setsid apt-get tail awk sha256sum; do
		command -v "$t" >/dev/null || missing+=("$t")
	done
	[ ${#missing[@]} -eq 0 ] ||
		vm_die "missing ${missing[*]} (run tools/setup.sh)"
}

# Fetch and unpack linux-image-$KVER into .cache/kernel/$KVER, once.
vm_fetch_kernel()
{
	local kdir=$VM_CACHE/kernel/$VM_KVER
	if [ -e "$kdir/.complete" ]; then
		return 0
	fi
	vm_log "fetching linux-image-$VM_KVER"
	local tmp
	mkdir -p "$VM_CACHE/kernel"
	tmp=$(mktemp -d "$VM_CACHE/kernel/fetch.XXXXXX")
	local pkg ok=0
	for _ in 1 2; do
		for pkg in "linux-image-$VM_KVER" "linux-image-$VM_KVER-unsigned"; do
			if (cd "$tmp" && apt-get download -q \
				-o APT::Sandbox::User=root "$pkg" >&2); then
				ok=1
				break 2
			fi
		done
		# Stale package lists: refresh once (needs root).
		[ "$(id -u)" -eq 0 ] || break
		apt-get update -q >&2 || break
	done
	[ $ok -eq 1 ] || { rm -rf "$tmp"; vm_die "cannot download linux-image-$VM_KVER"; }
	dpkg -x "$tmp"/*.deb "$tmp/root" || vm_die "dpkg -x failed"
	[ -d "$tmp/root/lib/modules/$VM_KVER" ] ||
		vm_die "package has no lib/modules/$VM_KVER"
	depmod -b "$tmp/root" "$VM_KVER" || vm_die "depmod failed"
	rm -rf "$kdir"
	mv "$tmp/root" "$kdir"
	rm -rf "$tmp"
	touch "$kdir/.complete"
}

# Copy module $1 (maybe compressed) as plain $2.
vm_copy_module()
{
	local src=$1 dst=$2
	case "$src" in
	*.ko)		cp "$src" "$dst" ;;
	*.ko.xz)	xz -dc "$src" > "$dst" ;;
	*.ko.zst)	zstd -qdc "$src" > "$dst" ;;
	*.ko.gz)	gzip -dc "$src" > "$dst" ;;
	*)		return 1 ;;
	esac
}

# Build (or reuse) the busybox initramfs; sets VM_INITRD.
vm_build_initramfs()
{
	local mdir=$VM_CACHE/kernel/$VM_KVER/lib/modules/$VM_KVER
	local busybox
	busybox=$(command -v busybox)
	local m f mods=()
	for m in "${VM_INITRD_MODULES[@]}"; do
		f=$(find "$mdir/kernel" -name "$m.ko" -o -name "$m.ko.*" | head -n 1)
		# Not found: built into this kernel (checked in modules.builtin).
		if [ -z "$f" ]; then
			[[ " ${VM_INITRD_OPTIONAL[*]} " == *" $m "* ]] && continue
			grep -q "/$m.ko\$" "$mdir/modules.builtin" 2>/dev/null ||
				vm_die "module $m neither found nor built in"
			continue
		fi
		mods+=("$f")
	done

	local key
	key=$( { echo "$VM_KVER"; cat "$VM_DIR/init"
		 sha256sum "$busybox" "${mods[@]}" | cut -d' ' -f1
	       } | sha256sum | cut -c1-16)
	VM_INITRD=$VM_CACHE/initramfs/$VM_KVER-$key.cpio.gz
	[ -s "$VM_INITRD" ] && return 0

	vm_log "building initramfs $(basename "$VM_INITRD")"
	mkdir -p "$VM_CACHE/initramfs"
	rm -f "$VM_CACHE/initramfs/$VM_KVER"-*.cpio.gz
	local tmp
	tmp=$(mktemp -d "$VM_CACHE/initramfs/build.XXXXXX")
	mkdir -p "$tmp"/{bin,dev,proc,sys,mnt,run,tmp,modules}
	cp "$busybox" "$tmp/bin/busybox"
	local a
	for a in $("$busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$tmp/bin/$a"
	done
	ln -s bin "$tmp/sbin"
	for f in "${mods[@]}"; do
		m=$(basename "$f")
		vm_copy_module "$f" "$tmp/modules/${m%%.ko*}.ko" ||
			vm_die "cannot unpack $f"
	done
	install -m 755 "$VM_DIR/init" "$tmp/init"
	(cd "$tmp" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet) |
		gzip -1 > "$VM_INITRD.tmp"
	rm -rf "$tmp"
	# cpio missing or broken gives a 20-byte archive: refuse it.
	[ "$(stat -c %s "$VM_INITRD.tmp")" -gt 100000 ] ||
		{ rm -f "$VM_INITRD.tmp"; vm_die "initramfs build failed"; }
	mv "$VM_INITRD.tmp" "$VM_INITRD"
}

# vm_extract_vmlinux BZIMAGE OUT: decompress the kernel inside a bzImage
# into an ELF vmlinux, which QEMU boots through its PVH entry point: that
# skips the decompressor, ~6 s under TCG.
vm_extract_vmlinux()
{
	local bz=$1 out=$2 magic off cmd
	for magic in '\xfd7zXZ\x00:xz -dc' '\x28\xb5\x2f\xfd:zstd -qdc' \
		     '\x1f\x8b\x08:gzip -dc'; do
		cmd=${magic#*:}
		command -v "${cmd%% *}" >/dev/null || continue
		for off in $(LC_ALL=C grep -obUaP "${magic%%:*}" "$bz" |
			     cut -d: -f1 | head -n 4); do
			# Trailing data after the stream makes the tools complain.
			tail -c +$((off + 1)) "$bz" | $cmd > "$out.tmp" 2>/dev/null
			if [ "$(head -c 4 "$out.tmp" | od -An -c | tr -d ' ')" = "177ELF" ]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	return 1
}

# Sets VM_KERNEL: a PVH-bootable vmlinux if possible, else the bzImage.
vm_pick_kernel()
{
	local boot=$VM_CACHE/kernel/$VM_KVER/boot
	local bz=$boot/vmlinuz-$VM_KVER
	[ -r "$bz" ] || vm_die "no $bz"
	VM_KERNEL=$bz
	[ -n "${VM_BZIMAGE:-}" ] && return 0
	grep -q '^CONFIG_PVH=y' "$boot/config-$VM_KVER" 2>/dev/null || return 0
	local elf=$VM_CACHE/kernel/vmlinux-$VM_KVER
	if [ ! -s "$elf" ] || [ "$elf" -ot "$bz" ]; then
		vm_extract_vmlinux "$bz" "$elf" || return 0
	fi
	VM_KERNEL=$elf
}

vm_prepare()
{
	vm_require_tools
	VM_KVER=$(vm_kver)
	[ -n "$VM_KVER" ] || vm_die "cannot determine KVER"
	vm_fetch_kernel
	vm_pick_kernel
	vm_build_initramfs
}

# Modules loaded in the guest before the job, one modprobe for all (each
# modprobe process costs ~0.7 s under TCG); the kernel's own autoloading
# works too. Missing ones are only reported.
VM_GUEST_MODULES=${VM_MODULES:-"nf_conntrack nf_nat nf_tables nft_ct nft_nat
	nft_chain_nat nft_masq nft_redir nft_reject_inet nft_fib_ipv4
	nft_fib_inet nft_socket nft_tproxy nf_tproxy_ipv4 nf_socket_ipv4
	xt_TPROXY veth bridge dummy ifb tun ppp_generic ppp_async pppox pppoe
	sch_netem sch_ingress sch_htb cls_u32 cls_matchall act_mirred"}

# vm_write_job FILE CMD [ARGS...]: a guest job that reports the guest's uptime,
# loads VM_GUEST_MODULES, sets panic_on_oops, then runs CMD from the repo with
# NFGATE_*, KSFT_*, TEST_TIMEOUT and CYCLES passed from our environment.
vm_write_job()
{
	local file=$1; shift
	local v
	{
		echo '#!/bin/bash'
		echo "cut -d' ' -f1 /proc/uptime > /run/nfgate-vm/out/uptime-at-start"
		echo "echo \"# guest: \$(uname -r), up \$(cat /run/nfgate-vm/out/uptime-at-start)s\""
		for v in $(compgen -e | grep -E '^(NFGATE_|KSFT_|TEST_TIMEOUT$|CYCLES$)'); do
			printf 'export %s=%q\n' "$v" "${!v}"
		done
		# shellcheck disable=SC2086,SC2116 # flatten the list
		printf 'mods=%q\n' "$(echo $VM_GUEST_MODULES)"
		cat <<'EOT'
t0=$(date +%s%N)
[ -n "$mods" ] && modprobe -q -a $mods
for m in $mods; do
	[ -d /sys/module/$m ] || missing+=" $m"
done
echo "# guest: modules loaded in $((($(date +%s%N) - t0) / 1000000)) ms"
[ -n "${missing:-}" ] && echo "# guest: modules not available:$missing"
sysctl -qw kernel.panic_on_oops=1
# kmemleak (debug kernel): what boot left suspected is scanned and
# cleared first, after a marker the host's log scan starts from for
# kmemleak's reports; the end of the run is scanned again.
kml=/sys/kernel/debug/kmemleak
if [ -w $kml ]; then
	echo scan > $kml; echo scan > $kml
	echo "# guest: kmemleak: $(grep -c '^unreferenced object' $kml) suspected after boot, cleared"
	echo clear > $kml
	echo "nfgate-vm: kmemleak baseline" > /dev/kmsg
fi
EOT
		printf 'cd %q || exit 1\n' "$VM_REPO"
		printf '%q ' "$@"
		printf '\n'
		cat <<'EOT'
rc=$?
if [ -w $kml ]; then
	echo scan > $kml; echo scan > $kml
	n=$(grep -c '^unreferenced object' $kml)
	echo "# guest: kmemleak at the end of the run: $n suspected leaks"
	if [ "$n" -gt 0 ]; then
		cp $kml /run/nfgate-vm/out/kmemleak.txt
		head -n 30 $kml | sed 's/^/# kmemleak: /'
	fi
fi
exit $rc
EOT
	} > "$file"
}

# vm_check_kernel_log: scan the guest kernel log; 1 if bad lines were found.
vm_check_kernel_log()
{
	local log
	log=$(vm_kernel_logs)
	vm_scan_kernel_log "$log" && return 0
	echo "# vm: $VM_KLOG_HITS bad line(s) in the guest kernel log (${log#"$VM_REPO"/})"
	return 1
}

# vm_print_times START: the boot and wall time KTAP comments.
vm_print_times()
{
	local uptime
	uptime=$(cat "$VM_OUT/uptime-at-start" 2>/dev/null || echo '?')
	echo "# boot: ${VM_BOOT_WALL:-?}s wall from QEMU start to the job (guest uptime ${uptime}s)"
	echo "# time: ${VM_WALL}s in the guest, $(vm_since "$1")s total; logs in ${VM_OUT#"$VM_REPO"/}"
}

# Escape a path for a QEMU option value (',' is doubled).
vm_qpath()
{
	echo "${1//,/,,}"
}

vm_kill_qemu()
{
	if [ -n "${VM_PID:-}" ] && kill -0 "$VM_PID" 2>/dev/null; then
		kill -TERM -- "-$VM_PID" 2>/dev/null
	fi
}

# vm_run JOBFILE
# Boots the guest, which runs JOBFILE (a bash script, copied to out/job.sh)
# chrooted in the host root with the repo at the same path; its stdout and
# stderr are streamed to our stdout as they are written. Sets:
#   VM_OUT        the run's out directory (stream.log, dmesg.txt, serial.log)
#   VM_JOB_RC     the job's exit status, empty if the guest did not finish
#   VM_QEMU_RC    QEMU's exit status (124: VM_TIMEOUT hit)
#   VM_BOOT_WALL  seconds from QEMU start to the job's first output line
#   VM_WALL       seconds of the whole QEMU run
# Returns 0 if the job finished and the guest powered off by itself.
#
# A guest that has not started the job VM_BOOT_TIMEOUT seconds after QEMU
# started (default 600; the Debian kernel boots in seconds, the debug one
# in two to five minutes) is killed and booted again, once: the debug
# kernel once hung under TCG at 1 s of boot, before any module, idle, and
# the run would have waited for VM_TIMEOUT. Both boots are reported.
vm_run()
{
	local try
	for try in 1 2; do
		VM_BOOT_HUNG=
		vm_run_once "$@" && return 0
		[ -n "$VM_BOOT_HUNG" ] && [ $try -eq 1 ] || return 1
		echo "# vm: booting again, once"
	done
}

vm_run_once()
{
	local job=$1
	# 70 min: the suite takes about 22 quietly, 40 beside two other guests
	local timeout=${VM_TIMEOUT:-4200}

	mkdir -p "$VM_CACHE/runs"
	# Keep the last few runs for post-mortems.
	local keep=${VM_KEEP:-5}
	ls -1dt "$VM_CACHE"/runs/*/ 2>/dev/null | tail -n +$((keep > 0 ? keep : 1)) |
		xargs -r rm -rf
	VM_OUT=$(mktemp -d "$VM_CACHE/runs/$(date +%Y%m%d-%H%M%S).XXXX")
	cp "$job" "$VM_OUT/job.sh"
	: > "$VM_OUT/stream.log"

	local append="console=ttyS0 panic=-1 log_buf_len=8M mitigations=off"
	append+=" nfgate_repo=$VM_REPO ${VM_APPEND:-}"
	# shellcheck disable=SC2206 # word splitting wanted
	local extra=(${VM_QEMU_ARGS:-})
	local start
	start=$(vm_now)
	setsid timeout -k 10 "$timeout" qemu-system-x86_64 \
		-accel "${VM_ACCEL:-tcg}" -cpu max -smp "${VM_SMP:-2}" -m "${VM_MEM:-1024}" \
		-display none -no-reboot -nic none -monitor none \
		-serial "file:$(vm_qpath "$VM_OUT/serial.log")" \
		-kernel "$VM_KERNEL" -initrd "$VM_INITRD" -append "$append" \
		-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap" \
		-device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
		-fsdev "local,id=kmods,path=$(vm_qpath "$VM_CACHE/kernel/$VM_KVER"),security_model=none,readonly=on" \
		-device virtio-9p-pci,fsdev=kmods,mount_tag=kmods \
		-fsdev "local,id=out,path=$(vm_qpath "$VM_OUT"),security_model=none" \
		-device virtio-9p-pci,fsdev=out,mount_tag=out \
		"${extra[@]}" \
		</dev/null >"$VM_OUT/qemu.log" 2>&1 &
	VM_PID=$!
	trap 'vm_kill_qemu; exit 130' INT TERM
	trap 'vm_kill_qemu' EXIT
	# The boot watchdog: the job's first line ends it.
	local boot_timeout=${VM_BOOT_TIMEOUT:-600}
	(
		while kill -0 "$VM_PID" 2>/dev/null; do
			[ -s "$VM_OUT/stream.log" ] && exit 0
			if [ "$(vm_since "$start" | cut -d. -f1)" -ge "$boot_timeout" ]; then
				: > "$VM_OUT/boot-hung"
				kill -TERM -- "-$VM_PID" 2>/dev/null
				exit 0
			fi
			sleep 1
		done
	) &
	local watchdog=$!

	# Stream the job's output while QEMU runs (tail exits once it died,
	# after a last read).
	local line first=1
	VM_BOOT_WALL=
	while IFS= read -r line || [ -n "$line" ]; do
		if [ $first -eq 1 ]; then
			VM_BOOT_WALL=$(vm_since "$start")
			first=0
		fi
		printf '%s\n' "$line"
	done < <(tail -n +1 -s 0.2 -F --pid="$VM_PID" "$VM_OUT/stream.log" 2>/dev/null)

	wait "$VM_PID"
	VM_QEMU_RC=$?
	VM_PID=
	trap - INT TERM EXIT
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	VM_WALL=$(vm_since "$start")
	VM_JOB_RC=$(cat "$VM_OUT/status" 2>/dev/null || true)

	if [ -e "$VM_OUT/boot-hung" ]; then
		VM_BOOT_HUNG=1
		echo "# vm: the guest had not started the job after VM_BOOT_TIMEOUT=${boot_timeout}s, killed; serial log tail:"
		tail -n 20 "$VM_OUT/serial.log" | tr -d '\r' | sed 's/^/#   /'
		return 1
	fi
	if [ "$VM_QEMU_RC" -eq 124 ] || [ "$VM_QEMU_RC" -eq 137 ]; then
		echo "# vm: guest killed after VM_TIMEOUT=${timeout}s; serial log tail:"
		tail -n 20 "$VM_OUT/serial.log" | tr -d '\r' | sed 's/^/#   /'
		return 1
	fi
	if [ "$VM_QEMU_RC" -ne 0 ]; then
		echo "# vm: qemu exited with status $VM_QEMU_RC:"
		sed 's/^/#   /' "$VM_OUT/qemu.log"
		return 1
	fi
	if [ -z "$VM_JOB_RC" ]; then
		echo "# vm: guest stopped before the job finished (crash?); serial log tail:"
		tail -n 40 "$VM_OUT/serial.log" | tr -d '\r' | sed 's/^/#   /'
		return 1
	fi
	return 0
}

# Kernel log patterns that fail a run (oopses, WARN()s, lockdep, KASAN,
# kmemleak...): selftests/klog_bad, which the tests' klog_clean uses too.
VM_KLOG_BAD=$VM_REPO/selftests/klog_bad

# vm_scan_kernel_log FILE: print matching lines as KTAP comments, then the
# first report in full (up to 40 lines); sets VM_KLOG_HITS to their number;
# returns 1 if there is any.
vm_scan_kernel_log()
{
	local re
	re=$(grep -v '^#' "$VM_KLOG_BAD" | paste -sd '|')
	local clean hits
	# kmemleak's reports count from the job's baseline (vm_write_job) on.
	clean=$(tr -d '\r' < "$1" 2>/dev/null |
		sed -E 's/^(<[0-9]+>)?\[ *[0-9]+\.[0-9]+\] //' |
		awk '/^nfgate-vm: kmemleak baseline/ { b = 1 }
		     b || !/^kmemleak: [0-9]+ new suspected/')
	hits=$(grep -nE -- "$re" <<<"$clean" || true)
	VM_KLOG_HITS=0
	[ -z "$hits" ] && return 0
	VM_KLOG_HITS=$(wc -l <<<"$hits")
	# shellcheck disable=SC2001 # per line
	sed 's/^[0-9]*:/# kernel: /' <<<"$hits"
	local first=${hits%%:*}
	echo "# kernel: first report:"
	sed -n "${first},$((first + 39))p" <<<"$clean" | sed 's/^/#   /'
	return 1
}

# The logs to scan: dmesg.txt when the guest saved it, else the serial log.
vm_kernel_logs()
{
	if [ -s "$VM_OUT/dmesg.txt" ]; then
		echo "$VM_OUT/dmesg.txt"
	else
		echo "$VM_OUT/serial.log"
	fi
}
