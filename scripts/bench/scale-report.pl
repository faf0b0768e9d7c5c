#!/usr/bin/perl
# Report of scripts/bench.sh scale and storm: memory per path and
# control-operation times per map count, or the failover storm; ours beside
# the stock target.
#
#   scale-report.pl --results DIR [--docs DOCSDIR]
#
# DIR holds meta.tsv and scale.txt or storm.txt (the BENCH| lines of
# scale-guest.sh or storm-guest.sh).  Prints the table; with --docs also
# writes the "## Scale" (or "## Failover storm") section of
# DOCSDIR/benchmarks.md, in place of the one there (before "## Notes" when
# there is none), and for scale DOCSDIR/benchmarks-scale.tsv and
# benchmarks-scale.png (memory per path against the map count, when gnuplot
# is there).
use strict;
use warnings;
use Getopt::Long;

my ($dir, $docs);
GetOptions('results=s' => \$dir, 'docs=s' => \$docs) && $dir
	or die "usage: $0 --results DIR [--docs DOCSDIR]\n";

my (%meta, %info, %v, %maps, @errors);
if (open my $m, '<', "$dir/meta.tsv") {
	while (<$m>) { chomp; my ($k, $val) = split /\t/, $_, 2; $meta{$k} = $val; }
}
if (!-s "$dir/scale.txt" && -s "$dir/storm.txt") {
	storm_report();
	exit 0;
}
open my $in, '<', "$dir/scale.txt" or die "scale-report.pl: no $dir/scale.txt or storm.txt\n";
while (<$in>) {
	chomp;
	my @f = split /\|/;
	if ($f[1] eq 'scale' && @f == 7) {
		my (undef, undef, $t, $m, $p, $k, $val) = @f;
		$v{$t}{$m}{$k} = $val;
		$v{$t}{$m}{paths} = $p;
		$maps{$m} = 1;
	} elsif ($f[1] eq 'info') {
		$info{$f[2]} = $f[3];
	} elsif ($f[1] eq 'error') {
		push @errors, $f[2];
	}
}
%v or die "scale-report.pl: no scale results in $dir/scale.txt\n";
my @TORDER = grep { $v{$_} } qw(stock before ours before-iot ours-iot);
my %TNAME = (stock => 'stock', before => 'before', ours => 'ours',
	'before-iot' => 'before+iotimeout', 'ours-iot' => 'ours+iotimeout');
