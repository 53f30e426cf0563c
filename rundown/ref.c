// SPDX-License-Identifier: GPL-2.0
/*
 * Plain run-down protection: struct rundown_ref (Windows' EX_RUNDOWN_REF).
 *
 * Theory of operation
 * ===================
 *
 * The whole state lives in one word, encoded exactly as Windows encodes it
 * so that ported code and white-box tests see the same values:
 *
 *   bit 0 clear	   live; the word is holders << 1 (each holder adds 2)
 *   == RUNDOWN_ACTIVE	   run down: no holders, every acquire fails
 *   bit 0 set, != 1	   a wait is in progress; word & ~1 is the address of
 *			   the waiter's struct rundown_wait_block (on its
 *			   stack), which counts the holders still inside
 *
 * Acquire is a compare-and-exchange loop that adds 2 * count while bit 0 is
 * clear and fails as soon as it is set.  The first iteration of the loop
 * for a count of one is inline in rundown.h (rundown_acquire() and
 * rundown_release()); every other case lands here.  Release subtracts 2 * count while
 * bit 0 is clear.  The wait replaces the word, in one compare-and-exchange,
 * by the address of its wait block with bit 0 set, after copying the holder
 * count into the block.  From then on acquires fail and releases decrement
 * the block's counter instead of the word; the release that takes it to zero
 * wakes the waiter.
 *
 * Races and their answers:
 *
 *  - Holders come and go between the waiter's read of the word and its
 *    compare-and-exchange: the exchange fails, the waiter recomputes the
 *    count from the new value and retries.  The count it publishes is
 *    therefore exactly the number of holders at the instant acquires start
 *    failing.
 *  - A holder reads the word before the wait starts and releases after it:
 *    its compare-and-exchange on the old value fails, it rereads the word,
 *    sees bit 0 and decrements the wait block instead.  The wait block is
 *    alive because this holder has not been counted out yet.
 *  - The last holder decrements the block to zero and completes the block's
 *    completion.  The waiter sleeps in wait_for_completion(), which returns
 *    only after complete() has dropped the completion's lock, so the block
 *    (on the waiter's stack) outlives every access the holder makes to it.
 *    complete() takes a raw spinlock: it is safe in hardirq context and
 *    with interrupts disabled, also on PREEMPT_RT, where wake_up_var()'s
 *    wait-queue lock would sleep.
 *  - The wait returns: the block is about to die, so the waiter stores plain
 *    RUNDOWN_ACTIVE.  Nothing can still reference the block (every holder
 *    was counted out), so a second wait, rundown_completed() or
 *    rundown_reinit() later sees the plain run-down state.  Windows leaves
 *    the dangling pointer until ExRundownCompleted(); this is the one
 *    deliberate difference, and it makes "a second wait has no effect" true
 *    in every case.
 *  - A second thread waits while the first is still waiting: it sees
 *    another block's address and sleeps on the ref's wait_var_event()
 *    queue until the word changes, that is until the first wait has
 *    stored RUNDOWN_ACTIVE.  The first waiter's store and the lockless
 *    queue check in wake_up_var() are separated by a full barrier, the
 *    second waiter's queueing and its re-read of the word by another
 *    (set_current_state()): store buffering with barriers on both sides,
 *    so either the waker sees the queued waiter or the waiter sees the new
 *    word.  Windows leaves concurrent waits undefined; here the later wait
 *    returns once the first has finished, and every waiter returns only
 *    after every holder has released.  The later waiter reads the ref
 *    once more after the first wait has finished: the ref's memory must
 *    outlive every waiter, so an owner frees it only when the other
 *    waiters are known to have returned.  By then the first owner may have
 *    reinitialised the ref: a later waiter also returns if it finds the
 *    ref live again (or waited for by a newer wait, whose end it awaits).
 *  - A zero-count pair (AcquireEx(0), then ReleaseEx(0), as ported code
 *    does for an empty batch) takes nothing and gives nothing back.  The
 *    release returns before it reads the word: a holder that is not
 *    counted in the wait block must never dereference it, since nothing
 *    keeps the waiter's frame alive for it.
 *  - A release without a matching acquire would drive the count below zero
 *    and make a later wait sleep forever: when the count it drops exceeds
 *    every holder left, it is refused and reported, on the word and on the
 *    wait block alike.  A release on a run-down word with no wait block
 *    (exactly RUNDOWN_ACTIVE) is refused the same way.  An unmatched
 *    release while other holders exist cannot be told from theirs: it
 *    counts one of them out, the wait may return while that holder is
 *    still inside, and its late release is then reported as a release
 *    after the wait.  Windows checks neither case.
 *  - Counts: the holder part of the word is at most RUNDOWN_COUNT_LIMIT
 *    (LONG_MAX >> 1).  On 32-bit kernels an unsigned int count can exceed
 *    it; such a count, shifted, would lose its top bit, so acquires and
 *    releases of more than RUNDOWN_COUNT_LIMIT are refused and reported
 *    before any shift.
 *
 * Ordering: every update is a fully ordered atomic read-modify-write, so a
 * holder's accesses to the protected object happen before its release, and
 * the completion (a lock and its release/acquire pairs) orders the last
 * release before the waiter's return to an owner that will free the object.
 * A wait that returns early because the ref is already run down read that
 * state with a plain load or a failed compare-and-exchange: it turns the
 * read into an acquire (smp_acquire__after_ctrl_dep()), pairing with the
 * store or exchange that ran the ref down.
 */

