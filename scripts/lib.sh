# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - helpers shared by the scripts of scripts/.
#
# Source it; it sets REPO (the repository root), CACHE (the cache folder),
# KVER and KSRC (the extracted kernel source tree) and JOBS.

# shellcheck disable=SC2034 # the variables are for the sourcing scripts

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${RUNDOWN_CACHE:-$HOME/.cache/rundown}
KVER=6.12
KTARBALL=/usr/src/linux-source-$KVER.tar.xz
KSRC=$CACHE/linux-source-$KVER
JOBS=${RUNDOWN_JOBS:-$(nproc)}

# Everything the scripts need on a fresh Debian 12 machine.
RD_PACKAGES="linux-source-$KVER qemu-system-x86 busybox-static cpio
	     build-essential bc flex bison libelf-dev libssl-dev python3 kmod
	     rsync"

rd_say()
{
	echo "rundown: $*" >&2
}

rd_die()
{
	rd_say "error: $*"
	exit 1
}

# The last line printed is always "N passed, M failed": rd_finish prints it
# and fails if M > 0; a script that stops early counts as one failure.
RD_FINISHED=
rd_finish()
{
	RD_FINISHED=1
	echo "$1 passed, $2 failed"
	[ "$2" -eq 0 ]
}

rd_on_exit()
{
	local rc=$?

	[ -n "$RD_FINISHED" ] || [ $rc -eq 0 ] || echo "0 passed, 1 failed"
}
trap rd_on_exit EXIT

