/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run-down protection: the Linux API of the rundown module.
 *
 * Run-down protection guards a shared object that one owner may delete or
 * replace at any time.  Users acquire protection, touch the object and
 * release; the owner waits until every holder has released and no new
 * acquire can succeed, then tears the object down.
 *
 * Two flavours share one set of semantics:
 *
 *  - struct rundown_ref, one pointer-sized word that callers embed in their
 *    own structures.  Acquire and release are one compare-and-exchange on
 *    that word.
 *  - struct rundown_pcpu_ref, the "cache-aware" flavour: one counter per
 *    possible CPU, each on its own cache line.  Outside a wait, acquire
 *    and release write only the current CPU's line and use no locked
 *    instruction (a release during a wait also writes the header and
 *    issues full barriers); the wait pays for it with one round of IPIs.
 *
 * include/rundown/wdm.h gives the same functions their Windows names.
 *
 * Lockdep: on lock debugging kernels a ref is a lock class per init site,
 * in the style of kernfs active references.  Acquire is a read-trylock,
 * the wait an empty write section (lock_sync()), so lockdep reports a wait
 * by a thread that holds protection on the same ref, and AB-BA cycles
 * between a ref and other locks.  That needs each acquire to be released
 * by the same task: rundown_init() and rundown_pcpu_init()/_alloc() make
 * such "owner" refs.  Protection that another task or an interrupt handler
 * releases needs the _non_owner() initialisers: acquires are then not
 * tracked, the wait still is.  Acquires outside preemptible task context
 * (interrupt handlers, IPI callbacks, raw spinlocks held; on !PREEMPT_RT
 * any spinlock held) are never tracked; on PREEMPT_RT code under a
 * spinlock_t and threaded interrupt handlers are preemptible and are
 * tracked, and kernels without CONFIG_PREEMPT_COUNT track nothing.  A task
 * holds a ref for lockdep from its first acquire to its first release.
 * The Windows initialisers make non-owner refs unless the port defines
 * RUNDOWN_WDM_OWNER_CHECKS (see wdm.h).
 *
 * Counts: an acquire of 0 takes nothing and only says whether run-down
 * has started; a release of 0 does nothing at all, in every state, so a
 * zero-count pair is a no-op on both flavours and under both names.  A
 * count above RUNDOWN_COUNT_LIMIT (possible on 32-bit kernels only) is
 * refused and reported.
 *
 * Contexts: acquire and release never sleep.  They may be called from
 * hardirq and softirq context and with spinlocks held, not from NMI
 * context, and not with the scheduler's own locks held (a runqueue lock,
 * a task's pi_lock): a release during a wait wakes the waiter (complete()
 * or wake_up_process()).
 *
 * Misuse that can be detected is reported with WARN_ONCE() (counted
 * instead of printed while a rundown KUnit test that asked for it is
 * running) and refused:
 *
 *  - a plain release of more than every holder left (on the word, or on
 *    the wait block during a wait): the release is ignored;
 *  - a release that starts after the wait has returned, while the object
 *    is still allocated (an unmatched release or a second release of one
 *    acquire):
 *    allocated: the release is ignored;
 *  - an acquire that would take the holders beyond RUNDOWN_COUNT_LIMIT:
 *    the acquire fails;
 *  - rundown_reinit() or rundown_completed() on a ref that is not run down,
 *    or while a wait is still in progress: the call is ignored;
 *  - a cache-aware buffer smaller than rundown_pcpu_size() but at least as
 *    big as the header: reported, never written beyond the given size, and
 *    the object falls back to one shared counter (correct, not
 *    cache-friendly); with room for one word but not the header it is
 *    marked unusable (every acquire fails, every wait returns at once);
 *  - rundown_pcpu_free() on an object that rundown_pcpu_alloc() did not
 *    return, or that still has holders: warns and frees nothing.
 *
 * What cannot be detected, and what it costs (Windows detects none of it,
 * and a release without acquire there wraps the count, so that a later
 * wait blocks forever or returns early):
 *
 *  - an unmatched release while other holders exist counts one of them out:
 *    the wait can return while that holder is still inside the object;
 *  - a cache-aware release without acquire cannot be seen on the fast path:
 *    the wait sees the sum of the counters low (and, if it goes negative,
 *    warns), and may return while a real holder is inside;
 *  - a release (or any call) after the owner has freed the object touches
 *    freed memory, as with any use after free;
 *  - holders of a cache-aware object beyond RUNDOWN_COUNT_LIMIT in total;
 *  - a cache-aware buffer smaller than one word cannot even be marked: the
 *    initialiser reports it and writes nothing, and any later call on it
 *    reads the word beyond it: if that word happens to hold a valid state,
 *    the memory beyond is used (and written) as the object;
 *  - an unmatched release racing the end of a wait (it read the wait in
 *    progress just before the wait finished): on a plain ref it counts
 *    itself out of a wait block that nothing keeps alive for it, and may
 *    write into the waiter's stack; on a cache-aware one it may write to
 *    the object after the owner has freed it.
 *
 * Several owners may wait at once: every waiter returns once the holders
 * have gone, the later ones when the first wait has finished.  The ref's
 * memory must stay valid until every waiter has returned.
 */
