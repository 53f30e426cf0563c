/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared declarations of the rundown KUnit suites: the suites, the misuse
 * report counter every test registers, the "flavours" that let one test
 * body run on plain and cache-aware refs, and helper threads that the test
 * reaps even when it fails.
 *
 * Rules every test follows:
 *  - helper threads never assert; they record what they saw and the test
 *    thread checks it after stopping them;
 *  - every thread, timer and object a helper can touch is released by a
 *    KUnit action, so nothing outlives its test;
 *  - misuse is provoked only on the test thread, where rundown/debug.c
 *    counts it instead of warning (see rd_test_init()).
 */
#ifndef _RUNDOWN_KUNIT_TESTS_H
#define _RUNDOWN_KUNIT_TESTS_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/types.h>

#include <rundown/rundown.h>
#include "compat.h"
#include "internal.h"

extern struct kunit_suite rundown_plain_suite;
extern struct kunit_suite rundown_pcpu_suite;
extern struct kunit_suite rundown_concurrency_suite;
extern struct kunit_suite rundown_misuse_suite;
extern struct kunit_suite rundown_diag_suite;
extern struct kunit_suite rundown_counts_suite;
extern struct kunit_suite rundown_race_suite;

/* Upper bound for anything a correct implementation does "at once". */
#define RD_TIMEOUT_MS		5000
/* How long a blocked waiter is watched to check that it stays blocked. */
#define RD_STAY_BLOCKED_MS	60

/* Pool tag of the objects ExAllocateCacheAwareRundownProtection() makes. */
#define RD_POOL_TAG		0x6b755264	/* "dRuk" */

/* Holder part of a plain ref at its largest (rundown/ref.c). */
#define RD_PLAIN_COUNT_MAX	((unsigned long)LONG_MAX & ~RUNDOWN_ACTIVE)

int rd_test_init(struct kunit *test);
void rd_test_exit(struct kunit *test);
int rd_misuse(struct kunit *test);
void rd_misuse_expected(struct kunit *test, int n);

/*
 * RD_EXPECT_MISUSE() - check the number of misuse reports of this test
 *
 * Also tells rd_test_exit() how many to expect at the end of the test, so
 * that any later unexpected report fails the test.
 */
#define RD_EXPECT_MISUSE(test, n)					\
	do {								\
		struct kunit *__rd_test = (test);			\
		int __rd_n = (n);					\
									\
		rd_misuse_expected(__rd_test, __rd_n);			\
		KUNIT_EXPECT_EQ_MSG(__rd_test, rd_misuse(__rd_test), __rd_n, \
				    "misuse reports");			\
	} while (0)

/*
 * rd_poll() - sleep until @cond holds, at most @ms milliseconds
 *
 * Evaluates to the final value of @cond.
 */
#define rd_poll(cond, ms)						\
	({								\
		unsigned long __end = jiffies + msecs_to_jiffies(ms);	\
		bool __ok;						\
									\
		while (!(__ok = (cond)) && time_before(jiffies, __end))	\
			usleep_range(500, 1000);			\
		__ok;							\
	})

/* What a flavour's white-box probe says about a ref. */
enum rd_phase {
	RD_LIVE,
	RD_WAITING,
	RD_DEAD,
	RD_BROKEN,
};

/**
 * struct rd_flavour - one kind of ref, so one test body can run on all
 * @name: parameter description
 * @create: allocate and initialise a ref whose memory lives until the end
 *	of the test (released by KUnit actions); flags RD_OWNER or
 *	RUNDOWN_NON_OWNER
 * @phase: white-box: live, being waited for, run down
 * @holders: white-box: current holders; only meaningful while live or
 *	run down
 * @acquire: acquire once
 * @acquire_many: acquire n times
 * @release: release once
 * @release_many: release n times
 * @wait: wait for run-down
 * @reinit: make a run-down ref usable again
 * @completed: mark run-down completed
 */
struct rd_flavour {
	const char *name;
	void *(*create)(struct kunit *test, unsigned int flags);
	enum rd_phase (*phase)(void *ref);
	long (*holders)(void *ref);
	bool (*acquire)(void *ref);
	bool (*acquire_many)(void *ref, unsigned int n);
	void (*release)(void *ref);
	void (*release_many)(void *ref, unsigned int n);
	void (*wait)(void *ref);
	void (*reinit)(void *ref);
	void (*completed)(void *ref);
};

/*
 * Lockdep flavour of a ref (include/rundown/rundown.h): an "owner" ref has
 * each acquire in task context tracked until the same task releases it; a
 * test whose protection is released by another task, a kworker or an
 * interrupt handler (IPI functions included: they may run in task context)
 * creates RUNDOWN_NON_OWNER refs.
 */
#define RD_OWNER	0U

