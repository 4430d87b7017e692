/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Kexec HandOver (KHO): preserve memfds across a kexec through /dev/kho.
 *
 * A process preserves a memfd under a token of its choosing; when KHO is
 * activated, the memfd's pages are pinned and handed to the next kernel,
 * where a process retrieves a memfd built on those same pages by token.
 *
 * Every ioctl takes a struct whose first field is its size, as the caller
 * compiled it: a size this kernel does not know, or a nonzero reserved
 * field, gets EINVAL. The command numbers do not encode the size, so that a
 * struct of another version reaches the ioctl and gets EINVAL rather than
 * ENOTTY.
 */
#ifndef _UAPI_LINUX_KHO_H
#define _UAPI_LINUX_KHO_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KHO_IOC_MAGIC	0xB9

/**
 * struct kho_preserve_fd - argument of KHO_IOC_PRESERVE_FD
 * @size: sizeof(struct kho_preserve_fd)
 * @fd: a memfd (shmem or MFD_HUGETLB) of the caller
 * @token: the name the next kernel retrieves it by, unique in this kernel
 */
struct kho_preserve_fd {
	__u32 size;
	__s32 fd;
	__u64 token;
};

/**
 * struct kho_unpreserve_fd - argument of KHO_IOC_UNPRESERVE_FD
 * @size: sizeof(struct kho_unpreserve_fd)
 * @reserved: must be 0
 * @token: the token the memfd was preserved under
 */
struct kho_unpreserve_fd {
	__u32 size;
	__u32 reserved;
	__u64 token;
};

/**
 * struct kho_retrieve_fd - argument of KHO_IOC_RETRIEVE_FD
 * @size: sizeof(struct kho_retrieve_fd)
 * @fd: out: a new read-write memfd, close-on-exec
 * @token: the token the previous kernel's memfd was preserved under
 */
struct kho_retrieve_fd {
	__u32 size;
	__s32 fd;
	__u64 token;
};

/**
 * struct kho_finish - argument of KHO_IOC_FINISH
 * @size: sizeof(struct kho_finish)
 */
struct kho_finish {
	__u32 size;
};

#define KHO_IOC_PRESERVE_FD	_IO(KHO_IOC_MAGIC, 0x00)
#define KHO_IOC_UNPRESERVE_FD	_IO(KHO_IOC_MAGIC, 0x01)
#define KHO_IOC_RETRIEVE_FD	_IO(KHO_IOC_MAGIC, 0x02)
#define KHO_IOC_FINISH		_IO(KHO_IOC_MAGIC, 0x03)

#endif /* _UAPI_LINUX_KHO_H */
