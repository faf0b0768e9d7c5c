#!/usr/bin/perl
# Engine of the differential harness (scripts/scenarios/differential.sh runs
# it; see there for what is compared and why).
#
#   mpdiff.pl run --out FILE --diffdir DIR --paths "/dev/sda ..." [--dmsetup]
#             [--only REGEX]
#       Runs every case of DIR/tables and DIR/scenarios/*.scn against whatever
#       "multipath" target is loaded and writes one transcript per case to FILE.
#   mpdiff.pl check --diffdir DIR
#       Parses the corpus only (syntax check, case count), runs nothing.
#   mpdiff.pl observe MAP
#       Prints what a step's observation shows of MAP (info, table, status...).
#   mpdiff.pl faults SIZE TABLE
#       Loads TABLE into a new map once per fault-injection point the load
#       passes, failing each in turn (fail-nth); prints each load's result.
#   mpdiff.pl compare A B OUTDIR [LABEL-A LABEL-B]
#       Compares two transcripts case by case; writes OUTDIR/result (one line
#       per case: "same NAME" or "diff NAME") and OUTDIR/NNN.diff (unified diff
#       of a differing case).
#
# Device-mapper commands go straight to /dev/mapper/control (the ioctls
# dmsetup issues, in the order it issues them) and their results are printed
# as errno names; with --dmsetup they run through dmsetup itself (slower:
# ~0.3 s per call in the debug UML). Table, status and info are read with the
# same ioctls dmsetup uses and printed in its format. Only perl-base modules
# and Digest::MD5, Time::HiRes (perl) are used.
use strict;
use warnings;
use Errno ();
use POSIX qw(:sys_wait_h strerror);
use Socket;
use Fcntl qw(O_RDONLY O_WRONLY O_NONBLOCK SEEK_END);
use Digest::MD5 qw(md5_hex);
use Time::HiRes qw(time);

my $MAP = 'mpdiff';	# the one map name every case uses
my $BLK = 4096;		# I/O block size

sub usage { die "usage: mpdiff.pl run|check|compare ... (see the header)\n" }
my (%opt, @cases);

# ---------------------------------------------------------------- corpus

