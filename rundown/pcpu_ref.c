// SPDX-License-Identifier: GPL-2.0
/*
 * Cache-aware run-down protection: struct rundown_pcpu_ref (Windows'
 * EX_RUNDOWN_REF_CACHE_AWARE).
 *
 * Theory of operation
 * ===================
 *
 * Layout.  The object is a header followed, in the same buffer, by one
 * counter per possible CPU (nr_cpu_ids of them, so sparse CPU ids and CPUs
 * that come online later all have one), each alone on its cache line:
 *
 *   [ header: state, slots, ... ][pad][ slot 0 ][ slot 1 ] ... [ slot N-1 ]
 *
 * rundown_pcpu_size() returns the header size plus nr_cpu_ids + 1 cache
 * lines, the extra line leaving room to align the slots in a buffer that is
 * only pointer-aligned, as Windows' ExSizeOfRundownProtectionCacheAware()
 * does.
 *
 * Encoding.  A slot holds the number of acquires minus releases done on its
 * CPU, modulo 2^BITS_PER_LONG.  A holder may release on another CPU than
 * it acquired on, so single slots may be "negative"; only the sum over all
 * slots means something: it is the number of holders.  The header's @state
 * is LIVE, WAITING (a wait is draining the holders) or DEAD (run down).
 *
 * Fast path.  Acquire disables interrupts, reads @state and, if LIVE, adds
 * to the current CPU's slot; release does the same with a subtraction.
 * With interrupts off neither the slot choice nor the plain read-modify-
 * write can be interrupted or migrated, and no other CPU ever writes the
 * slot.  Cost on x86-64 without lock debugging, acquire and release alike
 * outside a wait (measured with objdump by bench/static.py): about 30
 * instructions (pushf/pop/cli, one load of @state, one test, the slot address from the
 * CPU number, one unlocked add, test and sti), no locked instruction, no
 * memory barrier, and no write to any cache line another CPU writes: the
 * header is only read, the slot is this CPU's.
 *
 * Wait.  The waiter sets @state to WAITING and then runs a function on every
 * online CPU and waits for it (on_each_cpu()).  That IPI can only be taken
 * with interrupts enabled, that is between two fast-path sections, so each
 * section on each CPU either finished before the IPI, and its slot update is
 * visible to the waiter afterwards, or starts after it, and sees WAITING.
 * From then on acquires fail without touching any slot.  If the slots then
 * sum to zero the wait is over.  Otherwise the waiter publishes itself in
 * @waiter and sleeps until the sum is zero; every release that sees WAITING
 * wakes it with wake_up_process(), inside the release's interrupts-off
 * section.  Such a release first sets @late_release.  Once the sum is zero,
 * if @late_release is set, a second on_each_cpu() waits out any release
 * still inside its section, so no release touches the object or the waiter
 * after the wait returns.  Then the waiter sets DEAD.  What the wait pays
 * for the cheap fast path: one IPI to every online CPU (two if a holder
 * released during the wait), and one pass over nr_cpu_ids cache lines per
 * wake-up.  No RCU grace period.

 * Races and their answers:
 *
 *  - A section runs on a CPU the waiter did not interrupt because it came
 *    online after on_each_cpu() read cpu_online_mask.  The waiter's store
 *    of WAITING is a fully ordered compare-and-exchange before that read.
 *    The new CPU marks itself online in set_cpu_online(), whose
 *    cpumask_test_and_set_cpu() is a value-returning atomic bit operation,
 *    hence fully ordered, before it enables interrupts and runs anything
 *    that could enter a section.  Store buffering with full barriers on
 *    both sides: either the waiter sees the CPU online and interrupts it,
 *    or the CPU's first section sees WAITING.  (Code that the CPU runs
 *    before set_cpu_online(), such as CPUHP_AP_*_STARTING callbacks, or
 *    after it is marked offline, such as the DYING callbacks, must not use
 *    a ref that may be waited for.)  Offline CPUs run nothing;
 *    their slots keep whatever cross-CPU residue they hold and the sum
 *    still counts it, so no hotplug callback is needed.
 *  - The waiter sums while releases run: after WAITING is visible only
 *    releases change slots, and a release is seen either fully or not at
 *    all.  A holder contributes +1 where it acquired and -1 where it
 *    released, so the sum is the number of holders whose release has not
 *    been seen: it can be too high for a moment, never too low.  A zero sum
 *    is therefore final.
 *  - The release that makes the sum zero wakes the waiter after its update;
 *    the waiter may see the zero sum before that wake-up runs (even in its
 *    first sum, if the release ran just after the IPI on its CPU), and the
 *    owner would free the object as soon as the wait returns.  The second
 *    IPI round answers it: the wake-up runs with interrupts disabled in the
 *    same section as the update, so it is over before the waiter returns.
 *    The waiter knows a second round is needed because the release set
 *    @late_release, then a full barrier, then its update: a waiter that
 *    has seen the update and then reads @late_release (after a read
 *    barrier) sees it set.
 *    wake_up_process() takes only raw spinlocks, so this is also correct in
 *    hardirq context on PREEMPT_RT, where a wait queue's lock would sleep.
 *  - A release sees WAITING before the waiter has published itself in
 *    @waiter, and wakes nobody: the release's update is followed by a full
 *    barrier and its read of @waiter, the waiter's store to @waiter by a
 *    full barrier (set_current_state()) and its read of the slots.  One of
 *    the two sees the other's store: either the release wakes the waiter
 *    or the waiter's sum includes the release.
 *  - A release reads LIVE just before the waiter sets WAITING: its section
 *    ends before the IPI is taken on that CPU, so the waiter's sum after
 *    on_each_cpu() includes the update; nobody needs to wake it.
 *  - Memory ordering on weakly ordered CPUs: a holder's accesses to the
 *    object precede its slot update in program order; if the update
 *    happened before the IPI, the IPI handler's full barrier orders them
 *    before the waiter proceeds, and a release that sees WAITING issues
 *    a full barrier before its update.  An acquire reads @state with
 *    acquire semantics, and rundown_pcpu_reinit() publishes LIVE with
 *    release semantics, so holders see the owner's new object.
 *  - Reinitialisation never writes a slot: while DEAD no acquire writes one
 *    either, and the residues in the slots still sum to zero.  So reinit
 *    is one store, safe in atomic context and against concurrent acquires
 *    that are failing.
 *  - Concurrent waits: the second waiter sees WAITING and sleeps on the
 *    wait_var_event() queue of @state until the first one has set DEAD.
 *    The first waiter's store of DEAD and wake_up_var()'s lockless look at
 *    the queue are separated by a full barrier (smp_store_mb()), the
 *    second waiter's queueing and its re-read of @state by another
 *    (set_current_state()): one of the two sees the other.  The second
 *    waiter re-reads @state after the first wait returned, so the object
 *    must outlive every waiter; it returns on any state but WAITING, also
 *    if the first owner reinitialised the object meanwhile.  If the owner
 *    has reinitialised and started a new wait before the second waiter
 *    looks, it reads WAITING again and waits for that wait too (the
 *    model in model/pcpu_ref.pml finds this interleaving): it never
 *    returns early, but it can return late.
 *  - A wait that finds the object run down (or unusable) read that state
 *    with a plain load or a failed compare-and-exchange; it orders the
 *    read as an acquire (smp_acquire__after_ctrl_dep()), pairing with the
 *    full barrier before the store of DEAD, before it returns.
 *  - A zero-count release is not counted in any slot, so nothing stops the
 *    wait from returning, and the owner from freeing the object, while it
 *    runs: it returns before it reads the object at all.  The acquire of
 *    0 it pairs with only reads @state.
 *  - An undersized buffer cannot hold a slot per CPU: the object then uses
 *    one shared atomic counter in the header (@slots is NULL).  The
 *    protocol is the same; only the counter is shared.  A buffer too small
 *    even for the header is marked BROKEN in its first word, if that fits:
 *    acquires fail and waits return without touching anything else.  A
 *    buffer smaller than that word cannot be marked: the initialiser
 *    writes nothing and reports it, and later calls would read beyond it
 *    (the caller's size is not known to them).
 */

