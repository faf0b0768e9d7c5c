#!/usr/bin/perl
# Report of scripts/bench.sh: medians, ratios, table, chart, docs.
#
#   report.pl --results DIR [--docs DOCSDIR]
#
# DIR holds meta.tsv (KEY<tab>VALUE, host facts) and <bed>.txt (the guest's
# BENCH| lines, see guest.sh) for the beds that ran (uml, qemu). Prints the
# table; with --docs also writes DOCSDIR/benchmarks.md, benchmarks.png (when
# gnuplot is there) and benchmarks-data.tsv (every run). The sections of an
# existing benchmarks.md from the first "## Scale", "## Failover storm"
# (scale-report.pl) or "## Notes" heading on are kept.
use strict;
use warnings;
use Getopt::Long;

my ($dir, $docs);
GetOptions('results=s' => \$dir, 'docs=s' => \$docs) && $dir
	or die "usage: $0 --results DIR [--docs DOCSDIR]\n";

my @BEDS = grep { -s "$dir/$_.txt" } qw(uml qemu);
@BEDS or die "report.pl: no results in $dir\n";
my %BEDNAME = (uml => 'UML', qemu => 'QEMU');
my @TORDER = qw(raw stock-rq ours-rq ours-rq-iot stock-bio ours-bio ours-biotarget);
# ours-rq-iot: our rq target with the per-I/O latency timeout on, compared
# with ours-rq (the timeout's cost) instead of with the stock target.
my %TNAME = ('raw' => 'raw', 'stock-rq' => 'stock rq', 'ours-rq' => 'ours rq',
	'ours-rq-iot' => 'ours rq+iotimeout',
	'stock-bio' => 'stock bio', 'ours-bio' => 'ours bio', 'ours-biotarget' => 'ours bio_mp');
my %COLOR = ('raw' => '#8c8c8c', 'stock-rq' => '#1f4e9c', 'ours-rq' => '#74a9f0',
	'ours-rq-iot' => '#2e8b57',
	'stock-bio' => '#a34a00', 'ours-bio' => '#f5b041', 'ours-biotarget' => '#e67e22');
my %STOCK_OF = ('ours-rq' => 'stock-rq', 'ours-rq-iot' => 'ours-rq', 'ours-bio' => 'stock-bio', 'ours-biotarget' => 'stock-bio');
my @WORDER = qw(rr1x1 rr1x2 rr32x1 rr32x2 rw1x1 rw1x2 rw32x1 rw32x2);

sub wname {
	my ($w) = @_;
	my ($rw, $qd, $j) = $w =~ /^(r[rw])(\d+)x(\d+)$/ or return $w;
	return sprintf '%s QD%d %dj', $rw eq 'rr' ? 'randread' : 'randwrite', $qd, $j;
}
sub wshort {
	my ($w) = @_;
	my ($rw, $qd, $j) = $w =~ /^(r[rw])(\d+)x(\d+)$/ or return $w;
	return sprintf '%s%d/%dj', $rw eq 'rr' ? 'R' : 'W', $qd, $j;
}
sub median {
	my @v = sort { $a <=> $b } @_;
	return undef unless @v;
	return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}
sub kfmt { my ($v) = @_; return defined $v ? sprintf('%.1fk', $v / 1000) : '-'; }
sub rfmt { my ($v) = @_; return defined $v ? sprintf('%.2f', $v) : '-'; }
sub pct { my ($r) = @_; return sprintf '%+.0f%%', ($r - 1) * 100; }

my %meta;
if (open my $fh, '<', "$dir/meta.tsv") {
	while (<$fh>) { chomp; my ($k, $v) = split /\t/, $_, 2; $meta{$k} = $v if defined $v; }
}