# tables: "NAME TABLE" per line; TABLE is what follows "0 @SZ multipath", or
# "@TABLE start len target args ; start len target args ..." for whole tables.
# scenarios/NAME.scn: one step per line (see scripts/diff/README).
sub load_corpus {
	my ($dir) = @_;
	my (@out, %seen);
	open my $t, '<', "$dir/tables" or die "$dir/tables: $!\n";
	while (<$t>) {
		chomp;
		next if /^\s*(#|$)/;
		my ($name, $table) = /^(\S+)\s+(.*?)\s*$/ or die "tables:$.: no table\n";
		$table = '' if $table eq '@EMPTY';
		die "tables:$.: duplicate name $name\n" if $seen{"table/$name"}++;
		push @out, { kind => 'table', name => "table/$name",
			     steps => [['create-raw', $table, "create $table"], ['remove-if-created', '', 'remove']] };
	}
	close $t;
	for my $f (sort glob "$dir/scenarios/*.scn") {
		my ($base) = $f =~ m{([^/]+)\.scn$};
		open my $s, '<', $f or die "$f: $!\n";
		my (@steps, @modes);
		@modes = qw(rq bio);
		while (<$s>) {
			chomp;
			s/^\s+|\s+$//g;
			next if /^(#|$)/;
			my ($verb, $rest) = /^(\S+)\s*(.*)$/;
			if ($verb eq 'modes') { @modes = split ' ', $rest; next }
			die "$f:$.: unknown step '$verb'\n" unless $verb =~
			    /^(create|create-raw|reload|reload-raw|message|suspend|resume|remove|offline|online|io|io-start|io-wait|sleep)$/;
			if ($verb =~ /^io(-start)?$/) {
				$rest =~ /^(read|write) \d+( at \d+)?$/ or die "$f:$.: io read|write N [at BLOCK]\n";
			}
			die "$f:$.: $verb N (1-4)\n" if $verb =~ /^(offline|online)$/ && $rest !~ /^[1-4]$/;
			die "$f:$.: suspend [--noflush]\n" if $verb eq 'suspend' && $rest !~ /^(--noflush)?$/;
			push @steps, [$verb, $rest, $_];
		}
		close $s;
		@steps or die "$f: no steps\n";
		for my $m (@modes) {
			die "$f: unknown mode $m\n" unless $m =~ /^(rq|bio)$/;
			push @out, { kind => 'scenario', name => "scn/$base/$m", file => $base,
				     mode => $m, steps => \@steps };
		}
	}
	return @out;
}

# ---------------------------------------------------------------- dm ioctls

my $CTL;
my %ERRNAME;
sub errname {
	my ($n) = @_;
	unless (%ERRNAME) {
		for my $e (@Errno::EXPORT_OK) {
			my $v = eval "Errno::$e()";
			$ERRNAME{$v} //= $e if defined $v;
		}
	}
	return ($ERRNAME{$n} // "errno $n") . ' (' . strerror($n) . ')';
}

use constant {
	DM_SUSPEND => 1 << 1, DM_STATUS_TABLE => 1 << 4, DM_ACTIVE_PRESENT => 1 << 5,
	DM_INACTIVE_PRESENT => 1 << 6, DM_BUFFER_FULL => 1 << 8, DM_NOFLUSH => 1 << 11,
	DM_QUERY_INACTIVE => 1 << 12, DM_DATA_OUT => 1 << 16, DM_IMA => 1 << 19,
	DM_READONLY => 1 << 0,
};
my %NR = (create => 3, remove => 4, suspend => 6, status => 7, load => 9,
	  clear => 10, table => 12, msg => 14);

# dm_ioctl(CMD, name => .., flags => .., data => .., size => ..):
# returns (errno, header hash, whole buffer); errno 0 on success.
sub dm_ioctl {
	my ($cmd, %a) = @_;
	my $data = $a{data} // '';
	my $size = 312 + length($data);
	$size = $a{size} if ($a{size} // 0) > $size;
	my $buf = pack('L3 L L L l L L L Q a128 a129 a7', 4, 0, 0, $size, 312,
		       $a{targets} // 0, 0, $a{flags} // 0, 0, 0, 0, $a{name} // $MAP, '', '');
	$buf .= $data;
	$buf .= "\0" x ($size - length $buf);
	my $req = (3 << 30) | (312 << 16) | (0xfd << 8) | $NR{$cmd};
	my $ok = ioctl($CTL, $req, $buf);
	my $err = $ok ? 0 : $! + 0;
	my %h;
	@h{qw(v0 v1 v2 size start targets open flags event pad dev)} =
		unpack('L3 L L L l L L L Q', $buf);
	return ($err, \%h, $buf);
}

sub target_specs {	# TABLE text -> (count, packed dm_target_spec list)
	my ($table) = @_;
	my @t;
	if ($table =~ s/^\@TABLE\s*//) {
		for my $line (split /\s*;\s*/, $table) {
			my ($s, $l, $type, $args) = $line =~ /^(\S+)\s+(\S+)\s+(\S+)\s*(.*)$/
				or die "bad \@TABLE line '$line'\n";
			push @t, [$s, $l, $type, $args];
		}
	} else {
		push @t, [0, $main::SZ, 'multipath', $table];
	}
	my $data = '';
	for my $i (0 .. $#t) {
		my ($s, $l, $type, $args) = @{$t[$i]};
		my $str = $args . "\0";
		my $len = 40 + length $str;
		$len += (8 - $len % 8) % 8;
		my $spec = pack('Q Q l L a16', $s, $l, 0, $i < $#t ? $len : 0, $type) . $str;
		$spec .= "\0" x ($len - length $spec);
		$data .= $spec;
	}
	return (scalar @t, $data);
}

sub dm_create {		# what `dmsetup create` does without udev
	my ($table) = @_;
	my ($n, $data) = target_specs($table);
	my ($e) = dm_ioctl('create');
	return 'create: ' . errname($e) if $e;
	($e) = dm_ioctl('load', targets => $n, data => $data);
	if ($e) {
		my ($e2) = dm_ioctl('remove');
		return 'load: ' . errname($e) . ($e2 ? '; remove: ' . errname($e2) : '');
	}
	($e) = dm_ioctl('suspend');	# resume
	if ($e) {
		my ($e2) = dm_ioctl('remove');
		return 'resume: ' . errname($e) . ($e2 ? '; remove: ' . errname($e2) : '');
	}
	return 'ok';
}

sub dm_reload {
	my ($table) = @_;
	my ($n, $data) = target_specs($table);
	my ($e) = dm_ioctl('load', targets => $n, data => $data);
	return $e ? 'load: ' . errname($e) : 'ok';
}

sub dm_message {
	my ($msg) = @_;
	my ($e, $h, $buf) = dm_ioctl('msg', data => pack('Q Z*', 0, $msg), size => 312 + 4096);
	return errname($e) if $e;
	if ($h->{flags} & DM_DATA_OUT) {
		my ($out) = unpack('Z*', substr($buf, $h->{start}));
		return "ok, output: $out";
	}
	return 'ok';
}

# status of the live (or inactive) table in dmsetup's format, one line per target
sub dm_status_lines {
	my ($flags) = @_;
	my $size = 16384;
	for (1 .. 4) {
		my ($e, $h, $buf) = dm_ioctl('table', flags => $flags, size => $size);
		return 'error ' . errname($e) if $e;
		if ($h->{flags} & DM_BUFFER_FULL) { $size *= 4; next }
		my @l;
		my $pos = $h->{start};
		for my $i (1 .. $h->{targets}) {
			my ($s, $l, $st, $next, $type) = unpack('Q Q l L Z16', substr($buf, $pos, 40));
			my ($p) = unpack('Z*', substr($buf, $pos + 40));
			push @l, "$s $l $type $p";
			$pos = $h->{start} + $next;
		}
		return @l ? @l : '(no targets)';
	}
	return 'error: buffer full';
}

our $DEVMINOR;		# minor of the map (for /dev/dm-N), from the last observation
our $LASTEVENT;		# its event counter then
sub observe_ioctl {
	my ($e, $h) = dm_ioctl('status');
	if ($e) {
		undef $DEVMINOR;
		undef $LASTEVENT;
		return $e == Errno::ENXIO() ? 'info: no device' : 'info: error ' . errname($e);
	}
	my $f = $h->{flags};
	$DEVMINOR = ($h->{dev} & 0xff) | (($h->{dev} >> 12) & 0xfff00);
	my @tabs;
	push @tabs, 'LIVE' if $f & DM_ACTIVE_PRESENT;
	push @tabs, 'INACTIVE' if $f & DM_INACTIVE_PRESENT;
	# dm-mpath raises table events from a work item, so two path failures
	# in one step may give one event or two: only "raised or not" is stable.
	my $ev = defined $LASTEVENT && $h->{event} != $LASTEVENT ? 'yes' : 'no';
	$LASTEVENT = $h->{event};
	my @o = sprintf('info: %s%s tables=%s open=%d targets=%u event=%s',
			$f & DM_SUSPEND ? 'SUSPENDED' : 'ACTIVE', $f & DM_READONLY ? ' READONLY' : '',
			@tabs ? join(',', @tabs) : 'none', $h->{open}, $h->{targets}, $ev);
	if ($f & DM_ACTIVE_PRESENT) {
		push @o, map { "table: $_" } dm_status_lines(DM_STATUS_TABLE);
		push @o, map { "status: $_" } dm_status_lines(0);
		push @o, map { "ima: $_" } dm_status_lines(DM_IMA);
	}
	if ($f & DM_INACTIVE_PRESENT) {
		push @o, map { "inactive table: $_" } dm_status_lines(DM_STATUS_TABLE | DM_QUERY_INACTIVE);
		push @o, map { "inactive status: $_" } dm_status_lines(DM_QUERY_INACTIVE);
	}
	return @o;
}

# ---------------------------------------------------------------- dmsetup mode

my $TMP = '/tmp/mpdiff-work';

sub run_cmd {		# run_cmd(ARGV...) -> (exit status, combined output)
	my @argv = @_;
	my $pid = fork // die "fork: $!";
	if (!$pid) {
		open STDIN, '<', '/dev/null';
		open STDOUT, '>', "$TMP/cmd.out";
		open STDERR, '>&', \*STDOUT;
		exec @argv or exit 127;
	}
	waitpid $pid, 0;
	my $rc = $? >> 8;
	return ($rc, slurp("$TMP/cmd.out"));
}

sub dmsetup {
	my ($rc, $out) = run_cmd('dmsetup', '--noudevsync', @_);
	chomp $out;
	$out = norm($out) =~ s/\n/; /gr;
	return $rc ? "exit $rc" . ($out ne '' ? ": $out" : '') : 'ok' . ($out ne '' ? ": $out" : '');
}

sub table_file {
	my ($table) = @_;
	my $text;
	if ($table =~ s/^\@TABLE\s*//) {
		$text = join("\n", split /\s*;\s*/, $table) . "\n";
	} else {
		$text = "0 $main::SZ multipath $table\n";
	}
	spew("$TMP/table", $text);
	return "$TMP/table";
}

sub observe_dmsetup {
	my ($rc, $out) = run_cmd('dmsetup', '-v', 'table', $MAP);
	my @o;
	if ($rc) {
		undef $DEVMINOR;
		undef $LASTEVENT;
		chomp $out;
		return 'info: exit ' . $rc . ': ' . ($out =~ s/\n/; /gr);
	}
	for (split /\n/, $out) {
		next if /^\s*$/;
		if (/^Major, minor:\s+\d+, (\d+)/) { $DEVMINOR = $1; next }
		if (/^Event number:\s+(\d+)/) {	# raised or not, as in observe_ioctl
			push @o, 'info: event=' . (defined $LASTEVENT && $1 != $LASTEVENT ? 'yes' : 'no');
			$LASTEVENT = $1;
			next;
		}
		push @o, /^\d+ \d+ / ? "table: $_" : "info: $_";
	}
	($rc, $out) = run_cmd('dmsetup', 'status', $MAP);
	push @o, map { "status: $_" } split /\n/, $out;
	if (grep { /INACTIVE/ } @o) {
		($rc, $out) = run_cmd('dmsetup', 'table', '--inactive', $MAP);
		push @o, map { "inactive table: $_" } split /\n/, $out;
	}
	return @o;
}

# ---------------------------------------------------------------- kernel log and uevents

my ($KMSG, $NL, $MARK) = (undef, undef, 0);
my $DMMAJOR;

sub open_logs {
	sysopen($KMSG, '/dev/kmsg', O_RDONLY | O_NONBLOCK) or die "/dev/kmsg: $!\n";
	sysseek($KMSG, 0, SEEK_END);
	# markers are written to /dev/kmsg: without this they are rate limited
	spew('/proc/sys/kernel/printk_devkmsg', "on\n");
	socket($NL, 16, SOCK_DGRAM, 15) or die "netlink socket: $!\n";	# PF_NETLINK, KOBJECT_UEVENT
	bind($NL, pack('S x2 L L', 16, 0, 1)) or die "netlink bind: $!\n";
	setsockopt($NL, SOL_SOCKET, SO_RCVBUF, 1 << 20);
}

# Waits SETTLE seconds (pending work items such as dm-mpath's trigger_event
# run meanwhile), then writes a marker to the kernel log and a synthetic
# uevent, and returns everything logged before them: (kmsg lines, uevents).
sub collect {
	my ($settle) = @_;
	select(undef, undef, undef, $settle // 0.03);
	$MARK++;
	my $kmark = "mpdiff-mark $MARK";
	spew('/dev/kmsg', "<7>$kmark\n");
	spew('/sys/devices/virtual/misc/device-mapper/uevent',
	     "change 00000000-0000-0000-0000-000000000000 MPDIFF=$MARK");
	my (@k, @u);
	my ($gotk, $gotu) = (0, 0);
	my $deadline = time + 10;
	while (!($gotk && $gotu)) {
		while (!$gotk) {
			my $r = sysread($KMSG, my $rec, 16384);
			if (!defined $r) {
				next if $!{EPIPE};	# overwritten records: go on
				last;			# EAGAIN
			}
			last if !$r;
			my ($pfx, $text) = $rec =~ /^([^;]*);([^\n]*)/ or next;
			my ($prio) = split /,/, $pfx;
			if ($text eq $kmark) { $gotk = 1; last }
			push @k, [$prio & 7, $text];
		}
		while (!$gotu) {
			my $r = recv($NL, my $msg, 65536, 0x40);	# MSG_DONTWAIT
			last unless defined $r && length $msg;
			my ($head, @env) = split /\0/, $msg;
			my %e = map { /^([^=]*)=(.*)$/s ? ($1, $2) : () } @env;
			if (($e{SYNTH_ARG_MPDIFF} // '') eq $MARK) { $gotu = 1; last }
			push @u, [$head, \@env, \%e];
		}
		last if $gotk && $gotu;
		die "no log marker after 10 s (kmsg $gotk, uevent $gotu)\n" if time > $deadline;
		my $rin = '';
		vec($rin, fileno($KMSG), 1) = 1;
		vec($rin, fileno($NL), 1) = 1;
		select(my $rout = $rin, undef, undef, 0.5);
	}
	return (\@k, \@u);
}

sub norm {
	my ($s) = @_;
	$s =~ s/\b$DMMAJOR:\d+\b/\@DM/g;
	$s =~ s{/dev/dm-\d+\b|/dev/mapper/$MAP\b}{DEV}g;
	return $s;
}

sub log_lines {		# compared kernel log and uevent lines
	my ($k, $u) = @_;
	my @o;
	for (@$k) {
		my ($lvl, $t) = @$_;
		next if $lvl == 7;				# KERN_DEBUG (DMDEBUG tracing)
		next unless $t =~ /^device-mapper: /;
		next if $t =~ /: version \S+ loaded$|: targets .* ready$/;
		push @o, 'kmsg: ' . norm($t);
	}
	# Events batched by one trigger_event run come out newest first: order
	# them by DM_SEQNUM (per map, in the order they were raised).
	for (sort { ($a->[2]{DM_SEQNUM} // 0) <=> ($b->[2]{DM_SEQNUM} // 0) } @$u) {
		my ($head, $env, $e) = @$_;
		next unless defined $e->{DM_ACTION};
		next unless $head =~ /^change@/;
		push @o, 'uevent: ' . join(' ', grep { /^DM_/ && !/^DM_COOKIE=/ } @$env);
	}
	return @o;
}

# ---------------------------------------------------------------- paths, I/O

our ($SZ, @P, @D);

sub expand {
	my ($s) = @_;
	$s =~ s/\@P([1-4])\b/$P[$1 - 1]/g;
	$s =~ s/\@D([1-4])\b/$D[$1 - 1]/g;
	$s =~ s/\@MISSINGNUM\b/8:240/g;
	$s =~ s{\@MISSING\b}{/dev/mpdiff-missing}g;
	$s =~ s/\@BIGSZ\b/$SZ * 2/ge;
	$s =~ s/\@HALFSZ\b/$SZ \/ 2/ge;
	$s =~ s/\@SZ\b/$SZ/g;
	return $s;
}

sub with_mode {		# add "queue_mode bio" to the features of a table
	my ($table, $mode) = @_;
	return $table if $mode eq 'rq';
	my ($n, $rest) = $table =~ /^(\d+)\s*(.*)$/ or die "no feature count in '$table'\n";
	my @w = split ' ', $rest;
	my @f = splice @w, 0, $n;
	return join ' ', $n + 2, @f, 'queue_mode', 'bio', @w;
}

sub slurp { my ($f) = @_; open my $h, '<', $f or return ''; local $/; my $s = <$h>; return $s // '' }
sub spew {
	my ($f, $s) = @_;
	open my $h, '>', $f or die "$f: $!\n";
	syswrite($h, $s) // die "write $f: $!\n";
	close $h;
}

my %BG;			# background I/O: id -> {pid, desc, out, err, start}
my $BGN = 0;

sub devnode { return $opt{dmsetup} ? "/dev/mapper/$MAP" : defined $DEVMINOR ? "/dev/dm-$DEVMINOR" : undef }

sub io_start {		# io_start("read 4 at 0", TAG) -> id
	my ($spec, $tag) = @_;
	my ($dir, $n, $at) = $spec =~ /^(read|write) (\d+)(?: at (\d+))?$/;
	$at //= 0;
	my $id = ++$BGN;
	my ($out, $err) = ("$TMP/io$id.out", "$TMP/io$id.err");
	my $dev = devnode() // '/dev/mpdiff-no-map';
	my @dd;
	if ($dir eq 'read') {
		@dd = ('dd', "if=$dev", "of=$out", "bs=$BLK", "count=$n", "skip=$at", 'iflag=direct', 'status=none');
	} else {
		my $pat = '';
		for my $b (0 .. $n - 1) {
			my $t = sprintf('%-15s', "$tag.b" . ($at + $b)) . "\n";
			$pat .= $t x ($BLK / 16);
		}
		spew("$TMP/io$id.pat", $pat);
		@dd = ('dd', "if=$TMP/io$id.pat", "of=$dev", "bs=$BLK", "count=$n", "seek=$at",
		       'oflag=direct', 'conv=notrunc', 'status=none');
	}
	my $pid = fork // die "fork: $!";
	if (!$pid) {
		open STDIN, '<', '/dev/null';
		open STDOUT, '>', '/dev/null';
		open STDERR, '>', $err;
		exec @dd or exit 127;
	}
	$BG{$id} = { pid => $pid, desc => "$dir $n at $at", out => $out, err => $err, dir => $dir };
	return $id;
}

sub io_result {		# after the dd of ID ended with status RC
	my ($id, $rc) = @_;
	my $io = delete $BG{$id};
	my @o = ("io#$id $io->{desc}: exit $rc");
	my $err = norm(slurp($io->{err}));
	push @o, map { "io#$id stderr: $_" } split /\n/, $err;
	if ($io->{dir} eq 'read') {
		my $data = slurp($io->{out});
		my @blk;
		for (my $i = 0; $i < length $data; $i += $BLK) {
			my $b = substr($data, $i, $BLK);
			my $first = substr($b, 0, 16);
			if ($b eq "\0" x length $b) { push @blk, '0' }
			elsif (length $b == $BLK && $b eq $first x ($BLK / 16)) { (my $t = $first) =~ s/\s+$//; push @blk, $t }
			else { push @blk, '?' }
		}
		push @o, sprintf('io#%d data: %d bytes md5 %s blocks %s', $id, length $data,
				 md5_hex($data), @blk ? join(' ', @blk) : '-');
	}
	unlink $io->{out}, $io->{err}, "$TMP/io$id.pat";
	return @o;
}

sub io_wait {		# waits up to SECS for all background I/O; reports each
	my ($secs, $only) = @_;
	my @o;
	my $end = time + $secs;
	my @ids = $only ? ($only) : sort { $a <=> $b } keys %BG;
	my %done;
	while (1) {
		for my $id (@ids) {
			next if $done{$id};
			my $r = waitpid($BG{$id}{pid}, WNOHANG);
			$done{$id} = $? >> 8 if $r > 0;
		}
		last if keys %done == @ids || time >= $end;
		select(undef, undef, undef, 0.02);
	}
	for my $id (@ids) {
		if (defined $done{$id}) { push @o, io_result($id, $done{$id}) }
		else { push @o, "io#$id $BG{$id}{desc}: still running after ${secs} s" }
	}
	return @o;
}

sub path_state {
	my ($i, $state) = @_;
	(my $n = $D[$i - 1]) =~ s{^/dev/}{};
	spew("/sys/block/$n/device/state", "$state\n");
}

# Suspend can block for good if a target never lets go of its I/O: run it in
# a child and give up after 30 s (the run is then aborted).
sub in_child {
	my ($code) = @_;
	pipe(my $r, my $w) or die "pipe: $!";
	my $pid = fork // die "fork: $!";
	if (!$pid) { close $r; syswrite($w, $code->()); POSIX::_exit(0) }
	close $w;
	my $end = time + 30;
	while (waitpid($pid, WNOHANG) == 0) {
		if (time > $end) { return (undef, 'still blocked after 30 s') }
		select(undef, undef, undef, 0.01);
	}
	local $/;
	my $res = <$r>;
	return (1, $res // '');
}

# ---------------------------------------------------------------- running cases

# Waits (up to 2 s) until the map's info and status read the same twice in a
# row 30 ms apart: I/O set going by a step has reached its resting state
# (completed, or waiting in the target) before the step is recorded.
sub quiesce {
	my $prev = '';
	for (1 .. 60) {
		my ($e, $h) = dm_ioctl('status');
		return if $e;
		my $now = join '|', $h->{flags}, $h->{open}, $h->{event}, dm_status_lines(0);
		return if $now eq $prev;
		$prev = $now;
		select(undef, undef, undef, 0.03);
	}
}

sub wait_blocked {	# until background dd PID sleeps in the kernel (D) or ends
	my ($pid) = @_;
	for (1 .. 500) {
		my $st = slurp("/proc/$pid/stat");
		return if $st eq '' || $st =~ /^\d+ \(.*\) [DZX] /s;
		select(undef, undef, undef, 0.01);
	}
}

my $ABORT;

sub step {
	my ($case, $verb, $arg) = @_;
	my $x = expand($arg);
	my $ds = $opt{dmsetup};
	my ($settle, @o) = (0.03);
	if ($verb eq 'create' || $verb eq 'create-raw') {
		$x = with_mode($x, $case->{mode}) if $verb eq 'create';
		push @o, 'result: ' . ($ds ? dmsetup('create', $MAP, table_file($x)) : dm_create($x));
	} elsif ($verb eq 'reload' || $verb eq 'reload-raw') {
		$x = with_mode($x, $case->{mode}) if $verb eq 'reload';
		push @o, 'result: ' . ($ds ? dmsetup('reload', $MAP, table_file($x)) : dm_reload($x));
	} elsif ($verb eq 'message') {
		push @o, 'result: ' . ($ds ? dmsetup('message', $MAP, '0', split ' ', $x) : dm_message($x));
	} elsif ($verb eq 'suspend') {
		my $nf = $x eq '--noflush';
		my ($ok, $res) = in_child(sub {
			return dmsetup('suspend', $nf ? ('--noflush') : (), $MAP) if $ds;
			my ($e) = dm_ioctl('suspend', flags => DM_SUSPEND | ($nf ? DM_NOFLUSH : 0));
			return $e ? errname($e) : 'ok';
		});
		push @o, "result: $res";
		$ABORT = "suspend blocked in $case->{name}" unless $ok;
	} elsif ($verb eq 'resume') {
		if ($ds) { push @o, 'result: ' . dmsetup('resume', $MAP) }
		else { my ($e) = dm_ioctl('suspend'); push @o, 'result: ' . ($e ? errname($e) : 'ok') }
	} elsif ($verb eq 'remove-if-created') {	# table cases: nothing to do after a refused create
		return () unless defined $DEVMINOR;
		if ($ds) { push @o, 'result: ' . dmsetup('remove', $MAP) }
		else { my ($e) = dm_ioctl('remove'); push @o, 'result: ' . ($e ? errname($e) : 'ok') }
	} elsif ($verb eq 'remove') {
		if ($ds) { push @o, 'result: ' . dmsetup('remove', $MAP) }
		else { my ($e) = dm_ioctl('remove'); push @o, 'result: ' . ($e ? errname($e) : 'ok') }
	} elsif ($verb eq 'offline' || $verb eq 'online') {
		path_state($x, $verb eq 'offline' ? 'offline' : 'running');
		$case->{offline}{$x} = $verb eq 'offline';
	} elsif ($verb eq 'io') {
		my $id = io_start($x, "s$case->{step}");
		my @r = io_wait(20, $id);
		push @o, map { s/^io#\d+ /io /r } @r;
		$settle = 0.05;
	} elsif ($verb eq 'io-start') {
		my $id = io_start($x, "s$case->{step}");
		push @o, "io#$id started: $x";
		wait_blocked($BG{$id}{pid});
	} elsif ($verb eq 'io-wait') {
		push @o, io_wait($x eq '' ? 10 : $x);
		$settle = 0.05;
	} elsif ($verb eq 'sleep') {
		select(undef, undef, undef, $x);
	}
	quiesce() if %BG && !$ds;	# background I/O may still be moving
	my ($k, $u) = collect($settle);
	push @o, log_lines($k, $u);
	push @o, $ds ? observe_dmsetup() : observe_ioctl();
	return @o;
}

sub cleanup_case {
	my ($case) = @_;
	my @o;
	path_state($_, 'running') for grep { $case->{offline}{$_} } keys %{$case->{offline} // {}};
	my $ds = $opt{dmsetup};
	if (%BG) {
		# let waiting I/O end: resume, no queueing, every path back
		if ($ds) { run_cmd('dmsetup', 'resume', $MAP); run_cmd('dmsetup', 'message', $MAP, '0', 'fail_if_no_path') }
		else { dm_ioctl('suspend'); dm_message('fail_if_no_path') }
		for my $p (@P) { $ds ? run_cmd('dmsetup', 'message', $MAP, '0', 'reinstate_path', $p) : dm_message("reinstate_path $p") }
		my @r = io_wait(20);
		push @o, map { "cleanup: $_" } grep { /still running/ } @r;
		for my $id (keys %BG) { kill 'KILL', $BG{$id}{pid}; waitpid($BG{$id}{pid}, 0); delete $BG{$id} }
	}
	for my $try (1 .. 5) {
		my $e;
		if ($ds) {
			($e) = run_cmd('dmsetup', 'remove', $MAP);
			if ($e) { my ($irc) = run_cmd('dmsetup', 'info', $MAP); $e = 0 if $irc }	# gone
		}
		else {
			dm_ioctl('suspend') if $try > 1;
			($e) = dm_ioctl('remove');
			$e = 0 if $e == Errno::ENXIO();
		}
		last unless $e;
		if ($try == 5) { push @o, "cleanup: cannot remove the map"; $ABORT = "map left over by $case->{name}" }
		select(undef, undef, undef, 0.2);
	}
	collect(0.01);
	return @o;
}

sub run_all {
	open my $out, '>', $opt{out} or die "$opt{out}: $!\n";
	mkdir $TMP;
	if (!$opt{dmsetup}) { sysopen($CTL, '/dev/mapper/control', 2) or die "/dev/mapper/control: $!\n" }
	@D = @{$opt{paths}};
	for my $d (@D) {
		my $rdev = (stat $d)[6] // die "$d: $!\n";
		push @P, sprintf('%d:%d', ($rdev >> 8) & 0xfff, ($rdev & 0xff) | (($rdev >> 12) & 0xfff00));
	}
	(my $b = $D[0]) =~ s{^/dev/}{};
	$SZ = slurp("/sys/block/$b/size") + 0;
	($DMMAJOR) = slurp('/proc/devices') =~ /^\s*(\d+) device-mapper$/m or die "no device-mapper major\n";
	open_logs();
	# Leftovers of an earlier run in this boot would change what follows.
	for (@D) { my $n = s{^/dev/}{}r; spew("/sys/block/$n/device/state", "running\n") }
	my $t0 = time;
	my $n = 0;
	for my $case (@cases) {
		next if $opt{only} ne '' && $case->{name} !~ /$opt{only}/;
		last if $ABORT;
		$n++;
		my @o = ("=== $case->{name}");
		# Each scenario with I/O starts from the same disk contents.
		if (grep { $_->[0] =~ /^io/ } @{$case->{steps}}) {
			my ($rc, $msg) = run_cmd('dd', 'if=/dev/zero', "of=$D[0]", "bs=$BLK", 'count=64', 'oflag=direct', 'status=none');
			die "cannot clear the disk: $msg\n" if $rc;
		}
		my $i = 0;
		$BGN = 0;
		for my $s (@{$case->{steps}}) {
			$case->{step} = ++$i;
			my @r = step($case, $s->[0], $s->[1]);
			push @o, "-- $s->[2]", @r if @r;
			last if $ABORT;
		}
		push @o, cleanup_case($case);
		print $out map { "$_\n" } @o;
	}
	print $out "=== ABORTED: $ABORT\n" if $ABORT;
	close $out;
	printf STDERR "mpdiff: %d cases in %d s%s\n", $n, time - $t0, $ABORT ? " (aborted: $ABORT)" : '';
}

# ---------------------------------------------------------------- compare

sub read_cases {
	my ($f) = @_;
	my (@order, %c, $cur);
	open my $h, '<', $f or die "$f: $!\n";
	while (<$h>) {
		if (/^=== (.*)$/) { $cur = $1; push @order, $cur unless exists $c{$cur}; $c{$cur} = ''; next }
		$c{$cur} .= $_ if defined $cur;
	}
	return (\@order, \%c);
}

# Line diff of two arrays (LCS; transcripts of a step are short): returns
# lines prefixed " ", "-", "+".
sub line_diff {
	my ($x, $y) = @_;
	my ($n, $m) = (scalar @$x, scalar @$y);
	my @l;
	for (my $i = $n - 1; $i >= 0; $i--) {
		for (my $j = $m - 1; $j >= 0; $j--) {
			$l[$i][$j] = $x->[$i] eq $y->[$j] ? ($l[$i + 1][$j + 1] // 0) + 1
				: max2($l[$i + 1][$j] // 0, $l[$i][$j + 1] // 0);
		}
	}
	my ($i, $j, @o) = (0, 0);
	while ($i < $n || $j < $m) {
		if ($i < $n && $j < $m && $x->[$i] eq $y->[$j]) { push @o, " $x->[$i]"; $i++; $j++ }
		elsif ($i < $n && ($j >= $m || ($l[$i + 1][$j] // 0) >= ($l[$i][$j + 1] // 0))) { push @o, "-$x->[$i]"; $i++ }
		else { push @o, "+$y->[$j]"; $j++ }
	}
	return @o;
}
sub max2 { $_[0] > $_[1] ? $_[0] : $_[1] }

sub steps_of {		# case text -> list of [header, lines...]
	my @st;
	for (split /\n/, $_[0]) {
		push @st, [$_] if /^-- / || !@st;
		push @{$st[-1]}, $_ unless /^-- /;
	}
	return @st;
}

# A unified diff with the step as hunk header and no other context: for each
# step whose record differs, "@@ step N: COMMAND @@" and its lines with
# " " (same), "-" (first) and "+" (second).
sub case_diff {
	my ($ta, $tb, $la, $lb) = @_;
	my @sa = steps_of($ta);
	my @sb = steps_of($tb);
	my @o = ("--- $la", "+++ $lb");
	my $n = @sa > @sb ? @sa : @sb;
	for my $k (0 .. $n - 1) {
		my $a1 = $sa[$k] // ['(no step)'];
		my $b1 = $sb[$k] // ['(no step)'];
		next if join("\n", @$a1) eq join("\n", @$b1);
		my ($ha, @ra) = @$a1;
		my ($hb, @rb) = @$b1;
		push @o, $ha eq $hb ? sprintf('@@ step %d: %s @@', $k + 1, $ha =~ s/^-- //r)
				    : sprintf('@@ step %d: -%s +%s @@', $k + 1, $ha =~ s/^-- //r, $hb =~ s/^-- //r);
		my @d = line_diff(\@ra, \@rb);
		# keep unchanged lines only next to a change (one line of context)
		for my $i (0 .. $#d) {
			next if $d[$i] =~ /^ / && !grep { $_ >= 0 && $_ <= $#d && $d[$_] !~ /^ / } $i - 1, $i + 1;
			push @o, $d[$i];
		}
	}
	return join("\n", @o) . "\n";
}

sub compare {
	my ($fa, $fb, $dir, $la, $lb) = @_;
	$la //= 'first';
	$lb //= 'second';
	($fa && $fb && $dir) or usage();
	my ($oa, $ca) = read_cases($fa);
	my ($ob, $cb) = read_cases($fb);
	my %seen;
	my @all = grep { !$seen{$_}++ } @$oa, @$ob;
	open my $res, '>', "$dir/result" or die "$dir/result: $!\n";
	my $n = 0;
	for my $name (@all) {
		$n++;
		my $ta = $ca->{$name} // "(case not run)\n";
		my $tb = $cb->{$name} // "(case not run)\n";
		if ($ta eq $tb) { print $res "same $name\n"; next }
		my $d = sprintf('%s/%03d.diff', $dir, $n);
		spew($d, case_diff($ta, $tb, $la, $lb));
		print $res "diff $name $d\n";
	}
	close $res;
}

# ---------------------------------------------------------------- faults

# Loads TABLE (whole "@TABLE ..." text or multipath arguments on SIZE
# sectors) into a new map once per fault-injection point it passes: the
# N-th point of this thread fails (/proc/thread-self/fail-nth), N = 1, 2,
# ... until a load passes them all.  One line per load: "N errno" or
# "N ok" (a failure with a fallback, or none injected), each followed by
# the kernel's "device-mapper: table: ..." lines for it as "log: TEXT"
# (read as they come: a full run outgrows the log buffer); then "points N".
sub fault_loads {
	my ($size, $table) = @_;
	local $main::SZ = $size;
	my ($n, $data) = target_specs($table);
	sysopen(my $kmsg, '/dev/kmsg', O_RDONLY | O_NONBLOCK) or die "/dev/kmsg: $!\n";
	sysseek($kmsg, 0, SEEK_END);
	my ($e) = dm_ioctl('create');
	die 'create: ' . errname($e) . "\n" if $e;
	for (my $nth = 1; ; $nth++) {
		sysopen(my $f, '/proc/thread-self/fail-nth', 2) or die "fail-nth: $!\n";
		syswrite($f, "$nth") or die "fail-nth: $!\n";
		($e) = dm_ioctl('load', targets => $n, data => $data);
		sysseek($f, 0, 0);
		defined sysread($f, my $left, 32) or die "fail-nth: $!\n";
		$left += 0;
		syswrite($f, '0');
		close $f;
		print "$nth ", ($e ? errname($e) : 'ok'), "\n";
		while (1) {
			my $r = sysread($kmsg, my $rec, 16384);
			next if !defined $r && $!{EPIPE};	# overwritten records
			last unless $r;
			print "log: $1\n" if $rec =~ /^[^;]*;(device-mapper: table: [^\n]*)/;
		}
		dm_ioctl('clear') unless $e;
		if ($left) {		# not reached: every point passed
			print 'points ', $nth - 1, "\n";
			last;
		}
		die "no end after $nth points\n" if $nth >= 5000;
	}
	($e) = dm_ioctl('remove');
	die 'remove: ' . errname($e) . "\n" if $e;
}

# ---------------------------------------------------------------- main

my $mode = shift // usage();
if ($mode eq 'compare') { compare(@ARGV); exit 0 }
if ($mode eq 'faults') {
	my $size = shift // usage();
	my $table = shift // usage();
	sysopen($CTL, '/dev/mapper/control', 2) or die "/dev/mapper/control: $!\n";
	$| = 1;
	fault_loads($size, $table);
	exit 0;
}
if ($mode eq 'observe') {
	$MAP = shift // usage();
	sysopen($CTL, '/dev/mapper/control', 2) or die "/dev/mapper/control: $!\n";
	print map { "$_\n" } observe_ioctl();
	exit 0;
}
%opt = (dmsetup => 0, only => '');
while (@ARGV) {
	my $arg = shift;
	if ($arg eq '--out') { $opt{out} = shift }
	elsif ($arg eq '--diffdir') { $opt{diffdir} = shift }
	elsif ($arg eq '--paths') { $opt{paths} = [split ' ', shift] }
	elsif ($arg eq '--dmsetup') { $opt{dmsetup} = 1 }
	elsif ($arg eq '--only') { $opt{only} = shift }
	else { usage() }
}
$opt{diffdir} or usage();
@cases = load_corpus($opt{diffdir});
if ($mode eq 'check') {
	my %n;
	$n{$_->{kind}}++ for @cases;
	my @scn = grep { $_->{kind} eq 'scenario' } @cases;
	my %files = map { $_->{file} => 1 } @scn;
	printf "%d cases: %d tables, %d scenario runs of %d scenarios\n",
		scalar @cases, $n{table} // 0, $n{scenario} // 0, scalar keys %files;
	exit 0;
}
$mode eq 'run' or usage();
($opt{out} && $opt{paths} && @{$opt{paths}} == 4) or usage();
run_all();
exit 0;

