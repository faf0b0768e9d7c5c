#!/usr/bin/perl
# Sends one command to a running UML's management console (CONFIG_MCONSOLE)
# and prints the reply:  uml-mconsole.pl SOCKET COMMAND...
# e.g. "sysrq w" to dump the blocked tasks to the UML console. Used by
# uml-run.sh on a timeout; mconsole commands run from the UML's interrupt
# handler, so they answer even when the guest's processes are stuck.
# (uml_mconsole from uml-utilities does the same; this spares a package.)
use strict;
use warnings;
use Socket;

my ($sock, @words) = @ARGV;
die "usage: $0 SOCKET COMMAND...\n" unless defined $sock && @words;
my $cmd = join(' ', @words);
my $me = "$sock.client.$$";

# struct mconsole_request / mconsole_reply (arch/um/drivers/mconsole.h),
# native byte order: magic 0xcafebabe, version 2, length, data[512].
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!\n";
unlink $me;
bind($s, pack_sockaddr_un($me)) or die "bind $me: $!\n";
my $ok = send($s, pack('LLLa512', 0xcafebabe, 2, length($cmd), $cmd), 0,
	      pack_sockaddr_un($sock));
unless (defined $ok) {
	unlink $me;
	die "send to $sock: $!\n";
}
# The reply may come in parts ("more" set); wait at most 5 s for each.
my $rc = 0;
while (1) {
	my $rin = '';
	vec($rin, fileno($s), 1) = 1;
	unless (select(my $rout = $rin, undef, undef, 5)) {
		print STDERR "no reply from $sock\n";
		$rc = 1;
		last;
	}
	defined recv($s, my $buf, 4096, 0) or do { $rc = 1; last };
	my ($err, $more, $len) = unpack('LLL', $buf);
	print substr($buf, 12, $len), "\n" if $len;
	$rc = 1 if $err;
	last unless $more;
}
unlink $me;
exit $rc;