# Install whatever is missing from RD_PACKAGES (as root), or say what to do.
rd_need_packages()
{
	local pkg absent=()

	for pkg in $RD_PACKAGES; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
			grep -q 'install ok installed' || absent+=("$pkg")
	done
	[ ${#absent[@]} -eq 0 ] && return 0

	if [ "$(id -u)" -ne 0 ]; then
		rd_say "missing packages: ${absent[*]}"
		rd_die "run: sudo apt-get install -y ${absent[*]}"
	fi
	rd_say "installing ${absent[*]}"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${absent[@]}"
}

# rd_lock <name>: serialise the runs that use one build folder of the cache
# (held until exit).  Each lock has a descriptor of its own, so that a
# script can hold several.
rd_lock()
{
	local fd

	mkdir -p "$CACHE"
	exec {fd}>"$CACHE/$1.lock"
	if ! flock -n "$fd"; then
		rd_say "waiting for another run using $CACHE ($1)"
		flock "$fd"
	fi
}

# Extract the kernel sources once.  The stamp records which tarball was
# extracted: a half-extracted tree or a new linux-source package is redone,
# and the folders made from the old tree are thrown away with it.  Runs
# share the tree (shared lock, held until exit); extracting is exclusive.
rd_prepare_source()
{
	local want stamp=$CACHE/linux-source-$KVER.stamp

	mkdir -p "$CACHE"
	exec 8>"$CACHE/source.lock"
	flock -s 8
	want=$(stat -c '%n %s %Y' "$KTARBALL")
	[ -d "$KSRC" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0

	flock -x 8
	if [ ! -d "$KSRC" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
		rd_say "extracting $KTARBALL into $CACHE"
		rm -rf "$stamp" "$KSRC" "$KSRC.tmp" "$CACHE"/build-* \
			"$CACHE"/linux-intree-*
		mkdir -p "$KSRC.tmp"
		tar -xJf "$KTARBALL" -C "$KSRC.tmp"
		mv "$KSRC.tmp/linux-source-$KVER" "$KSRC"
		rmdir "$KSRC.tmp"
		echo "$want" >"$stamp"
	fi
	flock -s 8
}

# rd_kunit <kunit.py arguments>: run the tree's kunit.py.
rd_kunit()
{
	python3 "$KSRC/tools/testing/kunit/kunit.py" "$@"
}

# rd_check_config <.config> <kunitconfig>...: every option set in the
# kunitconfig files must be in the generated .config (olddefconfig silently
# drops options whose dependencies are missing).
rd_check_config()
{
	local config=$1 line bad=0

	shift
	while read -r line; do
		grep -qxF "$line" "$config" && continue
		rd_say "not in $config: $line"
		bad=1
	done < <(grep -h '^CONFIG_' "$@")
	return $bad
}

# rd_splats <log>: print the kernel splats in a console log; true if any.
# Besides warnings, oopses and lockdep: the sanitizers' reports ("BUG:
# KASAN: ...", "UBSAN: ...", "BUG: KCSAN: data-race in ..."; "KCSAN:" with
# its colon, as KCSAN's boot message names CONFIG_KCSAN_STRICT),
# debugobjects ("ODEBUG: ...") and kmemleak's "N new suspected memory
# leaks" and "unreferenced object" lines.  A KCSAN report in which no
# frame, symbol or task names rundown is a race inside the kernel itself
# (seen: the PS/2 driver probing i8042): it is printed as a note, not
# counted; see rd_foreign_kcsan.
rd_splats()
{
	rd_foreign_kcsan "$1" |
		grep -anE 'WARNING:|BUG:|Call Trace|Oops|Kernel panic|KASAN|UBSAN|KCSAN:|ODEBUG|possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called from invalid context|general protection fault|suspected memory leak|unreferenced object'
}

# rd_foreign_kcsan <log>: the log, with each KCSAN report (from its "=====" line
# to the next) that does not mention rundown replaced by one note line
# (without "BUG:" or "KCSAN:"), also printed on stderr.
rd_foreign_kcsan()
{
	awk '
		function flush() {
			if (n && kcsan && !ours) {
				note = title
				sub(/.*BUG: KCSAN: /, "", note)
				print "rundown: note: kernel-internal race outside rundown, not counted: " note
				print "rundown: note: kernel-internal race outside rundown, not counted: " note >"/dev/stderr"
			} else {
				for (i = 1; i <= n; i++)
					print buf[i]
			}
			n = 0; kcsan = 0; ours = 0; title = ""
		}
		/========================================/ {
			if (n && kcsan) { buf[++n] = $0; flush(); next }
			flush(); buf[++n] = $0; next
		}
		n == 1 && /BUG: KCSAN:/ { kcsan = 1; title = $0 }
		n && !kcsan { flush(); print; next }
		n { buf[++n] = $0; if (/rundown/) ours = 1; next }
		{ print }
		END { flush() }' "$1"
}

# rd_cut_report <log> <title> <report> <rest>: for a boot that provokes one
# report on purpose.  Write the first report of <log> whose "WARNING:" line
# contains <title>, to the end of its stack trace ("</TASK>"), to <report>
# and the rest of the log to <rest>: rd_splats <rest> finds any other.
rd_cut_report()
{
	: >"$3"
	: >"$4"
	awk -v title="WARNING: $2" -v report="$3" -v rest="$4" '
		!state && index($0, title) { state = 1 }
		state == 1 { print >report; if (/<\/TASK>/) state = 2; next }
		{ print >rest }' "$1"
}

# rd_count_kunit <json>: print "<passed> <failed> <skipped>" for the test
# cases in a "kunit.py --json" file.  A parameterised test counts once per
# parameter, as in kunit.py's own "Ran N tests" line.
rd_count_kunit()
{
	python3 - "$1" <<'EOF'
import json, sys

counts = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}

def walk(group):
    for case in group['test_cases']:
        status = case['status']
        counts[status if status in counts else 'FAIL'] += 1
    for sub in group['sub_groups']:
        walk(sub)

with open(sys.argv[1]) as f:
    walk(json.load(f))
print(counts['PASS'], counts['FAIL'], counts['SKIP'])
EOF
}

# ---------------------------------------------------------------------------
# Stock Debian kernels, consumers, static checks: the helpers of
# scripts/stock-qemu.sh, demo.sh, check.sh and dkms-check.sh.

# rd_result <prefix> <ok|not ok> <name>: print one check and count it in
# RD_PASSED or RD_FAILED; rd_finish "$RD_PASSED" "$RD_FAILED" ends the run.
RD_PASSED=0
RD_FAILED=0
rd_result()
{
	if [ "$2" = ok ]; then
		RD_PASSED=$((RD_PASSED + 1))
	else
		RD_FAILED=$((RD_FAILED + 1))
	fi
	echo "$1: $2 - $3"
}

# rd_check <prefix> <name> <command>...: run the command (its output is
# shown), count it as a check that passes if the command succeeds.
rd_check()
{
	rd_gate "$@" || true
}

# rd_gate <prefix> <name> <command>...: rd_check for a check that others
# depend on: returns the command's status (use it in an "if" or with "||").
rd_gate()
{
	local prefix=$1 name=$2

	shift 2
	if "$@"; then
		rd_result "$prefix" ok "$name"
	else
		rd_result "$prefix" "not ok" "$name"
		return 1
	fi
}

# rd_step <command>...: run one step of a sequence (.ci/run,
# scripts/test-full.sh), even after another has failed, and add the step's
# last "N passed, M failed" line to RD_PASSED and RD_FAILED.  A step that
# prints no such line, or fails without counting a failure, counts as one
# failure.  rd_finish "$RD_PASSED" "$RD_FAILED" prints the grand total.
rd_step()
{
	local rc=0 last p f log start=$SECONDS

	echo "=== $*"
	log=$(mktemp "${TMPDIR:-/tmp}/rundown-step.XXXXXX")
	"$@" 2>&1 | tee "$log" || rc=$?
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1) || true
	rm -f "$log"
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		p=${BASH_REMATCH[1]}
		f=${BASH_REMATCH[2]}
		[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	else
		echo "=== $*: no \"N passed, M failed\" line (exit status $rc)"
		p=0
		f=1
	fi
	RD_PASSED=$((RD_PASSED + p))
	RD_FAILED=$((RD_FAILED + f))
	echo "=== $*: $p passed, $f failed ($((SECONDS - start)) s)"
}

# rd_tmpdir: make RD_TMP, a folder removed at exit (the exit summary of
# rd_on_exit is kept).
rd_tmpdir()
{
	RD_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rundown.XXXXXX")
	trap rd_exit_tmpdir EXIT
}

rd_exit_tmpdir()
{
	local rc=$?

	rm -rf "$RD_TMP"
	(exit $rc)
	rd_on_exit
}

# rd_stock_release <6.1|6.12>: the release (uname -r) of the stock Debian
# kernel of that series: for 6.1 the one the linux-headers-amd64
# metapackage depends on, for 6.12 the newest whose unsigned image and
# headers apt knows.
rd_stock_release()
{
	local series=$1 rel=

	case $series in
	6.1)
		rel=$(apt-cache depends linux-headers-amd64 2>/dev/null |
		      sed -n 's/^ *Depends: linux-headers-\(6\.1\.[^ ]*\)$/\1/p' |
		      head -n 1)
		;;
	6.12)
		rel=$(apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		      sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12-amd64\)-unsigned$/\1/p' |
		      sort -V | while read -r r; do
				apt-cache show "linux-headers-$r" >/dev/null 2>&1 &&
					echo "$r"
			done | tail -n 1)
		;;
	esac
	[ -n "$rel" ] ||
		rd_die "apt knows no Debian $series kernel: run apt-get update"
	echo "$rel"
}