#include <linux/completion.h>
#include <linux/export.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/wait_bit.h>

#include "internal.h"
#include "trace.h"

/**
 * struct rundown_wait_block - a waiter's view of the holders left
 * @count: holders that have not yet released (not shifted)
 * @done: completed by the release that takes @count to zero
 */
struct rundown_wait_block {
	atomic_long_t count;
	struct completion done;
};

/* Bit 0 of the word tags the wait block's address. */
static_assert(__alignof__(struct rundown_wait_block) > RUNDOWN_ACTIVE);

/**
 * __rundown_init() - initialise plain run-down protection
 * @ref: the ref to initialise
 * @name: lockdep name of the ref
 * @key: lockdep class key of the ref's init site
 * @flags: 0 or RUNDOWN_NON_OWNER
 *
 * Use rundown_init() or rundown_init_non_owner(), which provide a lockdep
 * key per call site.
 *
 * Context: Any context.
 */
void __rundown_init(struct rundown_ref *ref, const char *name,
		    struct lock_class_key *key, unsigned int flags)
{
	atomic_long_set(&ref->count, 0);
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lockdep_init_map(&ref->dep_map, name, key, 0);
	ref->init_site = _RET_IP_;
	ref->flags = flags;
#endif
}
EXPORT_SYMBOL_GPL(__rundown_init);

/**
 * rundown_acquire_many() - acquire run-down protection @count times
 * @ref: the ref
 * @count: number of references to take; 0 only tests whether run-down
 *	has started
 *
 * All or nothing: the holder count changes only if this returns true.  A
 * count that would take the holders beyond RUNDOWN_COUNT_LIMIT is refused
 * and reported.  A count of 0 takes nothing, so it needs no release (a
 * release of 0 is a no-op too).
 *
 * Context: Any context but NMI: never sleeps, callable from hardirq and
 * softirq and with spinlocks held.
 * Return: true if protection was acquired (the caller must release it),
 * false if run-down has started or completed.
 */
bool rundown_acquire_many(struct rundown_ref *ref, unsigned int count)
{
	unsigned long add;
	long old;

	/* Only 32-bit kernels have counts that the word cannot hold. */
	if (rundown_misuse(!rundown_count_fits(count),
			   "acquire of %u is more than a ref can count\n",
			   count))
		return false;
	if (!count) {
		/* Takes nothing, writes nothing: only the state is reported. */
		old = atomic_long_read_acquire(&ref->count);
		if (old & RUNDOWN_ACTIVE)
			trace_rundown_acquire_refused(ref, false, 0);
		return !(old & RUNDOWN_ACTIVE);
	}
	add = (unsigned long)count << RUNDOWN_COUNT_SHIFT;
	old = atomic_long_read(&ref->count);
	do {
		if (unlikely(old & RUNDOWN_ACTIVE)) {
			trace_rundown_acquire_refused(ref, false, count);
			return false;
		}
		if (rundown_misuse(add > RUNDOWN_COUNT_MAX - old,
				   "acquire of %u would overflow the holder count\n",
				   count))
			return false;
	} while (!atomic_long_try_cmpxchg(&ref->count, &old, old + add));
	rundown_lockdep_acquire(ref);
	return true;
}
EXPORT_SYMBOL_GPL(rundown_acquire_many);

#ifdef CONFIG_DEBUG_LOCK_ALLOC
/**
 * __rundown_lockdep_acquired() - lockdep hook of the inline rundown_acquire()
 * @ref: the ref, just acquired
 *
 * Context: Any context.
 */
void __rundown_lockdep_acquired(struct rundown_ref *ref)
{
	rundown_lockdep_acquire(ref);
}
EXPORT_SYMBOL_GPL(__rundown_lockdep_acquired);

