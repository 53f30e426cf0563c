/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where rundown deals with differences between kernel
 * versions.  Everything else is written against the 6.12 API.
 */
#ifndef _RUNDOWN_COMPAT_H
#define _RUNDOWN_COMPAT_H

#include <linux/lockdep.h>
#include <linux/version.h>

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
