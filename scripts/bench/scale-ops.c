// SPDX-License-Identifier: GPL-2.0
/*
 * One control operation on many device-mapper maps from one process, so
 * that scripts/bench.sh scale times the kernel's work rather than a
 * dmsetup start-up per map.
 *
 *   scale-ops PREFIX COUNT message TEXT   message TEXT to PREFIX0..COUNT-1
 *   scale-ops PREFIX COUNT reload TABLE   noflush suspend, load TABLE
 *                                         ("START LEN TARGET PARAMS"), resume
 *
 * Exits 1 with a message at the first failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BUF_SIZE 16384

static int ctl;
static char buf[BUF_SIZE] __attribute__((aligned(8)));

static struct dm_ioctl *header(const char *name, unsigned int flags)
{
	struct dm_ioctl *io = (struct dm_ioctl *)buf;

	memset(buf, 0, sizeof(buf));
	io->version[0] = DM_VERSION_MAJOR;
	io->version[1] = 0;
	io->version[2] = 0;
	io->data_size = sizeof(buf);
	io->data_start = sizeof(*io);
	io->flags = flags;
	snprintf(io->name, sizeof(io->name), "%s", name);
	return io;
}

static int do_ioctl(unsigned long cmd, const char *what, const char *name)
{
	if (ioctl(ctl, cmd, buf) == 0)
		return 0;
	fprintf(stderr, "scale-ops: %s %s: %s\n", what, name, strerror(errno));
	return -1;
}

static int message(const char *name, const char *text)
{
	struct dm_ioctl *io = header(name, 0);
	struct dm_target_msg *msg = (struct dm_target_msg *)(buf + io->data_start);

	if (io->data_start + sizeof(*msg) + strlen(text) + 1 > sizeof(buf))
		return -1;
	msg->sector = 0;
	strcpy(msg->message, text);
	return do_ioctl(DM_TARGET_MSG, "message", name);
}

static int load(const char *name, const char *table)
{
	struct dm_ioctl *io = header(name, 0);
	struct dm_target_spec *spec = (struct dm_target_spec *)(buf + io->data_start);
	unsigned long long start, len;
	char target[DM_MAX_TYPE_NAME];
	int used = 0;
	size_t plen;

	if (sscanf(table, "%llu %llu %15s %n", &start, &len, target, &used) < 3 || !used) {
		fprintf(stderr, "scale-ops: bad table \"%s\"\n", table);
		return -1;
	}
	plen = strlen(table + used) + 1;
	if (io->data_start + sizeof(*spec) + plen + 8 > sizeof(buf))
		return -1;
	spec->sector_start = start;
	spec->length = len;
	snprintf(spec->target_type, sizeof(spec->target_type), "%s", target);
	memcpy(spec + 1, table + used, plen);
	spec->next = (sizeof(*spec) + plen + 7) & ~7u;
	io->target_count = 1;
	return do_ioctl(DM_TABLE_LOAD, "load", name);
}

static int reload(const char *name, const char *table)
{
	header(name, DM_SUSPEND_FLAG | DM_NOFLUSH_FLAG);
	if (do_ioctl(DM_DEV_SUSPEND, "suspend", name))
		return -1;
	if (load(name, table))
		return -1;
	header(name, 0);
	return do_ioctl(DM_DEV_SUSPEND, "resume", name);
}

int main(int argc, char **argv)
{
	char name[DM_NAME_LEN];
	long count, i;
	int rc;

	if (argc != 5 || (count = strtol(argv[2], NULL, 10)) < 0 ||
	    (strcmp(argv[3], "message") && strcmp(argv[3], "reload"))) {
		fprintf(stderr, "usage: %s PREFIX COUNT message TEXT | reload TABLE\n", argv[0]);
		return 2;
	}
	ctl = open("/dev/mapper/control", O_RDWR);
	if (ctl < 0) {
		perror("scale-ops: /dev/mapper/control");
		return 1;
	}
	for (i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "%s%ld", argv[1], i);
		rc = argv[3][0] == 'm' ? message(name, argv[4]) : reload(name, argv[4]);
		if (rc)
			return 1;
	}
	return 0;
}
