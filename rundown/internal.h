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

/* States of struct rundown_pcpu_ref::state. */
#define RUNDOWN_PCPU_LIVE	0UL	/* acquires succeed */
#define RUNDOWN_PCPU_WAITING	1UL	/* a wait is draining the holders */
#define RUNDOWN_PCPU_DEAD	2UL	/* run down: acquires fail */
#define RUNDOWN_PCPU_BROKEN	0x0badca11UL /* buffer too small to use */

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
 * unloading of the module that owns the class.  So holds are kept only
 * where the release is known to come from the same task: owner refs, in
 * preemptible task context (not in an interrupt handler, an IPI callback
 * or under a spinlock, which cannot block on a lock anyway).  A task holds
 * a ref at most once, from its first acquire to its first release: that
 * never reports a hold the task does not have, whatever the counts.  A
 * trylock adds no dependency towards the ref and marks no irq usage.
 */
#ifdef CONFIG_DEBUG_LOCK_ALLOC
#define rundown_lockdep_tracked(ref)					\
	(!((ref)->flags & RUNDOWN_NON_OWNER) && in_task() && preemptible())
#define rundown_lockdep_acquire(ref)					\
	do {								\
		if (rundown_lockdep_tracked(ref) &&			\
		    !lock_is_held(&(ref)->dep_map))			\
			lock_acquire_shared(&(ref)->dep_map, 0, 1, NULL,	\
					    _RET_IP_);			\
	} while (0)
#define rundown_lockdep_release(ref)					\
	do {								\
		if (rundown_lockdep_tracked(ref) &&			\
		    lock_is_held(&(ref)->dep_map))			\
			lock_release(&(ref)->dep_map, _RET_IP_);	\
	} while (0)
#define rundown_lockdep_wait(ref)					\
	rundown_lock_sync(&(ref)->dep_map, _RET_IP_)
#else
#define rundown_lockdep_acquire(ref)	((void)(ref))
#define rundown_lockdep_release(ref)	((void)(ref))
#define rundown_lockdep_wait(ref)	((void)(ref))
#endif

#endif /* _RUNDOWN_INTERNAL_H */