#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/wait_bit.h>

#include "internal.h"
#include "trace.h"

/**
 * rundown_pcpu_size() - size of a cache-aware object in caller memory
 *
 * Context: Any context.
 * Return: the number of bytes rundown_pcpu_init() needs for one object with
 * a cache-line-aligned counter for every possible CPU.
 */
size_t rundown_pcpu_size(void)
{
	return sizeof(struct rundown_pcpu_ref) +
	       (nr_cpu_ids + 1) * RUNDOWN_PCPU_STRIDE;
}
EXPORT_SYMBOL_GPL(rundown_pcpu_size);

/* Place the slots in [buf + header, buf + size); NULL if they do not fit. */
static struct rundown_pcpu_slot *rundown_pcpu_layout(void *buf, size_t size)
{
	uintptr_t start = (uintptr_t)buf + sizeof(struct rundown_pcpu_ref);
	uintptr_t slots = ALIGN(start, RUNDOWN_PCPU_STRIDE);
	uintptr_t end = (uintptr_t)buf + size;

	if (slots > end ||
	    (end - slots) / RUNDOWN_PCPU_STRIDE < nr_cpu_ids)
		return NULL;
	return (struct rundown_pcpu_slot *)slots;
}

/* Set up @ref in @size bytes; the one place that writes a new object. */
static void rundown_pcpu_setup(struct rundown_pcpu_ref *ref, size_t size,
			       const char *name, struct lock_class_key *key,
			       unsigned int flags, unsigned long init_site)
{
	struct rundown_pcpu_slot *slots;
	unsigned int cpu;

	if (size < sizeof(*ref)) {
		rundown_misuse(true, "cache-aware buffer of %zu bytes is too small to use\n",
			       size);
		if (size >= sizeof(ref->state))
			WRITE_ONCE(ref->state, RUNDOWN_PCPU_BROKEN);
		return;
	}

	slots = size < rundown_pcpu_size() ? NULL : rundown_pcpu_layout(ref, size);
	rundown_misuse(!slots,
		       "cache-aware buffer of %zu bytes < %zu: using one shared counter\n",
		       size, rundown_pcpu_size());

	ref->slots = slots;
	atomic_long_set(&ref->shared, 0);
	ref->waiter = NULL;
	ref->late_release = 0;
	ref->size = min_t(size_t, size, UINT_MAX);
	ref->flags = flags & RUNDOWN_NON_OWNER;
	ref->name = name;
	ref->init_site = init_site;
	if (slots) {
		for (cpu = 0; cpu < nr_cpu_ids; cpu++)
			slots[cpu].count = 0;
	}
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	lockdep_init_map(&ref->dep_map, name, key, 0);
#endif
	/* Pairs with the acquire in rundown_pcpu_acquire_many(). */
	smp_store_release(&ref->state, RUNDOWN_PCPU_LIVE);
}

