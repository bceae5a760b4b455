/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfgate: the one place for differences between the kernels nfgate is built
 * against (Debian 12's 6.1 and bookworm-backports' 6.12). Every other file
 * includes this instead of testing kernel versions or headers itself.
 */
#ifndef _NFGATE_COMPAT_H
#define _NFGATE_COMPAT_H

/*
 * 6.12 moved <asm/unaligned.h> to <linux/unaligned.h> (commit 5f60d5f6bbc1).
 * Tested by presence (Kbuild probes the tree), not by version, so that
 * backports work too; sparse 0.6.4 does not know __has_include.
 */
#ifdef NFGATE_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _NFGATE_COMPAT_H */
