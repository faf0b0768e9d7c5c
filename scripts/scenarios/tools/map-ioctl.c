// SPDX-License-Identifier: GPL-2.0
/*
 * map-ioctl DEVICE REQUEST: issues ioctl(fd, REQUEST, 0) on a block device
 * and prints 0 or the errno's name, for guests without perl (QEMU beds).
 * REQUEST in hex, e.g. 0xfd12 (DM_MPATH_PROBE_PATHS).  Built static.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	switch (e) {
	case ENOTCONN: return "ENOTCONN";
	case ENOTTY: return "ENOTTY";
	case EAGAIN: return "EAGAIN";
	case EIO: return "EIO";
	default: return NULL;
	}
}

int main(int argc, char **argv)
{
	unsigned long request;
	const char *name;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DEVICE REQUEST\n", argv[0]);
		return 2;
	}
	request = strtoul(argv[2], NULL, 16);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (ioctl(fd, request, 0) == 0) {
		puts("0");
	} else {
		name = errno_name(errno);
		if (name)
			puts(name);
		else
			printf("%d\n", errno);
	}
	close(fd);
	return 0;
}