/**
 * __rundown_lockdep_releasing() - lockdep hook of the inline rundown_release()
 * @ref: the ref, about to be released
 *
 * Context: Any context.
 */
void __rundown_lockdep_releasing(struct rundown_ref *ref)
{
	rundown_lockdep_release(ref);
}
EXPORT_SYMBOL_GPL(__rundown_lockdep_releasing);
#endif

/* Count @count holders out of the wait block published in @old. */
static void rundown_release_waiting(unsigned long old, unsigned int count)
{
	struct rundown_wait_block *wb;
	long left;

	wb = (struct rundown_wait_block *)(old & ~RUNDOWN_ACTIVE);
	if (rundown_misuse(!wb, "release on a ref that is already run down\n"))
		return;
	rundown_test_point(RUNDOWN_TP_PLAIN_RELEASE_WAITING, wb);

	left = atomic_long_read(&wb->count);
	do {
		/* @left is never negative; compare unsigned on every word size. */
		if (rundown_misuse((unsigned long)left < count,
				   "release of %u with only %ld holders left\n",
				   count, left))
			return;
	} while (!atomic_long_try_cmpxchg(&wb->count, &left, left - count));

	/* The waiter cannot return before complete() is done with @wb. */
	if (left == count)
		complete(&wb->done);
}

/**
 * rundown_release_many() - release run-down protection @count times
 * @ref: the ref
 * @count: number of references to drop, as acquired
 *
 * Wakes the waiter if this drops the last reference while a wait is in
 * progress.  A count of 0 does nothing, in every state.
 *
 * Context: Any context except NMI: never sleeps, callable from hardirq and
 * softirq and with spinlocks held, but not with the scheduler's own locks
 * held (a release during a wait calls complete()).
 */
void rundown_release_many(struct rundown_ref *ref, unsigned int count)
{
	unsigned long sub;
	long old;

	/*
	 * A zero-count release pairs with an acquire of 0, which took nothing:
	 * it must not touch the ref, least of all a wait block that only the
	 * holders still counted in it keep alive.
	 */
	if (!count)
		return;
	if (rundown_misuse(!rundown_count_fits(count),
			   "release of %u is more than a ref can count\n",
			   count))
		return;
	sub = (unsigned long)count << RUNDOWN_COUNT_SHIFT;

	/* Before the update: the ref may be freed right after it. */
	rundown_lockdep_release(ref);
	old = atomic_long_read(&ref->count);
	do {
		if (unlikely(old & RUNDOWN_ACTIVE)) {
			rundown_release_waiting(old, count);
			return;
		}
		if (rundown_misuse((unsigned long)old < sub,
				   "release of %u without matching acquire\n",
				   count))
			return;
	} while (!atomic_long_try_cmpxchg(&ref->count, &old, old - sub));
}
EXPORT_SYMBOL_GPL(rundown_release_many);

/* Another thread is waiting with the block in @old: wait for it to finish. */
static void rundown_wait_other(struct rundown_ref *ref, long old)
{
	wait_var_event(ref, atomic_long_read(&ref->count) != old);
}

/* The wait has lasted rundown_hung_wait_secs: say so once. */
static void rundown_wait_hung(struct rundown_ref *ref,
			      struct rundown_wait_block *wb)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	rundown_report_hung(ref, ref->dep_map.name, ref->init_site,
			    atomic_long_read(&wb->count));
#else
	rundown_report_hung(ref, "rundown_ref", 0,
			    atomic_long_read(&wb->count));
#endif
}

/* Sleep until the last holder counted in @wb has released. */
static void rundown_wait_holders(struct rundown_ref *ref,
				 struct rundown_wait_block *wb)
{
	long timeout = rundown_hung_timeout();

	if (timeout && wait_for_completion_timeout(&wb->done, timeout))
		return;
	if (timeout)
		rundown_wait_hung(ref, wb);
	wait_for_completion(&wb->done);
}

/*
 * Stop new acquires: publish @wb, or plain RUNDOWN_ACTIVE if no holders are
 * left.  Return the holders met, or -1 if another wait is in progress or
 * already finished (then there is nothing to wait for here).
 */