my @M = sort { $a <=> $b } keys %maps;
my ($possible) = ($info{cpus_possible} // '') =~ /-(\d+)$/;
$possible = defined $possible ? $possible + 1 : 0;

# Bytes per path of a growth in kB (meminfo) or bytes (_B).
sub per_path {
	my ($t, $m, $k) = @_;
	my $r = $v{$t}{$m} or return undef;
	return undef unless defined $r->{$k} && $r->{$k} >= 0 && $r->{paths};
	return $r->{$k} * ($k =~ /_B$/ ? 1 : 1024) / ($m * $r->{paths});
}
# Percpu (allocated, from the tracepoints), Slab and Vmalloc: what a path costs.
my @MEMKEYS = qw(percpu_alloc_B slab_kB vmalloc_kB);
# Those of target T above the stock target's, per path; () if one is missing.
sub above_stock {
	my ($t, $m) = @_;
	my @d = map {
		my ($a, $b) = (per_path($t, $m, $_), per_path('stock', $m, $_));
		defined $a && defined $b ? $a - $b : undef } @MEMKEYS;
	return (grep { !defined } @d) ? () : @d;
}
sub fmt { my ($x, $f) = @_; return defined $x ? sprintf($f // '%.0f', $x) : '-'; }
sub ratio {
	my ($t, $m, $k) = @_;
	return '' if $t eq 'stock';
	my ($a, $b) = ($v{$t}{$m}{$k}, $v{stock}{$m}{$k});
	return '' unless defined $a && defined $b && $b > 0;
	return sprintf ' (%.2f)', $a / $b;
}

my @OPS = qw(create status table fail reinstate reload remove);
my $table = '';
$table .= sprintf "%-6s %-15s %9s %9s %9s %9s %9s | %s | %s\n", 'maps', 'target',
	'Percpu', 'Slab', 'Vmalloc', 'total', 'Percpu', join(' ', map { sprintf '%13s', $_ } @OPS), 'tick';
$table .= sprintf "%-6s %-15s %9s %9s %9s %9s %9s | %s | %s\n", '', '', 'B/path', 'B/path',
	'B/path', 'B/path', 'pages', join(' ', map { sprintf '%13s', 'ms (/stock)' } @OPS), 'ns/path (calls/s)';
for my $m (@M) {
	for my $t (@TORDER) {
		next unless $v{$t}{$m};
		my @mem = map { per_path($t, $m, $_) } @MEMKEYS;
		my $total = (grep { !defined } @mem) ? undef : $mem[0] + $mem[1] + $mem[2];
		my $r = $v{$t}{$m};
		my $tick = '-';
		if ($r->{tick_calls} && defined $r->{tick_mean_ns}) {
			my $secs = $info{tick_s} || 4;
			$tick = sprintf '%.0f (%.0f)', $r->{tick_mean_ns} / $r->{paths},
				$r->{tick_calls} / $secs;
		}
		$table .= sprintf "%-6s %-15s %9s %9s %9s %9s %9s | %s | %s\n", $m, $TNAME{$t},
			(map { fmt($_) } @mem), fmt($total), fmt(per_path($t, $m, 'percpu_kB')),
			join(' ', map { sprintf '%13s', fmt($r->{"${_}_ms"}) . ratio($t, $m, "${_}_ms") } @OPS),
			$tick;
	}
}

# Ours over stock per path, and the same at 256 possible CPUs (Percpu grows
# with the CPUs; the rest does not).
my $extra = '';
for my $t (grep { $_ ne 'stock' } @TORDER) {
	for my $m (@M) {
		my @d = above_stock($t, $m) or next;
		my $at256 = $possible ? $d[0] * 256 / $possible + $d[1] + $d[2] : undef;
		$extra .= sprintf "%-15s %5d maps: %+6.0f B/path (Percpu %+.0f, Slab %+.0f, Vmalloc %+.0f)" .
			"; at 256 possible CPUs %s B/path\n", $TNAME{$t}, $m, $d[0] + $d[1] + $d[2], @d,
			fmt($at256, '%+.0f');
	}
}

my $depth = $info{queue_depth} // 2048;	# runs before the knob: the default
my $head = sprintf "Scale: M maps x %s paths, %s possible CPUs (%s online), dm_mq_queue_depth %s, %s, QEMU TCG\n",
	$v{$TORDER[0]}{$M[0]}{paths}, $possible || '?', $info{cpus_online} // '?', $depth, $info{kernel} // '?';
print $head, "\n", $table, "\nOurs minus stock, per path:\n", $extra;
print "\nerrors:\n", map { "  $_\n" } @errors if @errors;
exit 0 unless $docs;

# --- docs: data, chart, section
open my $tsv, '>', "$docs/benchmarks-scale.tsv" or die "$docs/benchmarks-scale.tsv: $!\n";
print $tsv "target\tmaps\tpaths\tkey\tvalue\n";
for my $t (@TORDER) {
	for my $m (@M) {
		print $tsv join("\t", $t, $m, $v{$t}{$m}{paths}, $_, $v{$t}{$m}{$_}), "\n"
			for grep { $_ ne 'paths' } sort keys %{$v{$t}{$m} // {}};
	}
}
close $tsv;

# Chart: what ours costs per path above the stock target, per-CPU memory
# alone (exact) and in all (Slab's noise included), against the map count.
my $chart = '';
my @OURS = grep { $_ ne 'stock' } @TORDER;
if (@OURS && $v{stock} && system('sh', '-c', 'command -v gnuplot >/dev/null') == 0) {
	my $dat = "$dir/scale-chart.dat";
	open my $d, '>', $dat or die "$dat: $!\n";
	print $d join("\t", 'maps', map { ("\"$TNAME{$_}\"", "\"$TNAME{$_}\"") } @OURS), "\n";
	for my $m (@M) {
		my @row = ($m);
		for my $t (@OURS) {
			my @d = above_stock($t, $m);
			push @row, @d ? (sprintf('%.0f', $d[0]), sprintf('%.0f', $d[0] + $d[1] + $d[2])) :
					('NaN', 'NaN');
		}
		print $d join("\t", @row), "\n";
	}
	close $d;
	my $n = @OURS;
	my $xtics = join(', ', map { "'$_' $_" } @M);
	my $budget = $possible ? int(1024 * $possible / 256) : 0;
	open my $g, '>', "$dir/scale-chart.gp" or die "$dir/scale-chart.gp: $!\n";
	print $g <<"EOT";
set terminal pngcairo size 1000,420 font ',10'
set output '$docs/benchmarks-scale.png'
set multiplot layout 1,2 title "Memory per path above the stock target's, $possible possible CPUs"
set logscale x
set xtics ($xtics)
set xlabel 'maps (x $v{$TORDER[0]}{$M[0]}{paths} paths)'
set ylabel 'bytes per path'
set grid ytics
set key top right
set title 'per-CPU memory (tracepoints, exact)'
plot for [i=0:@{[ $n - 1 ]}] '$dat' using 1:(column(2 + 2 * i)) with linespoints lw 2 title columnheader(2 + 2 * i)@{[ $budget ? ", $budget with lines dt 2 lc rgb 'red' title 'scaled to 256 CPUs: 1 KiB'" : '' ]}
set title 'Percpu + Slab + Vmalloc (Slab: meminfo, noisy)'
plot for [i=0:@{[ $n - 1 ]}] '$dat' using 1:(column(3 + 2 * i)) with linespoints lw 2 title columnheader(3 + 2 * i), 0 with lines lc rgb 'black' notitle
unset multiplot
EOT
	close $g;
	if (system('gnuplot', "$dir/scale-chart.gp") == 0) {
		$chart = "![memory per path above the stock target's, against the map count](benchmarks-scale.png)\n\n";
	} else {
		warn "scale-report.pl: gnuplot failed\n";
	}
}

my $section = <<"EOT";
## Scale: memory per path and control operations at 10 to 1,000 maps

Written by `scripts/bench.sh scale` on $meta{date}, at commit `$meta{git}`
@{[ ($meta{scale_before} // 'none') ne 'none' ? "(\"before\": our module at commit `$meta{scale_before}`) " : '' ]}on $meta{host_cpu}, $meta{host_cpus} cores; the run took @{[ $meta{scale_seconds} // '?' ]} s.
Debian's kernel in QEMU TCG booted with `possible_cpus=$possible`: per-CPU
memory is allocated for every possible CPU, online or not. Every map of a
run has the same $v{$TORDER[0]}{$M[0]}{paths} null_blk paths in one
round-robin group; `dm_mq_queue_depth=$depth` for both targets.  Memory is
what loading the module and creating the maps added, so dm core's own
per-map memory is in every figure alike: compare ours with stock. Percpu
is what the per-CPU allocator's tracepoints show still allocated (every
possible CPU's copy); Slab and Vmalloc, and "Percpu pages", are the growth
of /proc/meminfo (caches dropped, console quiet). Percpu pages stay
populated after a free, so that column shows only the first target's
growth in full: the later ones reuse what it left.  Slab at 10 and 100
maps moves by tens of kB per path with the order of the runs (stock runs
first); read it at 1,000 maps.  Times, for all maps: create is one
`dmsetup create --concise`, status and table one `dmsetup` each; fail_path
and reinstate_path (a message per map) and reload (noflush suspend, load,
resume per map) are one process issuing the ioctls
(`scripts/bench/scale-ops.c`).  Under TCG and with other work on the host,
differences of tens of percent are noise.  The tick is the I/O timeout's
check (`mpc_io_check`, timed by function_graph, tracer cost included),
once per map every quarter of the timeout: ns per path per call, and calls
per second.

$chart```
$head
$table
Ours minus stock, per path:
$extra```
@{[ @errors ? "\nErrors:\n\n" . join('', map { "- $_\n" } @errors) : '' ]}
EOT

write_section('Scale', $section);

# Puts SECTION (starting "## HEADING") in place of that section of
# benchmarks.md, or before "## Notes", or at the end.
sub write_section {
	my ($heading, $section) = @_;
	my $md = "$docs/benchmarks.md";
	my $text = '';
	if (open my $old, '<', $md) { local $/; $text = <$old>; }
	if ($text =~ /^## \Q$heading\E/m) {
		$text =~ s/^## \Q$heading\E.*?(?=^## |\z)/$section\n/ms;
	} elsif ($text =~ /^## Notes/m) {
		$text =~ s/^(?=## Notes)/$section\n/m;
	} else {
		$text .= "\n$section";
	}
	open my $o, '>', "$md.tmp" or die "$md.tmp: $!\n";
	print $o $text;
	close $o;
	rename "$md.tmp", $md or die "$md: $!\n";
}

sub median {
	my @x = sort { $a <=> $b } @_;
	return @x ? $x[int($#x / 2)] : undef;
}

sub storm_report {
	my (%st, @errs, %inf);
	open my $f, '<', "$dir/storm.txt" or die "$dir/storm.txt: $!\n";
	while (<$f>) {
		chomp;
		my @w = split /\|/;
		if ($w[1] eq 'storm' && @w == 6) {
			push @{$st{$w[2]}{$w[4]}}, $w[5];
		} elsif ($w[1] eq 'info') {
			$inf{$w[2]} = $w[3];
		} elsif ($w[1] eq 'error') {
			push @errs, $w[2];
		}
	}
	%st or die "scale-report.pl: no storm results in $dir/storm.txt\n";
	my $head = sprintf "Failover storm: %s LUNs x 2 hosts, one map each, fio verify on %s; %s, %s CPUs, QEMU TCG\n",
		$inf{luns} // '?', $inf{fio_maps} // '?', $inf{kernel} // '?', $inf{cpus} // '?';
	my $t = sprintf "%-7s %6s %22s %22s %12s %11s %10s %s\n", 'target', 'rounds',
		'failover ms (min-max)', 'reads ms (min-max)', 'uevents', 'read errors', 'fio errors', 'fio status';
	for my $tg (grep { $st{$_} } qw(stock ours)) {
		my $r = $st{$tg};
		my $mm = sub { my @x = sort { $a <=> $b } @{$r->{$_[0]} // []};
			@x ? sprintf('%d (%d-%d)', median(@x), $x[0], $x[-1]) : '-' };
		my $sum = sub { my $n = 0; $n += $_ for @{$r->{$_[0]} // []}; $n };
		$t .= sprintf "%-7s %6d %22s %22s %12s %11d %10d %s\n", $tg, scalar(@{$r->{failover_ms} // []}),
			$mm->('failover_ms'), $mm->('reads_ms'), $mm->('uevents'), $sum->('read_errors'),
			$sum->('fio_errors'), join(',', @{$r->{fio_status} // []});
	}
	print $head, "\n", $t;
	print "\nerrors:\n", map { "  $_\n" } @errs if @errs;
	return unless $docs;
	write_section('Failover storm', <<"EOT");
## Failover storm

Written by `scripts/bench.sh storm` on $meta{date}, at commit `$meta{git}`,
on $meta{host_cpu}, $meta{host_cpus} cores; the run took @{[ $meta{storm_seconds} // '?' ]} s.
scsi_debug LUNs seen through two hosts (one store, each fio map writes
its own slice), one map per LUN with two priority groups of one path each
(host 0's first), no multipathd.  With fio writing and verifying on some
maps, every path of host 0 is set offline, then one direct read goes to
every map. failover ms: from the first path set offline until every
map's status shows its host-0 path failed and host 1's group in use;
reads ms: until those reads have completed; uevents: the kernel's uevent
count during the storm (/sys/kernel/uevent_seqnum: the maps' PATH_FAILED
events and the SCSI devices' own); errors: reads that failed, fio's error
count (verify included).  Medians over the rounds, stock and ours in
alternating order.

```
$head
$t```
@{[ @errs ? "\nErrors:\n\n" . join('', map { "- $_\n" } @errs) : '' ]}
EOT
}
