/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rundown internals shared by the implementation and its white-box tests.
 * Nothing here is API: consumers use include/rundown/rundown.h or wdm.h.
 */
#ifndef _RUNDOWN_INTERNAL_H
#define _RUNDOWN_INTERNAL_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>
#include <rundown/rundown.h>

#include "compat.h"

struct task_struct;

/* Can @count holders be counted at all?  Always true on 64-bit kernels. */
static inline bool rundown_count_fits(unsigned int count)
{
	return BITS_PER_LONG > 32 || count <= RUNDOWN_COUNT_LIMIT;
}

/* States of struct rundown_pcpu_ref::state. */
#define RUNDOWN_PCPU_LIVE	0UL	/* acquires succeed */
#define RUNDOWN_PCPU_WAITING	1UL	/* a wait is draining the holders */
#define RUNDOWN_PCPU_DEAD	2UL	/* run down: acquires fail */
#define RUNDOWN_PCPU_BROKEN	0x0badca11UL /* buffer too small to use */

/*
 * Any other value (a buffer too small to be marked, an object never
 * initialised or overwritten) is treated like BROKEN: no call looks at
 * anything but the state word.
 */
static inline bool rundown_pcpu_usable(unsigned long state)
{
	return state <= RUNDOWN_PCPU_DEAD;
}

/* struct rundown_pcpu_ref::flags: RUNDOWN_NON_OWNER and these. */
#define RUNDOWN_PCPU_ALLOCATED	BIT(8)	/* from rundown_pcpu_alloc() */

/**
 * struct rundown_pcpu_slot - one CPU's holder counter
 * @count: acquires minus releases done on this CPU, modulo 2^BITS_PER_LONG.
 *	Written only by its own CPU with interrupts disabled; read by the
 *	waiter.  May be "negative" when holders release on another CPU.
 */
struct rundown_pcpu_slot {
	unsigned long count;
} ____cacheline_aligned_in_smp;

/**
 * struct rundown_pcpu_ref - cache-aware run-down protection
 * @state: RUNDOWN_PCPU_LIVE, _WAITING, _DEAD or _BROKEN.  Read by every
 *	acquire and release, written only by the owner.
 * @slots: nr_cpu_ids cache-line-aligned counters inside the same buffer,
 *	or NULL when the buffer was too small and @shared is used instead.
 * @shared: the single counter of a degraded (undersized) object.
 * @waiter: the task sleeping in rundown_pcpu_wait(), or NULL.  Written only
 *	by the waiter; read by releases that see WAITING.
 * @late_release: set by a release that sees WAITING, before its update;
 *	cleared by the waiter.
 * @size: size of the buffer the object lives in.
 * @flags: RUNDOWN_NON_OWNER, RUNDOWN_PCPU_ALLOCATED.
 * @name: name given at initialisation, for hung-wait reports.
 * @init_site: where the object was initialised, for hung-wait reports.
 * @dep_map: lockdep map (lock debugging kernels only).
 */
struct rundown_pcpu_ref {
	unsigned long			state;
	struct rundown_pcpu_slot	*slots;
	atomic_long_t			shared;
	struct task_struct		*waiter;
	unsigned int			late_release;
	unsigned int			size;
	unsigned int			flags;
	const char			*name;
	unsigned long			init_site;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map		dep_map;
#endif
};

/* Cache-line stride between the per-CPU counters. */
#define RUNDOWN_PCPU_STRIDE	sizeof(struct rundown_pcpu_slot)

/* Names of the KUnit resources that count reports (rundown/debug.c). */
#define RUNDOWN_MISUSE_RESOURCE	"rundown_misuse"
#define RUNDOWN_HUNG_RESOURCE	"rundown_hung"

extern unsigned int rundown_hung_wait_secs;

bool rundown_kunit_counted(const char *resource);
long rundown_hung_timeout(void);
void rundown_report_hung(const void *ref, const char *name,
			 unsigned long init_site, long holders);

/*
 * rundown_misuse() - report a contract violation once
 *
 * Evaluates to @cond.  When true, warns once per call site, unless a rundown
 * KUnit test on this thread counts misuse reports (see rundown/debug.c).
 */