/**
 * __rundown_pcpu_init() - initialise cache-aware protection in caller memory
 * @ref: buffer of @size bytes, pointer-aligned
 * @size: size of the buffer, normally rundown_pcpu_size()
 * @name: lockdep name of the ref
 * @key: lockdep class key of the ref's init site
 * @flags: 0 or RUNDOWN_NON_OWNER
 *
 * Use rundown_pcpu_init() or rundown_pcpu_init_non_owner(), which provide
 * a lockdep key per call site.
 * Never writes beyond @size bytes; see include/rundown/rundown.h for what a
 * smaller buffer gets.
 *
 * Context: Any context.
 */
void __rundown_pcpu_init(struct rundown_pcpu_ref *ref, size_t size,
			 const char *name, struct lock_class_key *key,
			 unsigned int flags)
{
	rundown_pcpu_setup(ref, size, name, key, flags, _RET_IP_);
}
EXPORT_SYMBOL_GPL(__rundown_pcpu_init);

/**
 * __rundown_pcpu_alloc() - allocate and initialise cache-aware protection
 * @gfp: allocation flags
 * @name: lockdep name of the ref
 * @key: lockdep class key of the ref's allocation site
 * @flags: 0 or RUNDOWN_NON_OWNER
 *
 * Use rundown_pcpu_alloc() or rundown_pcpu_alloc_non_owner(), which provide
 * a lockdep key per call site.
 *
 * Context: Any context the @gfp flags allow; may sleep with GFP_KERNEL.
 * Return: the new object, or NULL if memory could not be allocated.
 */
