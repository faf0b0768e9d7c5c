#!/usr/bin/env bash
# Checks that the UML test kernel moves its processes' FP registers with
# exactly the host's XSAVE area size: boots it under strace (ptrace calls of
# the UML kernel process only) with an init that exits at once, and compares
# the iov_len of every PTRACE_SETREGSET NT_X86_XSTATE with CPUID leaf 0xD's
# size of the enabled features (11008 bytes with AMX).  The host kernel
# refuses any other size; the last line says what was seen.
set -uo pipefail
. "$(dirname "$0")/../common.sh"

kernel=$UML_OBJ/linux
[ -x "$kernel" ] || die "no UML kernel at $kernel"
tmp=$(mktemp -d /tmp/uml-xstate.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/xsave-size.c" <<'C'
#include <cpuid.h>
#include <stdio.h>
int main(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid_count(0xd, 0, &a, &b, &c, &d))
		return 1;
	printf("%u\n", b);	/* bytes for the features enabled in XCR0 */
	return 0;
}
C
gcc -O2 -o "$tmp/xsave-size" "$tmp/xsave-size.c" || die "cannot build the CPUID probe"
host=$("$tmp/xsave-size") || die "CPUID leaf 0xD not available"

# The UML panics when init exits and aborts: its status says nothing here.
{ (cd "$tmp" && timeout 120 strace -o "$tmp/ptrace.log" -e trace=ptrace "$kernel" mem=128M \
	uml_dir="$tmp" umid=xstate root=/dev/root rootfstype=hostfs rootflags=/ ro \
	init=/bin/false con=null con0=fd:0,fd:1 quiet) </dev/null >"$tmp/console.log" 2>&1; } 2>/dev/null
sets=$(grep -o 'PTRACE_SETREGSET, [0-9]*, NT_X86_XSTATE, {iov_base=[^,]*, iov_len=[0-9]*' "$tmp/ptrace.log" |
       sed 's/.*iov_len=//')
if [ -z "$sets" ]; then
	sed 's/^/  /' "$tmp/console.log" | tail -n 20
	die "no PTRACE_SETREGSET NT_X86_XSTATE call seen (host XSAVE area $host bytes)"
fi
other=$(grep -vx "$host" <<<"$sets" | sort -u | tr '\n' ' ')
[ -z "$other" ] || die "XSTATE transfers of $other bytes, the host's area is $host bytes"
echo "host XSAVE area $host bytes ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')," \
	"AMX: $(grep -qw amx_tile /proc/cpuinfo && echo yes || echo no)):" \
	"$(wc -l <<<"$sets") FP register writes of exactly that size"