# --- read
my (%runs, %info, %fo, %prof, %errors, %targets, %paths, %works);
for my $bed (@BEDS) {
	open my $fh, '<', "$dir/$bed.txt" or die "$dir/$bed.txt: $!\n";
	while (<$fh>) {
		chomp;
		my @f = split /\|/;
		next unless @f >= 3 && $f[0] eq 'BENCH';
		if ($f[1] eq 'info') {
			$info{$bed}{$f[2]} = $f[3] // '';
		} elsif ($f[1] eq 'iops' && @f == 7 && $f[6] =~ /^\d+$/) {
			my (undef, undef, $t, $p, $w, $r, $v) = @f;
			push @{$runs{$bed}{$t}{$p}{$w}}, $v;
			$targets{$bed}{$t} = 1;
			$paths{$bed}{$p} = 1 unless $t eq 'raw';
			$works{$bed}{$w} = 1;
		} elsif ($f[1] eq 'failover' && @f >= 5) {
			my %kv = map { /^(\w+)=(\d+)$/ ? ($1, $2) : () } split ' ', $f[4];
			if (exists $kv{failover_us}) {
				push @{$fo{$bed}{$f[2]}}, \%kv;
			} else {
				push @{$errors{$bed}}, "failover $f[2] trial $f[3]: $f[4]";
			}
		} elsif ($f[1] eq 'profile' && @f == 11 && $f[8] =~ /^\d+$/ && $f[9] =~ /^\d+$/) {
			my (undef, undef, $t, $p, $w, $r, $role, $fn, $calls, $mid) = @f;
			if ($calls) {
				push @{$prof{$bed}{$w}{$role}{$t}{ns}}, $mid;
				$prof{$bed}{$w}{$role}{$t}{fn} = $fn;
				$prof{$bed}{$w}{$role}{$t}{paths} = $p;
			} else {
				push @{$errors{$bed}}, "profile $t $w round $r: no calls of $fn traced";
			}
		} elsif ($f[1] eq 'error') {
			push @{$errors{$bed}}, join('|', @f[2 .. $#f]);
		}
	}
}

sub med { my ($bed, $t, $p, $w) = @_; my $r = $runs{$bed}{$t}{$p eq 'raw' ? 1 : $p}{$w}; return $r ? median(@$r) : undef; }
sub cell_raw { my ($bed, $w) = @_; return med($bed, 'raw', 'raw', $w); }
sub ratio { my ($a, $b) = @_; return (defined $a && defined $b && $b > 0) ? $a / $b : undef; }

# The label of a ratio column: a target over what it is compared with.
sub pair_label {
	my ($t) = @_;
	my $s = $STOCK_OF{$t};
	return $s =~ /^stock/ ? (split ' ', $TNAME{$t})[1] . ' ours/stock' : "$TNAME{$t} / $TNAME{$s}";
}

# --- table layout: IOPS columns, ours/stock per ours target, then /raw
sub columns {
	my ($bed) = @_;
	my @t = grep { $targets{$bed}{$_} } @TORDER;
	my @cols;
	for my $t (@t) {
		push @cols, [$TNAME{$t}, sub { kfmt($t eq 'raw' ? cell_raw($bed, $_[1]) : med($bed, $t, $_[0], $_[1])) }];
		if (my $s = $STOCK_OF{$t}) {
			next unless $targets{$bed}{$s};
			push @cols, [pair_label($t), sub {
				rfmt(ratio(med($bed, $t, $_[0], $_[1]), med($bed, $s, $_[0], $_[1]))) }];
		}
	}
	if ($targets{$bed}{raw}) {
		for my $t (grep { $_ ne 'raw' } @t) {
			push @cols, ["$TNAME{$t}/raw", sub { rfmt(ratio(med($bed, $t, $_[0], $_[1]), cell_raw($bed, $_[1]))) }];
		}
	}
	return @cols;
}
sub rows {
	my ($bed) = @_;
	my @p = sort { $a <=> $b } keys %{$paths{$bed}};
	@p = ('raw') unless @p;
	my @w = grep { $works{$bed}{$_} } @WORDER;
	return map { my $p = $_; map { [$p, $_] } @w } @p;
}

sub text_table {
	my ($bed) = @_;
	my @cols = columns($bed);
	my @hdr = ('paths', 'workload', map { $_->[0] } @cols);
	my @lines = map { my ($p, $w) = @$_; [$p, wname($w), map { $_->[1]->($p, $w) } @cols] } rows($bed);
	my @wd = map { length } @hdr;
	for my $l (@lines) { $wd[$_] = length $l->[$_] > $wd[$_] ? length $l->[$_] : $wd[$_] for 0 .. $#$l; }
	my $fmt = join('  ', map { $_ < 2 ? "%-$wd[$_]s" : "%$wd[$_]s" } 0 .. $#wd) . "\n";
	my $s = sprintf $fmt, @hdr;
	$s .= sprintf $fmt, @$_ for @lines;
	return $s;
}
sub md_table {
	my ($bed) = @_;
	my @cols = columns($bed);
	my $s = '| ' . join(' | ', 'paths', 'workload', map { $_->[0] } @cols) . " |\n";
	$s .= '|' . join('|', ('---') x 2, ('---:') x @cols) . "|\n";
	for (rows($bed)) {
		my ($p, $w) = @$_;
		$s .= '| ' . join(' | ', $p, wname($w), map { $_->[1]->($p, $w) } @cols) . " |\n";
	}
	return $s;
}

# --- where ours is behind, summaries, goals
sub runs_str { my ($r) = @_; return join '/', map { kfmt($_) } @{$r // []}; }
sub behind {
	my ($bed) = @_;
	my @b;
	for my $t (grep { $STOCK_OF{$_} && $targets{$bed}{$_} && $targets{$bed}{$STOCK_OF{$_}} } @TORDER) {
		my $s = $STOCK_OF{$t};
		for (rows($bed)) {
			my ($p, $w) = @$_;
			my $r = ratio(med($bed, $t, $p, $w), med($bed, $s, $p, $w)) // next;
			next unless $r < 1;
			my ($o, $k) = ($runs{$bed}{$t}{$p}{$w}, $runs{$bed}{$s}{$p}{$w});
			my ($omax) = sort { $b <=> $a } @$o;
			my ($smin) = sort { $a <=> $b } @$k;
			push @b, { r => $r, text => sprintf('%s vs %s, %s paths, %s: %s (runs %s vs %s%s)',
				$TNAME{$t}, $TNAME{$s}, $p, wname($w), pct($r), runs_str($o), runs_str($k),
				$omax >= $smin ? '; ranges overlap' : '') };
		}
	}
	return map { $_->{text} } sort { $a->{r} <=> $b->{r} } @b;
}
sub geomean { my @v = grep { defined && $_ > 0 } @_; return undef unless @v; my $l = 0; $l += log for @v; return exp($l / @v); }
sub summary {
	my ($bed) = @_;
	my @s;
	for my $t (grep { $STOCK_OF{$_} && $targets{$bed}{$_} && $targets{$bed}{$STOCK_OF{$_}} } @TORDER) {
		my $s = $STOCK_OF{$t};
		my (%g, @all);
		for (rows($bed)) {
			my ($p, $w) = @$_;
			my $r = ratio(med($bed, $t, $p, $w), med($bed, $s, $p, $w)) // next;
			my ($qd) = $w =~ /^r[rw](\d+)x/;
			push @{$g{$qd > 1 ? 'QD32' : 'QD1'}}, $r;
			push @all, $r;
		}
		next unless @all;
		my ($min) = sort { $a <=> $b } @all;
		push @s, sprintf('%s / %s: geometric mean %s (QD1 %s, QD32 %s), worst case %s',
			$TNAME{$t}, $TNAME{$s}, rfmt(geomean(@all)), rfmt(geomean(@{$g{QD1} // []})),
			rfmt(geomean(@{$g{QD32} // []})), rfmt($min));
	}
	for my $t (grep { /bio/ && $targets{$bed}{$_} } @TORDER) {
		next unless $targets{$bed}{raw};
		my @r = map { ratio(med($bed, $t, $_->[0], $_->[1]), cell_raw($bed, $_->[1])) } rows($bed);
		push @s, sprintf('%s / raw: geometric mean %s', $TNAME{$t}, rfmt(geomean(@r)));
	}
	return @s;
}

# --- failover
sub fo_rows {
	my ($bed) = @_;
	my @out;
	for my $t (grep { $fo{$bed}{$_} } @TORDER) {
		my @tr = @{$fo{$bed}{$t}};
		my @f = map { $_->{failover_us} } @tr;
		my ($mn, $mx) = (sort { $a <=> $b } @f)[0, -1];
		my $errs = 0; $errs += $_->{errors} // 0 for @tr;
		push @out, { t => $t, med => median(@f), min => $mn, max => $mx, n => scalar @f,
			base => median(map { $_->{base_us} } @tr), after => median(map { $_->{after_max_us} } @tr),
			errors => $errs };
	}
	return @out;
}
sub fo_table {
	my ($bed, $md) = @_;
	my @r = fo_rows($bed) or return '';
	my %m = map { $_->{t} => $_->{med} } @r;
	my @hdr = ('target', 'failover (median)', 'min-max', 'trials', 'ours/stock', 'normal read', 'max read after', 'read errors');
	my @l = map {
		my $s = $STOCK_OF{$_->{t}};
		[$TNAME{$_->{t}}, sprintf('%.0f us', $_->{med}), "$_->{min}-$_->{max} us", $_->{n},
		 $s && $m{$s} ? rfmt($_->{med} / $m{$s}) : '-', sprintf('%.0f us', $_->{base}),
		 sprintf('%.0f us', $_->{after}), $_->{errors}]
	} @r;
	if ($md) {
		my $s = '| ' . join(' | ', @hdr) . " |\n|---|" . join('|', ('---:') x $#hdr) . "|\n";
		$s .= '| ' . join(' | ', @$_) . " |\n" for @l;
		return $s;
	}
	my @wd = map { length } @hdr;
	for my $l (@l) { $wd[$_] = length $l->[$_] > $wd[$_] ? length $l->[$_] : $wd[$_] for 0 .. $#$l; }
	my $fmt = join('  ', map { $_ ? "%$wd[$_]s" : "%-$wd[$_]s" } 0 .. $#wd) . "\n";
	return join '', map { sprintf $fmt, @$_ } \@hdr, @l;
}

# --- profile: median over rounds of each round's median ns per call
my @RORDER = qw(submit map alloc complete end_io release);
my %RNAME = (submit => 'dm core: submit', map => 'target: map', alloc => '  of it: clone allocation',
	complete => 'dm core: completion', end_io => 'target: end_io', release => 'target: release clone');
sub prof_ns { my ($bed, $w, $role, $t) = @_; my $e = $prof{$bed}{$w}{$role}{$t} or return undef; return median(@{$e->{ns}}); }
# The target's own cost per I/O: its hooks less the clone allocation that
# every request-based target makes (blk-mq's, not the target's code).
sub prof_own {
	my ($bed, $w, $t) = @_;
	my $map = prof_ns($bed, $w, 'map', $t) // return undef;
	my $own = $map - (prof_ns($bed, $w, 'alloc', $t) // 0);
	$own += prof_ns($bed, $w, $_, $t) // 0 for qw(end_io release);
	return $own;
}
sub prof_table {
	my ($bed, $md) = @_;
	my @w = grep { $prof{$bed}{$_} } @WORDER or return '';
	my %seen;
	for my $ww (@w) { for my $r (keys %{$prof{$bed}{$ww}}) { $seen{$_} = 1 for keys %{$prof{$bed}{$ww}{$r}}; } }
	my @t = grep { $seen{$_} } @TORDER;
	my @cols;
	for my $t (@t) {
		push @cols, $t;
		push @cols, "$t/" if $STOCK_OF{$t} && $seen{$STOCK_OF{$t}};
	}
	my @hdr = ('workload', 'step', map { m{^(.*)/$} ? pair_label($1) : $TNAME{$_} } @cols);
	my $us = sub { defined $_[0] ? sprintf('%.2f us', $_[0] / 1000) : '-' };
	my @l;
	for my $ww (@w) {
		for my $role ((grep { $prof{$bed}{$ww}{$_} } @RORDER), 'own') {
			my $get = $role eq 'own' ? sub { prof_own($bed, $ww, $_[0]) } : sub { prof_ns($bed, $ww, $role, $_[0]) };
			push @l, [wname($ww), $role eq 'own' ? 'target total, less the allocation' : $RNAME{$role}, map {
				m{^(.*)/$} ? rfmt(ratio($get->($1), $get->($STOCK_OF{$1}))) : $us->($get->($_)) } @cols];
		}
	}
	if ($md) {
		my $s = '| ' . join(' | ', @hdr) . " |\n|---|---|" . join('|', ('---:') x @cols) . "|\n";
		$s .= '| ' . join(' | ', @$_) . " |\n" for @l;
		return $s;
	}
	my @wd = map { length } @hdr;
	for my $x (@l) { $wd[$_] = length $x->[$_] > $wd[$_] ? length $x->[$_] : $wd[$_] for 0 .. $#$x; }
	my $fmt = join('  ', map { $_ < 2 ? "%-$wd[$_]s" : "%$wd[$_]s" } 0 .. $#wd) . "\n";
	return join '', map { sprintf $fmt, @$_ } \@hdr, @l;
}

sub bed_title {
	my ($bed) = @_;
	my $i = $info{$bed};
	my $k = $i->{kernel} // '?';
	return $bed eq 'uml'
		? "UML: Linux $k (debug build: KASAN, lockdep, kmemleak, UBSAN; 1 CPU)"
		: "QEMU TCG: Debian's stock kernel $k, $i->{cpus} vCPUs ($i->{cpu})";
}

# --- terminal
my $params = $meta{params} // '';
for my $bed (@BEDS) {
	print "\n== ", bed_title($bed), "\n";
	print "   median IOPS of each case ($params)\n\n";
	print text_table($bed);
	if (my @s = summary($bed)) { print "\n"; print "  $_\n" for @s; }
	if (my @b = behind($bed)) { print "\n  ours behind stock:\n"; print "    $_\n" for @b; }
	if (my $f = fo_table($bed, 0)) { print "\n  failover: path offline -> next completed read\n"; print map { "    $_\n" } split /\n/, $f; }
	if (my $f = prof_table($bed, 0)) { print "\n  profile: median time per call (function_graph)\n"; print map { "    $_\n" } split /\n/, $f; }
	if ($errors{$bed}) { print "\n  errors:\n"; print "    $_\n" for @{$errors{$bed}}; }
}

exit 0 unless $docs;

# --- data file: every run
mkdir $docs unless -d $docs;
open my $tsv, '>', "$docs/benchmarks-data.tsv" or die "$docs/benchmarks-data.tsv: $!\n";
print $tsv "# scripts/bench.sh, $meta{date}; IOPS of every fio run\n";
print $tsv join("\t", qw(bed target paths workload round iops)), "\n";
for my $bed (@BEDS) {
	open my $fh, '<', "$dir/$bed.txt" or next;
	while (<$fh>) {
		chomp;
		my @f = split /\|/;
		print $tsv join("\t", $bed, @f[2 .. 6]), "\n" if @f == 7 && $f[1] eq 'iops';
	}
	for my $t (sort keys %{$fo{$bed}}) {
		my $n = 0;
		print $tsv join("\t", $bed, "failover:$t", 2, 'qd1-read', ++$n,
			join(' ', map { "$_=$fo{$bed}{$t}[$n - 1]{$_}" } sort keys %{$fo{$bed}{$t}[$n - 1]})), "\n"
			for @{$fo{$bed}{$t}};
	}
}
close $tsv;

# --- chart (gnuplot): per bed one column; rows: IOPS per path count, ratios
my $png = "$docs/benchmarks.png";
my $have_gp = system('sh', '-c', 'command -v gnuplot >/dev/null') == 0;
if ($have_gp) {
	my @panels;
	for my $bed (@BEDS) {
		my @t = grep { $targets{$bed}{$_} } @TORDER;
		my @w = grep { $works{$bed}{$_} } @WORDER;
		for my $p (sort { $a <=> $b } keys %{$paths{$bed}}) {
			my $f = "$dir/chart-$bed-$p.dat";
			open my $fh, '>', $f or die "$f: $!\n";
			print $fh join("\t", 'workload', map { qq("$TNAME{$_}") } @t), "\n";
			for my $w (@w) {
				print $fh join("\t", wshort($w), map {
					my $v = $_ eq 'raw' ? cell_raw($bed, $w) : med($bed, $_, $p, $w);
					defined $v ? sprintf('%.2f', $v / 1000) : '-' } @t), "\n";
			}
			close $fh;
			push @panels, [$bed, "$BEDNAME{$bed}: kIOPS, $p paths (raw: one null_blk device)", $f, scalar @t, 0,
				join(' ', map { $COLOR{$_} } @t)];
		}
		my @pairs = grep { $STOCK_OF{$_} && $targets{$bed}{$_} && $targets{$bed}{$STOCK_OF{$_}} } @TORDER;
		my @pp = sort { $a <=> $b } keys %{$paths{$bed}};
		if (@pairs) {
			my $f = "$dir/chart-$bed-ratio.dat";
			open my $fh, '>', $f or die "$f: $!\n";
			print $fh join("\t", 'workload', map { my $t = $_; map { qq("$TNAME{$t}/$TNAME{$STOCK_OF{$t}}, $_ p") } @pp } @pairs), "\n";
			for my $w (@w) {
				print $fh join("\t", wshort($w), map { my $t = $_; map {
					my $r = ratio(med($bed, $t, $_, $w), med($bed, $STOCK_OF{$t}, $_, $w));
					defined $r ? sprintf('%.3f', $r) : '-' } @pp } @pairs), "\n";
			}
			close $fh;
			# per pair: its target's colour, darker for the fewer paths
			my %shade = ('ours-rq' => ['#1f4e9c', '#74a9f0', '#b9d4f7'],
				'ours-rq-iot' => ['#1e5631', '#2e8b57', '#8fd19e'],
				'ours-bio' => ['#7d6608', '#d4ac0d', '#f7dc6f'],
				'ours-biotarget' => ['#a34a00', '#e67e22', '#f5b041']);
			my @rc = map { my $t = $_; map { $shade{$t}[$_ > 2 ? 2 : $_] } 0 .. $#pp } @pairs;
			push @panels, [$bed, "$BEDNAME{$bed}: ours / stock, same mode (1.0 = equal)", $f, @pairs * @pp, 1,
				join(' ', @rc)];
		}
	}
	my $nbeds = @BEDS;
	my $nrows = 0;
	my %per; $per{$_->[0]}++ for @panels;
	for (values %per) { $nrows = $_ if $_ > $nrows; }
	my $gp = "$dir/chart.gp";
	open my $g, '>', $gp or die "$gp: $!\n";
	printf $g "set terminal pngcairo size %d,%d font 'sans,9'\nset output '%s'\n", 760 * $nbeds, 300 * $nrows, $png;
	print $g "set termoption noenhanced\nset datafile missing '-'\nset style data histograms\nset style histogram clustered gap 1\n";
	print $g "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset key top right font 'sans,8' maxrows 3\n";
	print $g "set grid ytics\nset xtics nomirror font 'sans,8'\nset yrange [0:*]\n";
	printf $g "set multiplot layout %d,%d columnsfirst title 'dm-mpath-cpp vs stock dm-multipath: fio 4k random I/O (R/W, queue depth / jobs), %s'\n",
		$nrows, $nbeds, $meta{date} // '';
	for my $bed (@BEDS) {
		my @mine = grep { $_->[0] eq $bed } @panels;
		for my $pn (@mine) {
			my (undef, $title, $f, $n, $isratio, $colors) = @$pn;
			print $g "set title \"$title\"\n";
			if ($isratio) {
				print $g "set yrange [0:*]\nset arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2 front\n";
				print $g "set key outside right top vertical maxrows 4\n";
			} else {
				print $g "set yrange [0:*]\nunset arrow 1\nset key inside top right vertical maxrows 3\n";
			}
			print $g "colors = '$colors'\n";
			print $g "plot for [i=2:", $n + 1, "] '$f' using i:xtic(1) title columnheader(i) lc rgb word(colors, i - 1)\n";
		}
		print $g "set multiplot next\n" x ($nrows - @mine);
	}
	print $g "unset multiplot\n";
	close $g;
	system('gnuplot', $gp) == 0 or warn "report.pl: gnuplot failed\n";
} else {
	warn "report.pl: gnuplot missing, no chart\n";
}

# --- docs/benchmarks.md
my $md = "$docs/benchmarks.md";
my $notes = '';
if (open my $old, '<', $md) {
	my $in = 0;
	while (<$old>) { $in = 1 if /^## (Scale|Failover storm|Notes)/; $notes .= $_ if $in; }
}
open my $o, '>', "$md.tmp" or die "$md.tmp: $!\n";
print $o <<"EOT";
# Benchmarks: dm-mpath-cpp vs Linux 6.1's dm-multipath

Written by `scripts/bench.sh` (one command; see its header for the knobs) on
$meta{date}, at commit `$meta{git}`. A benchmark, not a test: nothing here
is asserted. Every file of this page is regenerated by the next run, except
the "## Scale" and "## Failover storm" sections (`scripts/bench.sh scale`,
`storm`) and a section starting with a "## Notes" heading, which are kept.

## Machine

- host: $meta{host_cpu}, $meta{host_cpus} cores, $meta{host_mem} RAM; $meta{host_os}
- parameters: $params
EOT
for my $bed (@BEDS) {
	my ($lb, $la, $sec) = map { $meta{"${bed}_$_"} // '?' } qw(load_before load_after seconds);
	printf $o "- %s: %s s; host load average (1/5/15 min) before %s, after %s\n", $BEDNAME{$bed}, $sec, $lb, $la;
}
print $o <<'EOT';

The load averages say how busy the host was. The benchmark itself accounts
for about 1 (UML) or 2 (QEMU: two vCPU threads) of it; on this 2-core
machine more than that means other work (kernel builds, fuzzing, other VMs)
competed for the CPUs, and single runs then scatter by tens of percent. The
rounds are interleaved (each round runs every case once, stock and ours in
alternating order), so drift falls on all targets alike, but differences
smaller than the spread of the runs are noise; `benchmarks-data.tsv` has
every run.

## Method

- Test beds: the UML 6.1 kernel of the tests (`scripts/beds/uml-run.sh`; a
  debug build with KASAN, lockdep, kmemleak, UBSAN and one CPU, so absolute
  numbers are low and instrumentation-heavy code is penalised most), and
  Debian 12's stock 6.1 kernel under QEMU TCG with 2 vCPUs
  (`scripts/beds/qemu-debian.sh --stock-multipath`; no KVM here: every
  instruction is emulated, so compare ratios, not absolute IOPS).
- Paths: null_blk, `queue_mode=2` (blk-mq), `submit_queues` = CPUs, no data
  store: the cheapest possible path, so the target's own cost is as visible
  as it can be. Maps: one priority group with every path, the
  `round-robin` selector (repeat count 1), no features; the raw case is
  fio on one null_blk device.
- Targets: `stock rq` = Linux's dm-multipath, request-based; `stock bio` =
  the same with `queue_mode bio`; `ours rq` = our `multipath`,
  request-based; `ours bio_mp` = our `bio_multipath` (bio-based; compared
  with `stock bio`). Stock and ours both register `multipath`, so each round
  loads one module, runs its cases, removes the maps, unloads it and loads
  the other.
- fio 4k random read (`R`) / random write (`W`), direct I/O, queue depth 1
  (psync) or 32 (libaio), 1 or 2 jobs (threads), time based with a short
  ramp; each case repeated, the median IOPS reported. Ratios: ours / stock
  in the same mode, and each target / raw.
- Failover latency: two scsi_debug paths to one LUN (`delay=0`), one
  priority group each (all I/O goes to the first path). `failover-probe`
  (scripts/bench/failover-probe.c) reads 4k at random with O_DIRECT at
  queue depth 1 for 300 ms, then, between two reads, writes `offline` to
  the first path's `/sys/block/sdX/device/state` and times the next read:
  from the moment the write returned to the read's completion. That read
  goes to the offlined path, is rejected by SCSI, the target fails the path
  (and, here, switches to the other group) and retries the read there; so
  the figure is the whole failover as the application sees it. The probe
  reads on for 200 ms (max latency after the failover, errors: should be 0).
  The console log level is lowered during these trials so that the
  kernel's log lines (rejected I/O, failed path) do not time the console.
  Each trial uses a fresh map and brings the path back online first; a
  module's targets take turns trial by trial, in reversed order every
  other trial.
- Profile (QEMU only: the UML kernel has no function tracer): the
  function_graph tracer times, per call, dm core's entry points
  (`dm_mq_queue_rq` / `dm_submit_bio` for submission, `dm_softirq_done` /
  `clone_endio` for completion) and the target's hooks, children included
  (request-based: the clone's `blk_mq_alloc_request` inside the map hook,
  timed too), for 10000 random reads at QD1 and at QD32 per round. Every
  traced call adds the tracer's own cost (about 1 us under TCG: a hook
  that does almost nothing, end_io, measures that much) to itself and to
  what encloses it, the same number of times for stock and ours; so
  compare the two, and read absolute figures as upper bounds.

EOT
print $o "![chart](benchmarks.png)\n\n" if -s $png;
for my $bed (@BEDS) {
	print $o '## ', bed_title($bed), "\n\n";
	print $o "Median IOPS (k = 1000); `ours/stock` is ours divided by the stock target in the same mode, `X/raw` a target divided by the raw device.\n\n";
	print $o md_table($bed), "\n";
	if (my @s = summary($bed)) { print $o "Summary:\n\n"; print $o "- $_\n" for @s; print $o "\n"; }
	my @b = behind($bed);
	if (@b) {
		print $o "Where ours is behind stock (worst first; \"ranges overlap\": the best run of ours beat the worst of stock, so the median gap may be noise):\n\n";
		print $o "- $_\n" for @b;
		print $o "\n";
	} else {
		print $o "Ours is not behind stock in any case.\n\n";
	}
	if (my $f = fo_table($bed, 1)) {
		print $o "Failover (path offline -> next completed read):\n\n$f\n";
	}
	if (my $f = prof_table($bed, 1)) {
		my ($p) = map { $_->{paths} } grep { $_->{paths} } map { values %$_ } map { values %$_ } values %{$prof{$bed}};
		print $o "Where an I/O's time goes (function_graph tracer; median time per call, the median over rounds; $p paths, one job):\n\n$f\n";
	}
	if ($errors{$bed}) { print $o "Errors during the run:\n\n"; print $o "- $_\n" for @{$errors{$bed}}; print $o "\n"; }
}
print $o $notes if $notes;
close $o;
rename "$md.tmp", $md or die "rename $md: $!\n";
print STDERR "report.pl: wrote $md", (-s $png ? ", $png" : ''), ", $docs/benchmarks-data.tsv\n";