#ifndef _RUNDOWN_RUNDOWN_H
#define _RUNDOWN_RUNDOWN_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/lockdep.h>
#include <linux/types.h>

/* Encoding of struct rundown_ref::count, the same as Windows' EX_RUNDOWN_REF. */
#define RUNDOWN_ACTIVE		BIT(0)
#define RUNDOWN_COUNT_SHIFT	1
#define RUNDOWN_COUNT_INC	BIT(RUNDOWN_COUNT_SHIFT)
/* Largest value the holder part of the word may reach. */
#define RUNDOWN_COUNT_MAX	((unsigned long)LONG_MAX & ~RUNDOWN_ACTIVE)
/*
 * Most holders a ref counts, and the largest count one call accepts:
 * LONG_MAX >> 1, which an unsigned int count can exceed on 32-bit kernels
 * only.  The holders of a cache-aware object must stay below it in total.
 */
#define RUNDOWN_COUNT_LIMIT	(RUNDOWN_COUNT_MAX >> RUNDOWN_COUNT_SHIFT)
/* A new word the inline fast paths may store: neither bit may be set. */
#define RUNDOWN_INLINE_MASK	(RUNDOWN_ACTIVE | BIT(BITS_PER_LONG - 1))

/**
 * struct rundown_ref - plain run-down protection
 * @count: holders << RUNDOWN_COUNT_SHIFT while bit 0 (RUNDOWN_ACTIVE) is
 *	clear; exactly RUNDOWN_ACTIVE once run down; the address of the
 *	waiter's wait block | RUNDOWN_ACTIVE while a wait is in progress.
 * @Count: @count under the name Windows code uses (EX_RUNDOWN_REF::Count,
 *	see wdm.h): the same word, read and written as a volatile.
 * @Ptr: the same word as a pointer (EX_RUNDOWN_REF::Ptr).
 * @dep_map: lockdep map (lock debugging kernels only).
 * @init_site: where the ref was initialised, for hung-wait reports (lock
 *	debugging kernels only).
 * @flags: RUNDOWN_NON_OWNER (lock debugging kernels only).
 *
 * Exactly one pointer-sized word unless lock debugging is enabled, like
 * Windows' EX_RUNDOWN_REF.  Must be pointer-aligned.
 */
struct rundown_ref {
	union {
		atomic_long_t		count;
		volatile unsigned long	Count;
		void *volatile Ptr;
	};
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map	dep_map;
	unsigned long		init_site;
	unsigned int		flags;
#endif
};

/* The cache-aware object is opaque: size it with rundown_pcpu_size(). */
struct rundown_pcpu_ref;

/* Flags of the __rundown_*init() functions. */
#define RUNDOWN_NON_OWNER	BIT(0)	/* releases may come from another task */