struct rundown_pcpu_ref *__rundown_pcpu_alloc(gfp_t gfp, const char *name,
					      struct lock_class_key *key,
					      unsigned int flags)
{
	size_t size = rundown_pcpu_size();
	struct rundown_pcpu_ref *ref;

	ref = kmalloc(size, gfp);
	if (!ref)
		return NULL;
	rundown_pcpu_setup(ref, size, name, key, flags, _RET_IP_);
	ref->flags |= RUNDOWN_PCPU_ALLOCATED;
	return ref;
}
EXPORT_SYMBOL_GPL(__rundown_pcpu_alloc);

/* Current holders: the sum of all counters.  Only the waiter's view. */
long rundown_pcpu_holders(const struct rundown_pcpu_ref *ref)
{
	unsigned long sum = 0;
	unsigned int cpu;

	if (!ref->slots)
		return atomic_long_read(&ref->shared);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		sum += READ_ONCE(ref->slots[cpu].count);
	return (long)sum;
}
EXPORT_SYMBOL_GPL(rundown_pcpu_holders);

/**
 * rundown_pcpu_free() - free an object from rundown_pcpu_alloc()
 * @ref: the object, or NULL
 *
 * An object set up with rundown_pcpu_init(), or one that still has holders
 * or a wait in progress, is reported and not freed.
 *
 * Context: Any context.
 */
void rundown_pcpu_free(struct rundown_pcpu_ref *ref)
{
	unsigned long state;

	if (!ref)
		return;
	state = READ_ONCE(ref->state);
	if (rundown_misuse(!rundown_pcpu_usable(state) ||
			   !(ref->flags & RUNDOWN_PCPU_ALLOCATED),
			   "freeing a cache-aware ref that was not allocated\n"))
		return;
	if (rundown_misuse(state == RUNDOWN_PCPU_WAITING ||
			   rundown_pcpu_holders(ref) != 0,
			   "freeing a cache-aware ref that still has holders\n"))
		return;
	kfree(ref);
}
EXPORT_SYMBOL_GPL(rundown_pcpu_free);

/* Add @delta to this CPU's counter.  Interrupts are disabled. */
static __always_inline void rundown_pcpu_add(struct rundown_pcpu_ref *ref,
					     long delta)
{
	struct rundown_pcpu_slot *slot;

	if (unlikely(!ref->slots)) {
		atomic_long_add(delta, &ref->shared);
		return;
	}
	slot = &ref->slots[smp_processor_id()];
	WRITE_ONCE(slot->count, slot->count + delta);
}

/**
 * rundown_pcpu_acquire_many() - acquire cache-aware protection @count times
 * @ref: the object
 * @count: number of references to take; 0 only tests whether run-down
 *	has started
 *
 * All or nothing: the holder count changes only if this returns true.
 * Writes only the current CPU's counter; the matching release may run on
 * any CPU.  Holders in total must stay below RUNDOWN_COUNT_LIMIT; a count
 * above it is refused and reported.  A count of 0 takes nothing and needs
 * no release.
 *
 * Context: Any context except NMI: never sleeps, callable from hardirq and
 * softirq and with spinlocks held.
 * Return: true if protection was acquired (the caller must release it),
 * false if run-down has started or completed.
 */