/* Plain, cache-aware from rundown_pcpu_alloc(), cache-aware on one counter. */
#define RD_NR_FLAVOURS	3
extern const struct rd_flavour rd_flavours[RD_NR_FLAVOURS];
#define rd_plain	(&rd_flavours[0])
#define rd_pcpu		(&rd_flavours[1])
#define rd_pcpu_shared	(&rd_flavours[2])
/* Plain and cache-aware through the Windows names: always non-owner. */
extern const struct rd_flavour rd_plain_wdm, rd_pcpu_wdm;

void rd_flavour_desc(const struct rd_flavour *fl, char *desc);

/* Every flavour under both names, for KUNIT_ARRAY_PARAM() over pointers. */
#define RD_NR_EVERY_FLAVOUR	5
extern const struct rd_flavour *const rd_every_flavour[RD_NR_EVERY_FLAVOUR];
void rd_flavour_ptr_desc(const struct rd_flavour *const *fl, char *desc);

/* The flavour of a test parameterised over an array of flavour pointers. */
static inline const struct rd_flavour *rd_param_flavour(struct kunit *test)
{
	return *(const struct rd_flavour *const *)test->param_value;
}

void rd_two_cpus(struct kunit *test, int *a, int *b);

void rd_pcpu_free_at_exit(struct kunit *test, struct rundown_pcpu_ref *ref);
void rd_pcpu_forget(struct kunit *test, struct rundown_pcpu_ref *ref);

/* Fill pattern of buffers whose untouched bytes a test checks. */
#define RD_CANARY	0x5a
bool rd_canary_intact(const void *buf, size_t from, size_t to);

/**
 * struct rd_waiter - a kthread that calls the flavour's wait once
 * @fl: flavour
 * @ref: ref to wait for
 * @held: holders the test still has to release for the wait to end; the
 *	reaper releases them if the test stops early
 * @started: completed right before the wait is called
 * @done: completed right after the wait returned
 * @task: the thread (a reference is held until it is reaped)
 */
struct rd_waiter {
	const struct rd_flavour *fl;
	void *ref;
	atomic_t held;
	struct completion started;
	struct completion done;
	struct task_struct *task;
};

struct rd_waiter *rd_waiter_start(struct kunit *test,
				  const struct rd_flavour *fl, void *ref,
				  unsigned int held);
bool rd_waiter_blocked(struct rd_waiter *w);
bool rd_waiter_finish(struct rd_waiter *w);
bool rd_waiter_done(struct rd_waiter *w);
void rd_waiter_released(struct rd_waiter *w, unsigned int n);
void rd_waiter_reap(struct kunit *test, struct rd_waiter *w);

struct task_struct *rd_kthread_start(struct kunit *test, int (*fn)(void *),
				     void *arg, int cpu);
void rd_kthread_stop(struct kunit *test, struct task_struct *task);

void rd_blocking_wait(struct kunit *test, const struct rd_flavour *fl,
		      void *ref);
void rd_check_blocking_wait(struct kunit *test, const struct rd_flavour *fl,
			    void *ref);
void rd_expect_slots(struct kunit *test, const struct rundown_pcpu_ref *ref,
		     int a, unsigned long va, int b, unsigned long vb);

#ifdef CONFIG_DEBUG_LOCK_ALLOC
void rd_check_owner_lockdep(struct kunit *test, const struct rd_flavour *fl,
			    void *ref, struct lockdep_map *map);
void rd_check_owner_lockdep_atomic_release(struct kunit *test,
					   const struct rd_flavour *fl,
					   void *ref, struct lockdep_map *map);
#endif

bool rd_acquire_on(struct kunit *test, int cpu, const struct rd_flavour *fl,
		   void *ref, unsigned int n);
void rd_release_on(struct kunit *test, int cpu, const struct rd_flavour *fl,
		   void *ref, unsigned int n);

/*
 * RD_EXPECT_REFUSED() - expect an acquire of @n (>= 1) to fail
 *
 * An acquire that wrongly succeeds is released again at once, so that a
 * wait in progress can still end and the test does not hang.
 */
#define RD_EXPECT_REFUSED(test, fl, ref, n)				\
	do {								\
		const struct rd_flavour *__rd_fl = (fl);		\
		void *__rd_ref = (ref);					\
		unsigned int __rd_n = (n);				\
									\
		if (__rd_n == 1 ? __rd_fl->acquire(__rd_ref) :		\
			       __rd_fl->acquire_many(__rd_ref, __rd_n)) { \
			KUNIT_FAIL(test, "acquire of %u succeeded while run down", \
				   __rd_n);				\
			__rd_fl->release_many(__rd_ref, __rd_n);	\
		}							\
	} while (0)

/* White-box: the word of a plain ref. */
static inline unsigned long rd_word(const struct rundown_ref *ref)
{
	return atomic_long_read(&ref->count);
}

/* Voluntary context switches of the test thread: a sleep adds one. */
static inline unsigned long rd_nvcsw(void)
{
	return READ_ONCE(current->nvcsw);
}

#endif /* _RUNDOWN_KUNIT_TESTS_H */