# rd_stock_kdir <release>: the headers (kernel build folder) of a release.
rd_stock_kdir()
{
	echo "/usr/src/linux-headers-$1"
}

# rd_stock_need <release> [image]: install the headers of a stock kernel,
# and with "image" the kernel itself (the unsigned package, unless an image
# of that release is installed already).
rd_stock_need()
{
	local rel=$1 pkgs="linux-headers-$1"

	if [ "${2:-}" = image ] && [ ! -f "/boot/vmlinuz-$rel" ]; then
		pkgs="$pkgs linux-image-$rel-unsigned"
	fi
	RD_PACKAGES=$pkgs rd_need_packages
}

# rd_copy_sources <dir> [<tree>]: copy what Kbuild needs (sources, Kbuild
# files, the examples' Makefile, dkms.conf for the module version) from
# <tree> (default: the repository) to <dir>, so that objects stay out of
# the working tree.  Only changed files get a new mtime: rebuilds are
# incremental.
rd_copy_sources()
{
	mkdir -p "$1"
	rsync -r --checksum --delete --prune-empty-dirs --exclude=/.git \
		--exclude='*.mod.c' --include='*/' --include='*.[ch]' \
		--include=Kbuild --include=/examples/Makefile \
		--include=/dkms.conf --exclude='*' "${2:-$REPO}/" "$1/"
}

# rd_build <kdir> <dir> <log> [make arguments]: copy the sources to <dir>,
# build rundown there with W=1, then the examples against it through
# examples/Makefile, the way a consumer builds.  The output goes to <log>;
# false if a build fails or prints a warning.
rd_build()
{
	local kdir=$1 dir=$2 log=$3

	shift 3
	rd_copy_sources "$dir"
	if ! { make -C "$kdir" M="$dir" W=1 -j"$JOBS" "$@" modules &&
	       make -C "$dir/examples" KDIR="$kdir" RUNDOWN_DIR="$dir" W=1 \
		    -j"$JOBS" "$@" modules; } >"$log" 2>&1; then
		cat "$log"
		return 1
	fi
	! grep -iE 'warning:' "$log"
}