static long rundown_close(struct rundown_ref *ref, struct rundown_wait_block *wb)
{
	long old = 0;

	for (;;) {
		if (old & RUNDOWN_ACTIVE) {
			/*
			 * Wait while any wait is in progress, the one seen
			 * first or a newer one after a reinit, as the
			 * cache-aware wait does: return on any state but
			 * "being waited for".
			 */
			while ((old & RUNDOWN_ACTIVE) && old != RUNDOWN_ACTIVE) {
				rundown_wait_other(ref, old);
				old = atomic_long_read(&ref->count);
			}
			/*
			 * The run-down state was read by a plain load or a
			 * failed compare-and-exchange, neither of which
			 * orders anything: make it an acquire, pairing with
			 * the waiter's store of RUNDOWN_ACTIVE (a release) or
			 * its fully ordered exchange, so that the caller's
			 * teardown sees what the holders did.
			 */
			smp_acquire__after_ctrl_dep();
			return -1;
		}
		if (!old) {
			if (atomic_long_try_cmpxchg(&ref->count, &old,
						    RUNDOWN_ACTIVE))
				return 0;
			continue;
		}
		atomic_long_set(&wb->count, old >> RUNDOWN_COUNT_SHIFT);
		if (atomic_long_try_cmpxchg(&ref->count, &old,
					    (unsigned long)wb | RUNDOWN_ACTIVE))
			return old >> RUNDOWN_COUNT_SHIFT;
	}
}

/**
 * rundown_wait() - run down: stop new acquires and wait for the holders
 * @ref: the ref
 *
 * Makes every later acquire fail, then sleeps until every holder has
 * released.  Returns at once, without sleeping, if there are no holders or
 * @ref is already run down.  Afterwards @ref is in the run-down state: a
 * second call has no effect, and rundown_reinit() makes it usable again.
 * If another thread is already waiting, returns when that wait finishes
 * (or later, if @ref is waited for again meanwhile): @ref's memory must
 * then stay valid until every waiter has returned.  A wait that lasts
 * longer than the module parameter hung_wait_secs is reported once, and
 * goes on.
 *
 * Context: Process context; may sleep.  Must not be called while holding
 * protection on @ref.
 */
void rundown_wait(struct rundown_ref *ref)
{
	struct rundown_wait_block wb;
	u64 start = ktime_get_ns();
	long holders;

	might_sleep();
	rundown_lockdep_wait(ref);

	init_completion(&wb.done);
	holders = rundown_close(ref, &wb);
	if (holders < 0)
		return;
	trace_rundown_wait_start(ref, false, holders);
	if (holders) {
		rundown_wait_holders(ref, &wb);
		/* No holder references @wb any more: plain run-down state. */
		atomic_long_set_release(&ref->count, RUNDOWN_ACTIVE);
		/*
		 * wake_up_var() looks at the wait queue without its lock: the
		 * store above must be visible before that look, or a second
		 * waiter that queued itself and then read the old word would
		 * sleep forever.  Pairs with the full barrier between queueing
		 * and the condition check in rundown_wait_other()'s
		 * wait_var_event() (set_current_state()).
		 */
		smp_mb();
		wake_up_var(ref);
	}
	trace_rundown_wait_end(ref, false, holders, ktime_get_ns() - start);
}
EXPORT_SYMBOL_GPL(rundown_wait);

/* Report and refuse a state change on a ref that is not quiescently run down. */
static bool rundown_not_run_down(struct rundown_ref *ref, const char *what)
{
	long old = atomic_long_read(&ref->count);

	if (rundown_misuse(!(old & RUNDOWN_ACTIVE),
			   "%s() on a ref that is not run down\n", what))
		return true;
	return rundown_misuse(old != RUNDOWN_ACTIVE,
			      "%s() while a wait is in progress\n", what);
}

/**
 * rundown_completed() - mark run-down as completed
 * @ref: a ref on which rundown_wait() has returned
 *
 * Windows needs this call to make a later wait safe; here rundown_wait()
 * already leaves that state, so this only checks that @ref is run down.
 * Called on a live ref, or while a wait is in progress, it reports the
 * misuse and changes nothing.
 *
 * Context: Any context: never sleeps.
 */
void rundown_completed(struct rundown_ref *ref)
{
	rundown_not_run_down(ref, __func__);
}
EXPORT_SYMBOL_GPL(rundown_completed);

/**
 * rundown_reinit() - make a run-down ref usable again
 * @ref: a ref on which rundown_wait() has returned
 *
 * Resets the holder count to zero so that acquires succeed again, typically
 * after the owner has replaced the protected object.  Called on a live ref,
 * or while a wait is in progress, it reports the misuse and changes
 * nothing: outstanding holders are never lost.
 *
 * Context: Any context: never sleeps.
 */
void rundown_reinit(struct rundown_ref *ref)
{
	if (rundown_not_run_down(ref, __func__))
		return;
	/* Publish the new object before acquires can succeed again. */
	atomic_long_set_release(&ref->count, 0);
}
EXPORT_SYMBOL_GPL(rundown_reinit);
