#!/usr/bin/perl
# Regenerates the seed corpora (scripts/fuzz/corpus/{table,message,state})
# from the differential corpus (scripts/diff/tables) and the tables of the
# KUnit suites.  Run from anywhere: perl scripts/fuzz/make-corpus.pl
# Files named regress-* (crash reproducers) are left alone.
use strict;
use warnings;
use File::Basename qw(dirname);

my $fuzz = dirname(__FILE__);
my $top = "$fuzz/../..";
my %dev = (P1 => '8:16', P2 => '8:32', P3 => '8:48', P4 => '8:64',
	   D1 => '8:16', D2 => '8:32', D3 => '8:48', D4 => '8:64',
	   MISSING => '/dev/nonexistent', MISSINGNUM => '0:99');

sub put {
	my ($dir, $name, $data) = @_;
	mkdir "$fuzz/corpus";
	mkdir "$fuzz/corpus/$dir";
	$name =~ s/[^A-Za-z0-9_.-]/_/g;
	open(my $fh, '>', "$fuzz/corpus/$dir/$name") or die "$dir/$name: $!";
	print $fh $data;
	close $fh;
}

for my $dir (qw(table message state)) {
	unlink grep { !m{/regress-} } glob("$fuzz/corpus/$dir/*");
}

# Tables.
my @tables;
open(my $t, '<', "$top/scripts/diff/tables") or die $!;
while (<$t>) {
	next if /^\s*(#|$)/;
	my ($name, $table) = /^(\S+)\s+(.*?)\s*$/ or next;
	next if $table =~ /^\@TABLE/;
	$table = '' if $table eq '@EMPTY';
	$table =~ s/\@(P[1-4]|D[1-4]|MISSINGNUM|MISSING)\b/$dev{$1}/g;
	push @tables, ["diff-$name", $table];
}
close $t;
my $n = 0;
for my $f (glob("$top/kunit/*.c")) {
	open(my $k, '<', $f) or die $!;
	local $/;
	my $src = <$k>;
	close $k;
	while ($src =~ /"(\d+ [^"]*)"/g) {
		my $s = $1;
		# tables only: "<#features> ..." with a selector or no groups
		next unless $s =~ /(round-robin|queue-length|service-time|io-affinity|^\d+ \d+ \d+ \d+\s*$|alua|emc)/;
		next if $s =~ /%/;
		push @tables, [sprintf("kunit-%03d", $n++), $s];
	}
}
# A few more shapes: handlers on the fake's devices (65: alua attached,
# 66: emc attached, 253: not SCSI), io-affinity masks, many groups.
push @tables,
	['extra-alua-retain', '1 retain_attached_hw_handler 0 2 1 round-robin 0 2 1 65:16 1 65:32 1 round-robin 0 1 1 65:48 1'],
	['extra-alua-params', '2 pg_init_retries 3 2 alua 1 2 1 round-robin 0 1 1 65:16 1 round-robin 0 1 1 65:32 1'],
	['extra-emc-busy', '0 1 alua 1 1 round-robin 0 2 0 66:16 8:16'],
	['extra-nonscsi', '0 1 alua 1 1 round-robin 0 1 0 253:0'],
	['extra-ioa', '0 0 1 1 io-affinity 0 3 1 8:16 3 8:32 c 8:48 30'],
	['extra-ioa-comma', '0 0 1 1 io-affinity 0 2 1 8:16 ,1 8:32 0000003e'],
	['extra-io-timeout', '4 io_timeout_msecs 100 queue_if_no_path queue_mode bio 0 1 1 round-robin 0 2 0 8:16 8:32'],
	['extra-features-10', '10 queue_if_no_path retain_attached_hw_handler pg_init_retries 5 pg_init_delay_msecs 100 queue_mode bio io_timeout_msecs 7 0 1 1 round-robin 0 1 0 8:16'],
	['extra-escaped', '0 0 1 1 round-robin 0 2 1 8:16 1 8\\:32 1'],
	['extra-four-groups', '1 queue_if_no_path 0 4 3 round-robin 0 1 0 8:16 queue-length 0 1 0 8:32 service-time 0 1 2 8:48 1 50 historical-service-time 2 512 2 1 0 8:64'];
put('table', $_->[0], $_->[1]) for @tables;

# Messages: a valid map (first line) and messages, one a line.
my @maps = (
	'0 0 2 1 round-robin 0 2 1 8:16 1 8:32 1 round-robin 0 1 1 8:48 1',
	'1 queue_if_no_path 0 1 1 queue-length 0 2 0 8:16 8:32',
	'2 pg_init_retries 2 1 alua 2 1 service-time 0 1 2 65:16 1 10 historical-service-time 0 1 0 65:32',
	'!0 0 1 1 io-affinity 0 2 1 8:16 1 8:32 6',
);
my @msgs = ('fail_path 8:16', 'reinstate_path 8:16', 'fail_path 8:32', 'queue_if_no_path',
	    'fail_if_no_path', 'switch_group 2', 'switch_group 1', 'disable_group 1',
	    'enable_group 1', 'disable_group 2', 'stats', 'io_timeout_msecs 100',
	    'io_timeout_msecs 0', 'reinstate_path 8:32', 'fail_path 65:16',
	    'Fail_Path 8:48', 'switch_group 3', 'bogus 1', 'fail_path', '@cancel_deferred_remove');
for my $i (0 .. $#maps) {
	put('message', "seq-$i", join("\n", $maps[$i], @msgs) . "\n");
	put('message', "one-$i-$_", "$maps[$i]\n$msgs[$_]\n") for 0 .. $#msgs;
}

# State machine: a valid map (first line), then operations, two bytes each
# (opcode, argument; see fuzz_state.c).  Seeds: fixed walks with a simple
# generator so they are the same on every run.
my $seed = 1;
sub rnd { $seed = ($seed * 1103515245 + 12345) % 2**31; return $seed >> 8; }
my @state_maps = (@maps,
	'0 0 1 1 round-robin 0 2 0 8:16 8:32',
	'1 queue_if_no_path 0 2 1 round-robin 0 1 0 8:16 round-robin 0 1 0 8:32',
	'3 queue_if_no_path queue_mode bio 0 2 1 queue-length 0 2 0 8:16 8:32 round-robin 0 1 0 8:48',
	'!1 queue_if_no_path 0 1 1 historical-service-time 0 2 0 8:16 8:32',
	'4 queue_if_no_path pg_init_retries 3 1 alua 2 1 round-robin 0 2 0 65:16 65:32 round-robin 0 2 0 65:48 65:64',
	'3 pg_init_retries 1 queue_if_no_path 1 emc 2 2 round-robin 0 1 0 66:16 service-time 0 2 0 66:32 253:0',
	'2 io_timeout_msecs 40 0 1 1 service-time 0 3 0 8:16 8:32 8:48',
);
for my $i (0 .. $#state_maps) {
	for my $walk (0 .. 3) {
		my $ops = '';
		$ops .= chr(rnd() % 256) . chr(rnd() % 256) for 1 .. 40 + 20 * $walk;
		put('state', "walk-$i-$walk", "$state_maps[$i]\n$ops");
	}
}
