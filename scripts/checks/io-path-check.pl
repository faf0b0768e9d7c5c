#!/usr/bin/perl
# Proves from the built module that nothing reachable from the I/O path can
# allocate memory in a way that sleeps or recurses into I/O, or sleep at all.
#
#   io-path-check.pl MODULE.ko
#
# It reads the call graph out of the object code (objdump -dr: direct calls
# and tail jumps, resolved through relocations), walks it from the I/O entry
# points (map, end_io, busy, release_clone, the bio requeue work and the two
# timers, which run in softirq context) and fails when a walk reaches an
# allocator or a sleeping primitive.  A control walk from the constructor,
# which does allocate, must reach one: otherwise the graph is broken and
# the check would pass vacuously.  Exit status 0 when both hold.
#
# Indirect calls cannot be followed, so one on the I/O path fails the check
# (the core has no virtual functions: a selector policy is chosen by its index).
use strict;
use warnings;

my $ko = shift or die "usage: io-path-check.pl MODULE.ko\n";
-f $ko or die "no such file: $ko\n";

my @io_roots = qw(mp_map_bio mp_end_io_bio mp_clone_and_map_rq mp_rq_end_io
		  mp_release_clone_rq mp_busy kick_work_fn io_timer_fn nopath_timer_fn);
my $control_root = 'mp_ctr_common';

# Calls that may sleep, allocate with reclaim or wait for other work.
my $forbidden = qr/^(?:__?kmalloc\w*|kmalloc_\w+|__kmem_cache_alloc\w*|kmem_cache_alloc\w*
	|krealloc|kvmalloc\w*|__kvmalloc\w*|v[mz]alloc\w*|__vmalloc\w*|mempool_alloc
	|__?alloc_pages\w*|__get_free_pages|get_zeroed_page|_Zn[wa]m\w*|operator\ new.*
	|mpg_alloc|mpg_cpumask_alloc|kstrdup|kasprintf|kvasprintf
	|mutex_lock\w*|down|down_\w+|msleep\w*|ssleep|usleep_range\w*|schedule\w*
	|__might_sleep|__cond_resched|wait_for_completion\w*|prepare_to_wait\w*
	|flush_work|__flush_work|flush_workqueue|__flush_workqueue|flush_delayed_work
	|cancel_work_sync|cancel_delayed_work_sync|del_timer_sync|synchronize_\w+
	|rcu_barrier|dm_get_device|scsi_dh_\w+|dm_table_event)$/x;

# External calls on the I/O path that allocate, with why that is safe.  A
# new external call that allocates must be added here with its reason.
my %allowed = (
	blk_mq_alloc_request => 'the clone comes from the path\'s preallocated tags, '
		. 'BLK_MQ_REQ_NOWAIT (mainline does the same)',
	dm_path_uevent => 'dm core allocates the uevent GFP_ATOMIC; failing only '
		. 'drops the uevent (mainline calls it from the same place)',
);

open(my $dump, '-|', 'objdump', '-dr', '-C', '--no-show-raw-insn', $ko)
	or die "objdump: $!\n";
my (%calls, %defined, %by_section, $section, $func);
# A branch's operand names its target unless a relocation follows it (then
# the operand is only the placeholder the linker fills in).  UML modules use
# the large code model: "movabs $sym,%reg" (an R_X86_64_64 relocation) and
# then "call *%reg".  Without following control flow, a "call *%reg" is
# taken to call every function that register (or one copied into it) was
# loaded with in that function: more edges than real, never fewer.
my ($last_is_branch, $pending, $movabs_reg, %reg_sym) = (0, undef, undef);
sub edge { my ($from, $to) = @_; $calls{$from}{$to} = 1 if defined $from && $to ne $from; }
sub settle { edge($func, $pending) if defined $pending; $pending = undef; }
while (my $line = <$dump>) {
	chomp $line;
	settle() unless $line =~ /^\s+[0-9a-f]+:\s+R_X86_64_/;
	if ($line =~ /^Disassembly of section (\S+):/) {
		$section = $1;
	} elsif ($line =~ /^([0-9a-f]+) <(.+)>:$/) {
		$func = $2;
		%reg_sym = ();
		$defined{$func} = 1;
		push @{$by_section{$section}}, [hex($1), $func];
	} elsif ($line =~ /^\s+[0-9a-f]+:\s+R_X86_64_(\w+)\s+(.+)$/) {
		my ($type, $sym) = ($1, $2);
		if (defined $movabs_reg && $type eq '64') {
			# A section symbol plus offset: a static function (no -4 here).
			my ($base, $sign, $off) = $sym =~ /^(.*?)(?:([-+])0x([0-9a-f]+))?$/;
			$reg_sym{$movabs_reg}{$base =~ /^\./
				? "$base\@" . (defined $off ? hex($off) * ($sign eq '-' ? -1 : 1) : 0) : $base} = 1;
			$movabs_reg = undef;
			next;
		}
		next unless $last_is_branch;
		my $addend = 0;
		$addend = hex($2) * ($1 eq '-' ? -1 : 1) if $sym =~ s/([-+])0x([0-9a-f]+)$//;
		if ($sym =~ /^\./) {	# section symbol: a static function
			edge($func, "$sym\@" . ($addend + 4));
		} else {
			edge($func, $sym);
		}
		$last_is_branch = 0;
		$pending = undef;
	} elsif ($line =~ /^\s+[0-9a-f]+:\s+(?:cs\s+|notrack\s+|bnd\s+)*(call|j\w+)\s+(.*)$/) {
		my ($op, $arg) = ($1, $2);
		$last_is_branch = 1;
		if ($arg =~ /^\*%(\w+)$/ && $reg_sym{$1}) {
			edge($func, $_) for keys %{$reg_sym{$1}};
		} elsif ($op eq 'jmp' && $arg =~ /^\*\(%\w+,%\w+,8\)$/) {
			;	# a switch's jump table: stays inside the function
		} elsif ($arg =~ /^\*/) {
			edge($func, '(indirect)');
		} elsif ($arg =~ /<(.+?)(?:\+0x[0-9a-f]+)?>$/) {
			$pending = $1;
		}
	} elsif ($line =~ /^\s+[0-9a-f]+:\s+movabs\s+\$0x0,%(\w+)$/) {
		($last_is_branch, $movabs_reg) = (0, $1);
	} elsif ($line =~ /^\s+[0-9a-f]+:\s+mov\s+(\S+),%(\w+)$/) {
		# A register copy carries the callees along.
		my ($src, $dst) = ($1, $2);
		if ($src =~ /^%(\w+)$/ && $reg_sym{$1}) {
			$reg_sym{$dst}{$_} = 1 for keys %{$reg_sym{$1}};
		}
		$last_is_branch = 0;
	} else {
		$last_is_branch = 0 if $line =~ /^\s+[0-9a-f]+:/;
	}
}
settle();
close($dump) or die "objdump failed on $ko\n";