bool rundown_pcpu_acquire_many(struct rundown_pcpu_ref *ref,
			       unsigned int count)
{
	unsigned long flags;
	bool live;

	/* Only 32-bit kernels have counts that a slot cannot hold. */
	if (rundown_misuse(!rundown_count_fits(count),
			   "cache-aware acquire of %u is more than a ref can count\n",
			   count))
		return false;
	if (!count) {
		/* Takes nothing; pairs with the release in reinit, as below. */
		return smp_load_acquire(&ref->state) == RUNDOWN_PCPU_LIVE;
	}

	local_irq_save(flags);
	/* Pairs with the release in reinit: see the owner's new object. */
	live = smp_load_acquire(&ref->state) == RUNDOWN_PCPU_LIVE;
	if (likely(live)) {
		rundown_test_point(RUNDOWN_TP_PCPU_ACQUIRE_LIVE, ref);
		rundown_pcpu_add(ref, count);
	}
	local_irq_restore(flags);
	if (unlikely(!live))
		trace_rundown_acquire_refused(ref, true, count);
	else
		rundown_lockdep_acquire(ref);
	return live;
}
EXPORT_SYMBOL_GPL(rundown_pcpu_acquire_many);

/**
 * rundown_pcpu_acquire() - acquire cache-aware protection
 * @ref: the object
 *
 * Context: Any context except NMI: never sleeps, callable from hardirq and
 * softirq and with spinlocks held.
 * Return: true if protection was acquired (the caller must release it),
 * false if run-down has started or completed.
 */
bool rundown_pcpu_acquire(struct rundown_pcpu_ref *ref)
{
	return rundown_pcpu_acquire_many(ref, 1);
}
EXPORT_SYMBOL_GPL(rundown_pcpu_acquire);

/* A release during a wait; interrupts are disabled. */
static void rundown_pcpu_release_waiting(struct rundown_pcpu_ref *ref,
					 unsigned int count)
{
	struct task_struct *waiter;

	rundown_test_point(RUNDOWN_TP_PCPU_RELEASE_WAITING, ref);
	/* Tell the waiter to wait this section out, before the update. */
	WRITE_ONCE(ref->late_release, 1);
	/* Order the critical section and the flag before the update. */
	smp_mb();
	rundown_pcpu_add(ref, -(long)count);
	/* Order the update before the read of @waiter: see the theory above. */
	smp_mb();
	rundown_test_point(RUNDOWN_TP_PCPU_RELEASE_UPDATED, ref);
	waiter = READ_ONCE(ref->waiter);
	if (waiter)
		wake_up_process(waiter);
}

/**
 * rundown_pcpu_release_many() - release cache-aware protection @count times
 * @ref: the object
 * @count: number of references to drop, as acquired
 *
 * May run on another CPU than the acquire.  Wakes the waiter while a wait
 * is in progress.  A release after the wait has returned is reported and
 * ignored.  A count of 0 does nothing, in every state.
 *
 * Context: Any context except NMI: never sleeps, callable from hardirq and
 * softirq and with spinlocks held, not with the scheduler's own locks held
 * (a release during a wait calls wake_up_process()).
 */
void rundown_pcpu_release_many(struct rundown_pcpu_ref *ref,
			       unsigned int count)
{
	unsigned long flags, state;

	/*
	 * A zero-count release pairs with an acquire of 0, which took nothing.
	 * It is not counted in the slots, so the wait may return and the
	 * owner free the object at any moment: it must not touch the object.
	 */
	if (!count)
		return;
	if (rundown_misuse(!rundown_count_fits(count),
			   "cache-aware release of %u is more than a ref can count\n",
			   count))
		return;

	/* Before the update: the object may be freed right after it. */
	if (rundown_pcpu_usable(READ_ONCE(ref->state)))
		rundown_lockdep_release(ref);
	local_irq_save(flags);
	state = READ_ONCE(ref->state);
	if (likely(state == RUNDOWN_PCPU_LIVE))
		rundown_pcpu_add(ref, -(long)count);
	else if (state == RUNDOWN_PCPU_WAITING)
		rundown_pcpu_release_waiting(ref, count);
	local_irq_restore(flags);

	/* Reported with interrupts enabled: a KUnit test may count it. */
	rundown_misuse(state != RUNDOWN_PCPU_LIVE &&
		       state != RUNDOWN_PCPU_WAITING,
		       "cache-aware release on a ref that is run down\n");
}
EXPORT_SYMBOL_GPL(rundown_pcpu_release_many);

