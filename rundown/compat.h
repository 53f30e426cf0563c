/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where rundown deals with differences between kernel
 * versions.  Everything else is written against the 6.12 API.
 */
#ifndef _RUNDOWN_COMPAT_H
#define _RUNDOWN_COMPAT_H

#include <linux/version.h>

/* kunit_get_current_test() and named resources in modules: 6.3 and later. */
#if IS_ENABLED(CONFIG_KUNIT) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define RUNDOWN_HAVE_KUNIT_HOOKS 1
#else
#define RUNDOWN_HAVE_KUNIT_HOOKS 0
#endif

/* lock_sync(), an empty write section for lockdep: 6.4 and later. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define rundown_lock_sync(map, ip)	lock_sync(map, 0, 0, 1, NULL, ip)
#else
#define rundown_lock_sync(map, ip)					\
	do {								\
		lock_acquire_exclusive(map, 0, 0, NULL, ip);		\
		lock_release(map, ip);					\
	} while (0)
#endif

#endif /* _RUNDOWN_COMPAT_H */
