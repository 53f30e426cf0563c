/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where rundown.ko deals with differences between kernel
 * versions (kunit/compat.h is the one for the test modules).  Everything
 * else is written against the 6.12 API.  Supported: 5.10 to the newest
 * mainline (README.md, "Supported kernels").
 */
#ifndef _RUNDOWN_COMPAT_H
#define _RUNDOWN_COMPAT_H

#include <linux/lockdep.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "rundown needs Linux 5.10 or later"
#endif

/* ALIGN() and friends: <linux/align.h> since 5.11, <linux/kernel.h> before. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
#include <linux/align.h>
#else
#include <linux/kernel.h>
#endif

/* kunit_get_current_test() and named resources in modules: 6.3 and later. */
#if IS_ENABLED(CONFIG_KUNIT) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define RUNDOWN_HAVE_KUNIT_HOOKS 1
#else
#define RUNDOWN_HAVE_KUNIT_HOOKS 0
#endif

#ifdef CONFIG_DEBUG_LOCK_ALLOC
/* An empty write section for lockdep; lock_sync() is 6.4 and later. */
static inline void rundown_lock_sync(struct lockdep_map *map,
				     unsigned long ip)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	lock_sync(map, 0, 0, 1, NULL, ip);
#else
	lock_acquire_exclusive(map, 0, 0, NULL, ip);
	lock_release(map, ip);
#endif
}
#endif

#endif /* _RUNDOWN_COMPAT_H */