/**
 * rundown_pcpu_release() - release cache-aware protection
 * @ref: the object
 *
 * Context: Any context except NMI: never sleeps, callable from hardirq and
 * softirq and with spinlocks held, not with the scheduler's own locks held.
 */
void rundown_pcpu_release(struct rundown_pcpu_ref *ref)
{
	rundown_pcpu_release_many(ref, 1);
}
EXPORT_SYMBOL_GPL(rundown_pcpu_release);

/* Runs on every online CPU, between two fast-path sections. */
static void rundown_pcpu_fence(void *unused)
{
	/* Order this CPU's finished sections before the waiter's sum. */
	smp_mb();
}

/*
 * Sleep until the slots sum to zero or below; releases that see WAITING
 * wake us.  A wait longer than rundown_hung_wait_secs is reported once.
 * Return the last sum.
 */
static long rundown_pcpu_drain(struct rundown_pcpu_ref *ref)
{
	long timeout = rundown_hung_timeout() ?: MAX_SCHEDULE_TIMEOUT;
	long holders;

	WRITE_ONCE(ref->waiter, current);
	for (;;) {
		/* Full barrier: pairs with rundown_pcpu_release_waiting(). */
		set_current_state(TASK_UNINTERRUPTIBLE);
		holders = rundown_pcpu_holders(ref);
		if (holders <= 0)
			break;
		timeout = schedule_timeout(timeout);
		if (!timeout) {
			rundown_report_hung(ref, ref->name, ref->init_site,
					    rundown_pcpu_holders(ref));
			timeout = MAX_SCHEDULE_TIMEOUT;
		}
	}
	__set_current_state(TASK_RUNNING);
	return holders;
}

/*
 * Move @ref from LIVE to WAITING.  Return false if there is nothing to wait
 * for here: run down already, unusable, or another thread's wait, which
 * this one then waits for.
 */
static bool rundown_pcpu_close(struct rundown_pcpu_ref *ref)
{
	unsigned long state = READ_ONCE(ref->state);

	do {
		if (state == RUNDOWN_PCPU_WAITING) {
			wait_var_event(&ref->state,
				       READ_ONCE(ref->state) != RUNDOWN_PCPU_WAITING);
			goto other;
		}
		if (state != RUNDOWN_PCPU_LIVE)
			goto other;
	} while (!try_cmpxchg(&ref->state, &state, RUNDOWN_PCPU_WAITING));
	return true;

other:
	/*
	 * The state that ends this wait was read by a plain load or a failed
	 * compare-and-exchange: make it an acquire, pairing with the full
	 * barrier before the store of DEAD in rundown_pcpu_wait(), so that the
	 * caller's teardown sees what the holders did.
	 */
	smp_acquire__after_ctrl_dep();
	return false;
}

/**
 * rundown_pcpu_wait() - run down: stop new acquires and wait for the holders
 * @ref: the object
 *
 * Makes every later acquire fail on every CPU, then sleeps until every
 * holder has released.  Afterwards @ref is run down: a second call has no
 * effect, and rundown_pcpu_reinit() makes it usable again.  If another
 * thread is already waiting, returns when that wait finishes (or later, if
 * @ref is reinitialised and waited for again before this thread looks).  A wait that
 * lasts longer than the module parameter hung_wait_secs is reported once,
 * and goes on.  A later waiter reads @ref once more after the first wait
 * has finished: @ref's memory must stay valid until every waiter has
 * returned.
 *
 * Context: Process context with interrupts enabled; may sleep.  Must not be
 * called while holding protection on @ref.
 */