# rd_initramfs <out.cpio.gz> <init> <file>...: a busybox initramfs with
# <init> as /init and the files (modules) in /lib/modules.  No root needed:
# the kernel's built-in initramfs provides /dev/console.
rd_initramfs()
{
	local out=$1 init=$2 root applet

	shift 2
	root=$(mktemp -d "${TMPDIR:-/tmp}/rundown-initramfs.XXXXXX")
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
	cp /bin/busybox "$root/bin/"
	for applet in $(/bin/busybox --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
	done
	cp "$init" "$root/init"
	chmod 755 "$root/init"
	cp "$@" "$root/lib/modules/"
	(cd "$root" && find . | cpio --quiet -o -H newc -R 0:0) |
		gzip -1 >"$out"
	rm -rf "$root"
}

# rd_qemu <kernel> <initrd> <log> <timeout> <cpus> <kernel arguments>: boot
# under timeout with TCG; the console goes to <log> without its CRs, and to
# stdout too with RUNDOWN_VERBOSE=1.  Returns QEMU's (or timeout's) status.
# With RUNDOWN_IDLE_TIMEOUT=N, a guest that prints nothing for N seconds is
# hung too: QEMU is stopped and the status is 124, as for the timeout.
rd_qemu()
{
	local kernel=$1 initrd=$2 log=$3 timeout=$4 cpus=$5 out=/dev/null
	local rc=0 idle=${RUNDOWN_IDLE_TIMEOUT:-} watchdog=

	shift 5
	[ "${RUNDOWN_VERBOSE:-0}" = 1 ] && out=/dev/stdout
	rm -f "$log.pid" "$log.idle"
	: >"$log"
	[ -z "$idle" ] || { rd_idle_watchdog "$log" "$idle" & watchdog=$!; }
	timeout --kill-after=10 "$timeout" \
		qemu-system-x86_64 -accel tcg -smp "$cpus" -m 1024 \
			-nographic -no-reboot -kernel "$kernel" \
			-initrd "$initrd" -append "console=ttyS0 panic=-1 $*" \
			-pidfile "$log.pid" \
			</dev/null 2>&1 | tr -d '\r' | tee "$log" >"$out" ||
		rc=$?
	if [ -n "$watchdog" ]; then
		kill "$watchdog" 2>/dev/null || true
		wait "$watchdog" 2>/dev/null || true
		if [ -e "$log.idle" ]; then
			rd_say "no console output for $idle s: the guest is hung"
			rc=124
		fi
	fi
	rm -f "$log.pid" "$log.idle"
	return $rc
}

# rd_idle_watchdog <log> <seconds>: stop the QEMU of <log>.pid once <log>
# has not grown for that long; <log>.idle tells rd_qemu.
rd_idle_watchdog()
{
	local log=$1 idle=$2 size last=-1 still=0

	while sleep 2; do
		size=$(stat -c %s "$log" 2>/dev/null || echo 0)
		if [ "$size" != "$last" ]; then
			last=$size
			still=0
			continue
		fi
		still=$((still + 2))
		[ "$still" -ge "$idle" ] || continue
		[ -s "$log.pid" ] || continue
		touch "$log.idle"
		kill "$(cat "$log.pid")" 2>/dev/null || true
		return 0
	done
}

# rd_checkpatch_ignores <path>: the checkpatch types that
# scripts/checkpatch-exceptions lets <path> (relative to REPO) break, as a
# comma-separated list.
rd_checkpatch_ignores()
{
	local glob type reason types=

	while read -r glob type reason; do
		case $glob in '' | '#'*) continue ;; esac
		[ -n "$reason" ] || rd_die "checkpatch-exceptions: no reason for $glob $type"
		# shellcheck disable=SC2053 # the glob is a pattern
		[[ $1 == $glob ]] && types=${types:+$types,}$type
	done <"$REPO/scripts/checkpatch-exceptions"
	echo "$types"
}

# rd_dkms_version: the package version (PACKAGE_VERSION of dkms.conf).
rd_dkms_version()
{
	sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$REPO/dkms.conf"
}

# rd_dkms_source <dir>: put the DKMS package sources in <dir>: the
# repository without .git and without what .gitignore ignores.
rd_dkms_source()
{
	mkdir -p "$1"
	rsync -a --delete --exclude=/.git --filter=':- .gitignore' \
		"$REPO/" "$1/"
}
