/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where the test modules (kunit/, torture/) deal with
 * differences between kernel versions; rundown/compat.h is rundown.ko's.
 * The tests are written against the newest API: for older kernels this
 * header provides what they lack, under the same names.
 *
 * The KUnit module needs the KUnit of 6.1 or later (the top Kbuild does
 * not build it before); the torture module builds from 5.10 on.
 */
#ifndef _RUNDOWN_KUNIT_COMPAT_H
#define _RUNDOWN_KUNIT_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sched/task.h>
#include <linux/version.h>

#include "../rundown/compat.h"

/* hrtimer_setup() since 6.13; hrtimer_init() is gone in 7.2. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}

static inline void hrtimer_setup_on_stack(struct hrtimer *timer,
					  enum hrtimer_restart (*function)(struct hrtimer *),
					  clockid_t clock_id,
					  enum hrtimer_mode mode)
{
	hrtimer_init_on_stack(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * get_random_u32_below() since 6.2, and in 6.1 through its stable updates;
 * 5.10 has reciprocal_scale(), which maps a random u32 to the same range.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
static inline u32 get_random_u32_below(u32 ceil)
{
	return reciprocal_scale(get_random_u32(), ceil);
}
#endif

/* kthread_stop_put() since 6.6. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
static inline int kthread_stop_put(struct task_struct *k)
{
	int ret = kthread_stop(k);

	put_task_struct(k);
	return ret;
}
#endif

#if IS_ENABLED(CONFIG_KUNIT) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#include <kunit/resource.h>
#include <kunit/test.h>

/*
 * Deferred actions (kunit_add_action() and friends) since 6.4; before,
 * kunit/compat.c provides them.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
typedef void (kunit_action_t)(void *);

int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx);
int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action,
			      void *ctx);
void kunit_remove_action(struct kunit *test, kunit_action_t *action,
			 void *ctx);
void kunit_release_action(struct kunit *test, kunit_action_t *action,
			  void *ctx);
#endif

/* KUNIT_DEFINE_ACTION_WRAPPER() since 6.8. */
#ifndef KUNIT_DEFINE_ACTION_WRAPPER
#define KUNIT_DEFINE_ACTION_WRAPPER(wrapper, orig, arg_type)	\
	static void wrapper(void *in)				\
	{							\
		orig((arg_type)in);				\
	}
#endif
#endif /* CONFIG_KUNIT && >= 6.1 */

#endif /* _RUNDOWN_KUNIT_COMPAT_H */
