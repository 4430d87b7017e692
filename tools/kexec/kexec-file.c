// SPDX-License-Identifier: GPL-2.0
/*
 * kexec-file: load a kernel with kexec_file_load(2) and the flags asked for,
 * unload one, or reboot into the loaded one. Unlike kexec-tools, it can pass
 * any flag, KEXEC_FILE_NO_CMA included.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Flags newer than the uapi headers this may be built against. */
#ifndef KEXEC_FILE_DEBUG
#define KEXEC_FILE_DEBUG	0x00000008
#endif
#ifndef KEXEC_FILE_NO_CMA
#define KEXEC_FILE_NO_CMA	0x00000010
#endif

static const char usage[] =
"usage: kexec-file [-p] [-n] [-d] [-f FLAGS] [-i INITRD] [-c CMDLINE] [-e] KERNEL\n"
"       kexec-file -u [-p]\n"
"       kexec-file -e\n"
"\n"
"  -i, --initrd FILE     load FILE as the initrd\n"
"  -c, --cmdline TEXT    the next kernel's command line\n"
"  -p, --crash           a crash image (KEXEC_FILE_ON_CRASH)\n"
"  -n, --no-cma          keep the segments out of CMA (KEXEC_FILE_NO_CMA)\n"
"  -d, --debug           log the placement (KEXEC_FILE_DEBUG)\n"
"  -f, --flags FLAGS     add raw FLAGS to those above\n"
"  -u, --unload          unload the image instead of loading one\n"
"  -e, --exec            reboot into the loaded image (after loading KERNEL)\n";

static int open_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "kexec-file: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

/* Mark the moment of the reboot in the kernel log, for timing. */
static void log_reboot(void)
{
	static const char line[] = "<6>kexec-file: reboot(LINUX_REBOOT_CMD_KEXEC)\n";
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, line, sizeof(line) - 1) < 0)
		perror("kexec-file: /dev/kmsg");
	close(fd);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "crash", no_argument, NULL, 'p' },
		{ "no-cma", no_argument, NULL, 'n' },
		{ "debug", no_argument, NULL, 'd' },
		{ "flags", required_argument, NULL, 'f' },
		{ "unload", no_argument, NULL, 'u' },
		{ "exec", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *initrd = NULL, *cmdline = "";
	unsigned long flags = 0;
	int kernel_fd = -1, initrd_fd = -1;
	int unload = 0, exec = 0, opt;
	char *end;

	while ((opt = getopt_long(argc, argv, "i:c:pndf:ueh", options, NULL)) != -1) {
		switch (opt) {
		case 'i':
			initrd = optarg;
			break;
		case 'c':
			cmdline = optarg;
			break;
		case 'p':
			flags |= KEXEC_FILE_ON_CRASH;
			break;
		case 'n':
			flags |= KEXEC_FILE_NO_CMA;
			break;
		case 'd':
			flags |= KEXEC_FILE_DEBUG;
			break;
		case 'f':
			errno = 0;
			flags |= strtoul(optarg, &end, 0);
			if (errno || *end || end == optarg) {
				fprintf(stderr, "kexec-file: bad flags '%s'\n", optarg);
				return 2;
			}
			break;
		case 'u':
			unload = 1;
			break;
		case 'e':
			exec = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}

	if (unload) {
		if (optind != argc || exec) {
			fputs(usage, stderr);
			return 2;
		}
		flags |= KEXEC_FILE_UNLOAD;
	} else if (optind == argc - 1) {
		kernel_fd = open_file(argv[optind]);
		if (initrd)
			initrd_fd = open_file(initrd);
		else
			flags |= KEXEC_FILE_NO_INITRAMFS;
	} else if (optind != argc || !exec) {
		fputs(usage, stderr);
		return 2;
	}

	if (unload || kernel_fd >= 0) {
		/* The length counts the terminating NUL. */
		if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd,
			    strlen(cmdline) + 1, cmdline, flags)) {
			fprintf(stderr, "kexec-file: kexec_file_load(flags 0x%lx): %s\n",
				flags, strerror(errno));
			return 1;
		}
	}

	if (exec) {
		log_reboot();
		syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			LINUX_REBOOT_CMD_KEXEC, NULL);
		fprintf(stderr, "kexec-file: reboot(LINUX_REBOOT_CMD_KEXEC): %s\n",
			strerror(errno));
		return 1;
	}
	return 0;
}