#define rundown_misuse(cond, fmt, ...)					\
	({								\
		bool __misuse = !!(cond);				\
									\
		if (unlikely(__misuse) &&				\
		    !rundown_kunit_counted(RUNDOWN_MISUSE_RESOURCE))	\
			WARN_ONCE(1, "rundown: " fmt, ##__VA_ARGS__);	\
		unlikely(__misuse);					\
	})

long rundown_pcpu_holders(const struct rundown_pcpu_ref *ref);

/*
 * Lockdep annotations, in the style of kernfs active references, for both
 * flavours (see the top of include/rundown/rundown.h).  An acquire is a
 * read-trylock; the wait is an empty write section, which lockdep checks
 * against the holds of the waiting task (waiting while holding protection)
 * and against the dependency graph (AB-BA with other locks).
 *
 * A hold is only ever dropped by the task that has it, and a hold left
 * behind would make lockdep report the task's next wait, its exit, or the
 * unloading of the module that owns the class.  So holds are taken only
 * where the release is known to come from the same task: owner refs, in
 * preemptible task context (not in an interrupt handler, an IPI callback
 * or under a spinlock, which cannot block on a lock anyway).  A task holds
 * a ref at most once, from its first acquire to its first release: that
 * never reports a hold the task does not have, whatever the counts.  A
 * trylock adds no dependency towards the ref and marks no irq usage.
 *
 * The release decides by what the task has, not by where it runs: the
 * same task may acquire preemptible and release under a spinlock, with
 * bottom halves or preemption disabled, and the hold must go all the same.
 * Only task context drops a hold: an interrupt handler that runs on the
 * task's stack sees the task's holds, but never took one.
 * lock_is_held() is LOCK_STATE_UNKNOWN (negative) once lockdep has turned
 * itself off; nothing is then tracked either way.
 */
#ifdef CONFIG_DEBUG_LOCK_ALLOC
#define rundown_lockdep_owner(ref)					\
	(!((ref)->flags & RUNDOWN_NON_OWNER) && in_task())
#define rundown_lockdep_acquire(ref)					\
	do {								\
		if (rundown_lockdep_owner(ref) && preemptible() &&	\
		    !lock_is_held(&(ref)->dep_map))			\
			lock_acquire_shared(&(ref)->dep_map, 0, 1, NULL,	\
					    _RET_IP_);			\
	} while (0)
#define rundown_lockdep_release(ref)					\
	do {								\
		if (rundown_lockdep_owner(ref) &&			\
		    lock_is_held(&(ref)->dep_map) > 0)			\
			lock_release(&(ref)->dep_map, _RET_IP_);	\
	} while (0)
#define rundown_lockdep_wait(ref)					\
	rundown_lock_sync(&(ref)->dep_map, _RET_IP_)
#else
#define rundown_lockdep_acquire(ref)	((void)(ref))
#define rundown_lockdep_release(ref)	((void)(ref))
#define rundown_lockdep_wait(ref)	((void)(ref))
#endif

/*
 * Test points: the places where a KUnit test widens a race window on
 * purpose (kunit/race_test.c), so that "the owner frees the object while a
 * release is still inside it" really happens instead of once in a million
 * runs.  Compiled in only when the test modules are built with rundown.ko
 * (RUNDOWN_TEST_POINTS, set by rundown/Kbuild); make install and DKMS build
 * rundown.ko without them.
 */
enum rundown_test_point {
	/* plain release that saw a wait block, before touching it; @obj: the block */
	RUNDOWN_TP_PLAIN_RELEASE_WAITING,
	/* cache-aware release that saw WAITING, before its first write (irqs off) */
	RUNDOWN_TP_PCPU_RELEASE_WAITING,
	/* cache-aware release during a wait, slot updated, before reading @waiter */
	RUNDOWN_TP_PCPU_RELEASE_UPDATED,
	/* cache-aware wait about to store DEAD: its last fence is done */
	RUNDOWN_TP_PCPU_WAIT_END,
	/* cache-aware acquire that read LIVE, before its slot update (irqs off) */
	RUNDOWN_TP_PCPU_ACQUIRE_LIVE,
};

#ifdef RUNDOWN_TEST_POINTS
typedef void (*rundown_test_hook_t)(enum rundown_test_point tp,
				    const void *obj);
void rundown_set_test_hook(rundown_test_hook_t hook);
void rundown_call_test_hook(enum rundown_test_point tp, const void *obj);

static inline void rundown_test_point(enum rundown_test_point tp,
				      const void *obj)
{
	rundown_call_test_hook(tp, obj);
}
#else
static inline void rundown_test_point(enum rundown_test_point tp,
				      const void *obj)
{
}
#endif

#endif /* _RUNDOWN_INTERNAL_H */