void __rundown_init(struct rundown_ref *ref, const char *name,
		    struct lock_class_key *key, unsigned int flags);

/**
 * rundown_init() - initialise plain run-down protection
 * @ref: the ref to initialise
 *
 * Sets the holder count to zero with run-down not started.  Must be called
 * before any other function on @ref.  Each call site gets its own lockdep
 * class.
 *
 * Context: Any context.
 */
#define rundown_init(ref)						\
	do {								\
		static struct lock_class_key __rundown_key;		\
									\
		__rundown_init((ref), #ref, &__rundown_key, 0);		\
	} while (0)

/**
 * rundown_init_non_owner() - initialise protection released by anyone
 * @ref: the ref to initialise
 *
 * Like rundown_init(), for protection that may be released by another task
 * or from interrupt context than the one that acquired it: lockdep does not
 * track acquires on @ref, only waits.
 *
 * Context: Any context.
 */
#define rundown_init_non_owner(ref)					\
	do {								\
		static struct lock_class_key __rundown_key;		\
									\
		__rundown_init((ref), #ref, &__rundown_key,		\
			       RUNDOWN_NON_OWNER);			\
	} while (0)

void rundown_reinit(struct rundown_ref *ref);
bool rundown_acquire_many(struct rundown_ref *ref, unsigned int count);
void rundown_release_many(struct rundown_ref *ref, unsigned int count);

/* Lockdep hooks of the inline fast paths; nothing without lock debugging. */
#ifdef CONFIG_DEBUG_LOCK_ALLOC
void __rundown_lockdep_acquired(struct rundown_ref *ref);
void __rundown_lockdep_releasing(struct rundown_ref *ref);
#else
static inline void __rundown_lockdep_acquired(struct rundown_ref *ref) { }
static inline void __rundown_lockdep_releasing(struct rundown_ref *ref) { }
#endif

/**
 * rundown_acquire() - acquire run-down protection
 * @ref: the ref
 *
 * The common case, a live ref whose word does not change under us, is
 * inline: one load and one compare-and-exchange, as refcount_inc_not_zero().
 * Everything else (run-down started, a race, the holder count at its limit)
 * goes to rundown_acquire_many().
 *
 * Context: Any context but NMI: never sleeps, callable from hardirq and
 * softirq and with spinlocks held.
 * Return: true if protection was acquired (the caller must release it),
 * false if run-down has started or completed.
 */
static inline bool rundown_acquire(struct rundown_ref *ref)
{
	long old = atomic_long_read(&ref->count);
	unsigned long new = (unsigned long)old + RUNDOWN_COUNT_INC;

	/* Bit 0 clear: live.  Sign bit clear: no overflow. */
	if (likely(!(new & RUNDOWN_INLINE_MASK) &&
		   atomic_long_try_cmpxchg(&ref->count, &old, new))) {
		__rundown_lockdep_acquired(ref);
		return true;
	}
	return rundown_acquire_many(ref, 1);
}

/**
 * rundown_release() - release run-down protection
 * @ref: the ref
 *
 * Inline for a live ref with holders: one load and one compare-and-exchange.
 * A release during a wait (which may wake the waiter), a race and misuse go
 * to rundown_release_many().
 *
 * Context: Any context but NMI: never sleeps, callable from hardirq and
 * softirq and with spinlocks held, not with the scheduler's locks held (see
 * the top of this file).
 */
static inline void rundown_release(struct rundown_ref *ref)
{
	long old;
	unsigned long new;

	/* Before the update: the ref may be freed right after it. */
	__rundown_lockdep_releasing(ref);
	old = atomic_long_read(&ref->count);
	new = (unsigned long)old - RUNDOWN_COUNT_INC;
	/* Bit 0 clear: live.  Sign bit clear: there was a holder. */
	if (likely(!(new & RUNDOWN_INLINE_MASK) &&
		   atomic_long_try_cmpxchg(&ref->count, &old, new)))
		return;
	rundown_release_many(ref, 1);
}

void rundown_wait(struct rundown_ref *ref);
void rundown_completed(struct rundown_ref *ref);

size_t rundown_pcpu_size(void);
void __rundown_pcpu_init(struct rundown_pcpu_ref *ref, size_t size,
			 const char *name, struct lock_class_key *key,
			 unsigned int flags);
struct rundown_pcpu_ref *__rundown_pcpu_alloc(gfp_t gfp, const char *name,
					      struct lock_class_key *key,
					      unsigned int flags);

/**
 * rundown_pcpu_init() - initialise cache-aware protection in caller memory
 * @ref: buffer of @size bytes, pointer-aligned
 * @size: size of the buffer, normally the value of rundown_pcpu_size()
 *
 * Lays out a header and one cache-line-sized counter per possible CPU in the
 * buffer.  A smaller buffer is never written beyond @size: see the top of
 * this file for the fallback.  An object set up this way must not be passed
 * to rundown_pcpu_free().
 *
 * Context: Any context.
 */
#define rundown_pcpu_init(ref, size)					\
	do {								\
		static struct lock_class_key __rundown_key;		\
									\
		__rundown_pcpu_init((ref), (size), #ref, &__rundown_key, 0); \
	} while (0)

/**
 * rundown_pcpu_init_non_owner() - cache-aware, released by anyone
 * @ref: buffer of @size bytes, pointer-aligned
 * @size: size of the buffer, normally the value of rundown_pcpu_size()
 *
 * Like rundown_pcpu_init(), for protection that may be released by another
 * task or from interrupt context (see the top of this file).
 *
 * Context: Any context.
 */
#define rundown_pcpu_init_non_owner(ref, size)				\
	do {								\
		static struct lock_class_key __rundown_key;		\
									\
		__rundown_pcpu_init((ref), (size), #ref, &__rundown_key, \
				    RUNDOWN_NON_OWNER);			\
	} while (0)

/**
 * rundown_pcpu_alloc() - allocate and initialise cache-aware protection
 * @gfp: allocation flags
 *
 * Context: Any context the @gfp flags allow; may sleep with GFP_KERNEL.
 * Return: the new object, or NULL if memory could not be allocated.
 */
#define rundown_pcpu_alloc(gfp)						\
	({								\
		static struct lock_class_key __rundown_key;		\
									\
		__rundown_pcpu_alloc((gfp), "rundown_pcpu", &__rundown_key, 0); \
	})

/**
 * rundown_pcpu_alloc_non_owner() - allocate, released by anyone
 * @gfp: allocation flags
 *
 * Like rundown_pcpu_alloc(), for protection that may be released by
 * another task or from interrupt context (see the top of this file).
 *
 * Context: Any context the @gfp flags allow; may sleep with GFP_KERNEL.
 * Return: the new object, or NULL if memory could not be allocated.
 */
#define rundown_pcpu_alloc_non_owner(gfp)				\
	({								\
		static struct lock_class_key __rundown_key;		\
									\
		__rundown_pcpu_alloc((gfp), "rundown_pcpu", &__rundown_key, \
				     RUNDOWN_NON_OWNER);		\
	})

void rundown_pcpu_free(struct rundown_pcpu_ref *ref);
void rundown_pcpu_reinit(struct rundown_pcpu_ref *ref);
bool rundown_pcpu_acquire(struct rundown_pcpu_ref *ref);
bool rundown_pcpu_acquire_many(struct rundown_pcpu_ref *ref,
			       unsigned int count);
void rundown_pcpu_release(struct rundown_pcpu_ref *ref);
void rundown_pcpu_release_many(struct rundown_pcpu_ref *ref,
			       unsigned int count);
void rundown_pcpu_wait(struct rundown_pcpu_ref *ref);
void rundown_pcpu_completed(struct rundown_pcpu_ref *ref);

#endif /* _RUNDOWN_RUNDOWN_H */