void rundown_pcpu_wait(struct rundown_pcpu_ref *ref)
{
	u64 start = ktime_get_ns();
	long holders, left;

	might_sleep();
	if (!rundown_pcpu_usable(READ_ONCE(ref->state)))
		return;
	rundown_lockdep_wait(ref);

	if (!rundown_pcpu_close(ref))
		return;

	/* Every CPU finishes its current section; later ones see WAITING. */
	on_each_cpu(rundown_pcpu_fence, NULL, 1);

	holders = rundown_pcpu_holders(ref);
	trace_rundown_wait_start(ref, true, holders);
	left = holders > 0 ? rundown_pcpu_drain(ref) : holders;

	/* Order the reads of the slots before the read of @late_release. */
	smp_rmb();
	if (READ_ONCE(ref->late_release)) {
		/* Wait out the releases still inside their section. */
		on_each_cpu(rundown_pcpu_fence, NULL, 1);
		WRITE_ONCE(ref->late_release, 0);
	}
	WRITE_ONCE(ref->waiter, NULL);
	rundown_misuse(left < 0,
		       "cache-aware holders went negative (%ld): release without acquire\n",
		       left);

	/* Order the holders' critical sections before the owner's teardown. */
	smp_mb();
	rundown_test_point(RUNDOWN_TP_PCPU_WAIT_END, ref);
	/*
	 * wake_up_var() looks at the wait queue without its lock: the store of
	 * DEAD must be visible before that look, or a second waiter that
	 * queued itself and then read WAITING would sleep forever.
	 * smp_store_mb() pairs with the full barrier between queueing and the
	 * condition check of wait_var_event() in rundown_pcpu_close()
	 * (set_current_state()).
	 */
	smp_store_mb(ref->state, RUNDOWN_PCPU_DEAD);
	wake_up_var(&ref->state);
	trace_rundown_wait_end(ref, true, holders, ktime_get_ns() - start);
}
EXPORT_SYMBOL_GPL(rundown_pcpu_wait);

/* Report and refuse a state change on an object that is not run down. */
static bool rundown_pcpu_not_run_down(struct rundown_pcpu_ref *ref,
				      const char *what)
{
	unsigned long state = READ_ONCE(ref->state);

	return rundown_misuse(state != RUNDOWN_PCPU_DEAD,
			      "%s() on a cache-aware ref that is %s\n", what,
			      state == RUNDOWN_PCPU_LIVE ? "not run down" :
			      state == RUNDOWN_PCPU_WAITING ? "being waited for" :
			      "unusable");
}

/**
 * rundown_pcpu_completed() - mark cache-aware run-down as completed
 * @ref: an object on which rundown_pcpu_wait() has returned
 *
 * rundown_pcpu_wait() already leaves the completed state, so this only
 * checks that @ref is run down; otherwise it reports the misuse and
 * changes nothing.
 *
 * Context: Any context: never sleeps.
 */
void rundown_pcpu_completed(struct rundown_pcpu_ref *ref)
{
	rundown_pcpu_not_run_down(ref, __func__);
}
EXPORT_SYMBOL_GPL(rundown_pcpu_completed);

/**
 * rundown_pcpu_reinit() - make a run-down cache-aware object usable again
 * @ref: an object on which rundown_pcpu_wait() has returned
 *
 * Acquires succeed again afterwards.  Called on a live object, or while a
 * wait is in progress, it reports the misuse and changes nothing.
 *
 * Context: Any context: never sleeps, callable with spinlocks held.
 */
void rundown_pcpu_reinit(struct rundown_pcpu_ref *ref)
{
	if (rundown_pcpu_not_run_down(ref, __func__))
		return;
	/* Publish the new object before acquires can succeed again. */
	smp_store_release(&ref->state, RUNDOWN_PCPU_LIVE);
}
EXPORT_SYMBOL_GPL(rundown_pcpu_reinit);
