# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - helpers shared by scripts/kunit-qemu.sh and scripts/kunit-intree.sh.
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
# (held until exit).
rd_lock()
{
	mkdir -p "$CACHE"
	exec 9>"$CACHE/$1.lock"
	if ! flock -n 9; then
		rd_say "waiting for another run using $CACHE ($1)"
		flock 9
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
rd_splats()
{
	grep -nE 'WARNING:|BUG:|Call Trace|Oops|Kernel panic|KASAN|UBSAN|KCSAN|possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called from invalid context|general protection fault' \
		"$1"
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