# Section-relative targets name the function at that offset.
for my $from (keys %calls) {
	for my $to (keys %{$calls{$from}}) {
		next unless $to =~ /^(\S+)\@(-?\d+)$/;
		my ($sec, $off) = ($1, $2);
		delete $calls{$from}{$to};
		my $hit;
		for my $f (@{$by_section{$sec} || []}) {
			$hit = $f->[1] if $f->[0] <= $off;
		}
		edge($from, $hit) if defined $hit;
	}
}
# Calls to thunks, fentry and return thunks are not calls of interest.
my $ignored = qr/^(?:__fentry__|__x86_return_thunk|__stack_chk_fail|__ubsan_\w+
	|__asan_\w+|__kasan_\w+|__sanitizer_\w+|__tsan_\w+)$/x;

sub walk {	# walk ROOT...: reachable functions, with one path to each
	my (%via, @todo);
	for my $r (@_) {
		$defined{$r} or die "entry point $r not found in $ko\n";
		$via{$r} = ''; push @todo, $r;
	}
	while (defined(my $f = shift @todo)) {
		next unless $defined{$f};	# external: a leaf
		for my $to (sort keys %{$calls{$f} || {}}) {
			next if $to =~ $ignored || exists $via{$to};
			$via{$to} = $f; push @todo, $to;
		}
	}
	return \%via;
}
sub chain { my ($via, $f) = @_; my @c = ($f); unshift @c, $via->{$c[0]} while $via->{$c[0]}; join(' -> ', @c); }

my $io = walk(@io_roots);
my @internal = grep { $defined{$_} } keys %$io;
my @external = sort grep { !$defined{$_} && $_ ne '(indirect)' } keys %$io;
my @bad = grep { $_ =~ $forbidden && !$allowed{$_} } @external;
my $indirect = grep { $calls{$_}{'(indirect)'} } @internal;
my $ok = 1;

printf "I/O path: %d functions of the module reached from %d entry points, %d kernel functions called\n",
	scalar @internal, scalar @io_roots, scalar @external;
print "kernel functions called: @external\n";
printf "allowed on the I/O path: %s: %s\n", $_, $allowed{$_} for grep { $io->{$_} // 0 } sort keys %allowed;
printf "functions with indirect calls on the I/O path: %d%s\n", $indirect,
	$indirect ? ' (' . join(', ', sort grep { $calls{$_}{'(indirect)'} } @internal) . ')' : '';
if ($indirect) {
	print "FAILED: indirect calls on the I/O path cannot be followed\n";
	$ok = 0;
}
for my $f (@bad) {
	print "FORBIDDEN on the I/O path: ", chain($io, $f), "\n";
	$ok = 0;
}
my $ctl = walk($control_root);
my @ctl_bad = grep { !$defined{$_} && $_ =~ $forbidden } keys %$ctl;
if (@ctl_bad) {
	printf "control: %s reaches %d allocating or sleeping calls (e.g. %s): the graph is sound\n",
		$control_root, scalar @ctl_bad, chain($ctl, (sort @ctl_bad)[0]);
} else {
	print "control FAILED: $control_root reaches no allocator; the call graph is broken\n";
	$ok = 0;
}
print $ok ? "io-path-check: ok\n" : "io-path-check: FAILED\n";
exit($ok ? 0 : 1);
