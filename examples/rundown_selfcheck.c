// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_selfcheck: call every exported routine of rundown, under its
 * Linux name and under its Windows name, and check what it does.
 *
 * Meant for a kernel that rundown was just built for or installed on: load
 * rundown.ko, then this module.  It prints one line per check,
 *
 *   rundown-selfcheck: ok - <routine>: <what was checked>
 *   rundown-selfcheck: not ok - <routine>: <what was checked>
 *
 * and a summary.  Every check uses the routines as documented (no misuse),
 * so a correct rundown prints no warning.  The module stays loaded, so that
 * rundown cannot be unloaded under it, until it is removed with rmmod.
 */

#define pr_fmt(fmt) "rundown-selfcheck: " fmt

#include <linux/cache.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <rundown/rundown.h>
#include <rundown/wdm.h>

static unsigned int passed, failed;

static void check(bool ok, const char *name)
{
	if (ok) {
		passed++;
		pr_info("ok - %s\n", name);
	} else {
		failed++;
		pr_err("not ok - %s\n", name);
	}
}

/*
 * A holder that releases from a work item, on another CPU if there is one,
 * once the owner's wait has started: it polls until an acquire is refused,
 * then releases the reference it was given.
 */
struct holder {
	struct delayed_work work;
	struct rundown_ref *ref;
	struct rundown_pcpu_ref *pref;
	bool windows;
	bool refused_while_waiting;
	bool released;
};

static bool holder_acquire(struct holder *h)
{
	if (h->pref)
		return h->windows ? ExAcquireRundownProtectionCacheAware(h->pref) :
				    rundown_pcpu_acquire(h->pref);
	return h->windows ? ExAcquireRundownProtection(h->ref) :
			    rundown_acquire(h->ref);
}

static void holder_release(struct holder *h)
{
	if (h->pref && h->windows)
		ExReleaseRundownProtectionCacheAware(h->pref);
	else if (h->pref)
		rundown_pcpu_release(h->pref);
	else if (h->windows)
		ExReleaseRundownProtection(h->ref);
	else
		rundown_release(h->ref);
}

static void holder_work(struct work_struct *work)
{
	struct holder *h = container_of(to_delayed_work(work), struct holder,
					work);
	unsigned long timeout = jiffies + 10 * HZ;

	while (time_before(jiffies, timeout)) {
		if (!holder_acquire(h)) {
			h->refused_while_waiting = true;
			break;
		}
		holder_release(h);
		usleep_range(500, 1000);
	}

	/* The owner must still be waiting for this reference. */
	WRITE_ONCE(h->released, true);
	holder_release(h);
}

static void holder_wait(struct holder *h)
{
	if (h->pref && h->windows)
		ExWaitForRundownProtectionReleaseCacheAware(h->pref);
	else if (h->pref)
		rundown_pcpu_wait(h->pref);
	else if (h->windows)
		ExWaitForRundownProtectionRelease(h->ref);
	else
		rundown_wait(h->ref);
}

/*
 * Hand the caller's one remaining reference on @ref or @pref to a holder on
 * another CPU and wait for run-down.  Checks that the holder's acquires
 * failed during the wait (@name_refused), and returns whether the wait
 * returned only after the holder's release.
 */
static bool check_blocking_wait(struct rundown_ref *ref,
				struct rundown_pcpu_ref *pref, bool windows,
				const char *name_refused)
{
	struct holder h = {
		.ref = ref, .pref = pref, .windows = windows,
	};
	unsigned int cpu = get_cpu();
	unsigned int other = cpumask_any_but(cpu_online_mask, cpu);
	bool released;

	put_cpu();
	if (other >= nr_cpu_ids)
		other = cpu;

	INIT_DELAYED_WORK_ONSTACK(&h.work, holder_work);
	schedule_delayed_work_on(other, &h.work, msecs_to_jiffies(20));
	holder_wait(&h);
	released = READ_ONCE(h.released);
	flush_delayed_work(&h.work);
	destroy_delayed_work_on_stack(&h.work);
	check(h.refused_while_waiting, name_refused);
	return released;
}

static void check_linux_plain(void)
{
	struct rundown_ref ref;

	/* An owner ref: every reference is released by the acquiring task. */
	rundown_init(&ref);
	check(atomic_long_read(&ref.count) == 0,
	      "rundown_init: a new ref has no holders and is not run down");
	check(rundown_acquire(&ref),
	      "rundown_acquire: succeeds on a live ref");
	check(rundown_acquire_many(&ref, 3) &&
	      atomic_long_read(&ref.count) == 4 * RUNDOWN_COUNT_INC,
	      "rundown_acquire_many: takes 3 references at once");
	check(rundown_acquire_many(&ref, 0) &&
	      atomic_long_read(&ref.count) == 4 * RUNDOWN_COUNT_INC,
	      "rundown_acquire_many: a count of 0 succeeds and takes nothing");
	rundown_release_many(&ref, 3);
	check(atomic_long_read(&ref.count) == RUNDOWN_COUNT_INC,
	      "rundown_release_many: drops 3 references at once");
	rundown_release(&ref);
	check(atomic_long_read(&ref.count) == 0,
	      "rundown_release: drops the last reference");
	rundown_wait(&ref);
	check(!rundown_acquire(&ref) &&
	      atomic_long_read(&ref.count) == RUNDOWN_ACTIVE,
	      "rundown_wait: without holders returns at once, acquires fail");
	check(!rundown_acquire_many(&ref, 0),
	      "rundown_acquire_many: a count of 0 fails on a run-down ref");
	rundown_wait(&ref);
	check(atomic_long_read(&ref.count) == RUNDOWN_ACTIVE,
	      "rundown_wait: a second wait returns at once");
	rundown_completed(&ref);
	check(!rundown_acquire(&ref),
	      "rundown_completed: the ref stays run down");
	rundown_reinit(&ref);
	check(rundown_acquire(&ref),
	      "rundown_reinit: acquires succeed again");
	rundown_release(&ref);
	rundown_wait(&ref);

	/* A non-owner ref: another task releases the last reference. */
	rundown_init_non_owner(&ref);
	check(rundown_acquire(&ref),
	      "rundown_init_non_owner: a new ref is live");
	check(check_blocking_wait(&ref, NULL, false,
				  "rundown_acquire: fails while a wait is in progress"),
	      "rundown_wait: returns only after another task released the last reference");
	check(!rundown_acquire(&ref) &&
	      atomic_long_read(&ref.count) == RUNDOWN_ACTIVE,
	      "rundown_wait: leaves the ref run down after a blocking wait");
}

/*
 * Acquire, release, wait and reinitialise one cache-aware object.  With
 * @owner every release runs in this task; otherwise the last reference is
 * released by another task on another CPU while this one waits.
 */
static void check_linux_pcpu_object(struct rundown_pcpu_ref *pref,
				    const char *how, bool owner)
{
	char name[160];
	bool released;

	snprintf(name, sizeof(name),
		 "rundown_pcpu_acquire: succeeds on a live object (%s)", how);
	check(rundown_pcpu_acquire(pref), name);
	snprintf(name, sizeof(name),
		 "rundown_pcpu_acquire_many: takes 3 references at once (%s)",
		 how);
	check(rundown_pcpu_acquire_many(pref, 3), name);
	rundown_pcpu_release_many(pref, 3);

	/* A wrong count would make the wait return early, or never. */
	if (owner) {
		rundown_pcpu_release(pref);
		rundown_pcpu_wait(pref);
		released = true;
		snprintf(name, sizeof(name),
			 "rundown_pcpu_release: drops the last reference, the wait returns (%s)",
			 how);
	} else {
		released = check_blocking_wait(NULL, pref, false,
					       "rundown_pcpu_acquire: fails while a wait is in progress");
		snprintf(name, sizeof(name),
			 "rundown_pcpu_wait: returns only after another task released the last reference on another CPU (%s)",
			 how);
	}
	check(released, name);
	snprintf(name, sizeof(name),
		 "rundown_pcpu_release_many: drops 3 references at once (%s)",
		 how);
	check(released, name);
	snprintf(name, sizeof(name),
		 "rundown_pcpu_wait: leaves the object run down (%s)", how);
	check(!rundown_pcpu_acquire(pref) &&
	      !rundown_pcpu_acquire_many(pref, 2), name);

	rundown_pcpu_wait(pref);
	rundown_pcpu_completed(pref);
	snprintf(name, sizeof(name),
		 "rundown_pcpu_completed: a second wait returns, still run down (%s)",
		 how);
	check(!rundown_pcpu_acquire(pref), name);

	rundown_pcpu_reinit(pref);
	snprintf(name, sizeof(name),
		 "rundown_pcpu_reinit: acquires succeed again (%s)", how);
	check(rundown_pcpu_acquire(pref), name);
	rundown_pcpu_release(pref);
	rundown_pcpu_wait(pref);
}

static void check_linux_pcpu(void)
{
	size_t size = rundown_pcpu_size();
	struct rundown_pcpu_ref *pref;

	check(size >= nr_cpu_ids * SMP_CACHE_BYTES,
	      "rundown_pcpu_size: leaves a cache line per possible CPU");

	pref = kmalloc(size, GFP_KERNEL);
	check(pref, "rundown_pcpu_size: a buffer of that size was allocated");
	if (pref) {
		rundown_pcpu_init(pref, size);
		check_linux_pcpu_object(pref, "rundown_pcpu_init", true);
		rundown_pcpu_init_non_owner(pref, size);
		check_linux_pcpu_object(pref, "rundown_pcpu_init_non_owner",
					false);
		kfree(pref);
	}

	pref = rundown_pcpu_alloc(GFP_KERNEL);
	check(pref, "rundown_pcpu_alloc: returns an object");
	if (pref) {
		check_linux_pcpu_object(pref, "rundown_pcpu_alloc", true);
		rundown_pcpu_free(pref);
	}

	pref = rundown_pcpu_alloc_non_owner(GFP_KERNEL);
	check(pref, "rundown_pcpu_alloc_non_owner: returns an object");
	if (pref) {
		check_linux_pcpu_object(pref, "rundown_pcpu_alloc_non_owner",
					false);
		rundown_pcpu_free(pref);
	}
	rundown_pcpu_free(NULL);
	check(true, "rundown_pcpu_free: returns for run-down objects and for NULL");
}

static void check_windows_plain(void)
{
	EX_RUNDOWN_REF RunRef;

	ExInitializeRundownProtection(&RunRef);
	check(atomic_long_read(&RunRef.count) == 0,
	      "ExInitializeRundownProtection: the count is zero");
	check(ExAcquireRundownProtection(&RunRef) == TRUE,
	      "ExAcquireRundownProtection: returns TRUE on a live ref");
	check(ExAcquireRundownProtectionEx(&RunRef, 2) == TRUE &&
	      atomic_long_read(&RunRef.count) == 3 * EX_RUNDOWN_COUNT_INC,
	      "ExAcquireRundownProtectionEx: takes 2 references at once");
	ExReleaseRundownProtectionEx(&RunRef, 2);
	check(atomic_long_read(&RunRef.count) == EX_RUNDOWN_COUNT_INC,
	      "ExReleaseRundownProtectionEx: drops 2 references at once");

	check(check_blocking_wait(&RunRef, NULL, true,
				  "ExAcquireRundownProtection: returns FALSE during the wait"),
	      "ExWaitForRundownProtectionRelease: returns only after the last holder released");
	check(ExAcquireRundownProtection(&RunRef) == FALSE &&
	      atomic_long_read(&RunRef.count) == EX_RUNDOWN_ACTIVE,
	      "ExWaitForRundownProtectionRelease: acquires fail afterwards");
	ExRundownCompleted(&RunRef);
	ExWaitForRundownProtectionRelease(&RunRef);
	check(ExAcquireRundownProtection(&RunRef) == FALSE,
	      "ExRundownCompleted: still run down, a second wait returns at once");

	ExReInitializeRundownProtection(&RunRef);
	check(ExAcquireRundownProtection(&RunRef) == TRUE,
	      "ExReInitializeRundownProtection: acquires succeed again");
	/* One implementation, two names: release under the Linux name. */
	rundown_release(&RunRef);
	check(atomic_long_read(&RunRef.count) == 0,
	      "ExReleaseRundownProtection: the Linux and Windows names mix");
	ExAcquireRundownProtection(&RunRef);
	ExReleaseRundownProtection(&RunRef);
	check(atomic_long_read(&RunRef.count) == 0,
	      "ExReleaseRundownProtection: drops the last reference");
	ExWaitForRundownProtectionRelease(&RunRef);

	/*
	 * wdm.h makes the initialisers, the acquire and the release macros;
	 * the parenthesised name calls the exported function, as a call
	 * through a pointer would.
	 */
	(ExInitializeRundownProtection)(&RunRef);
	check(atomic_long_read(&RunRef.count) == 0,
	      "ExInitializeRundownProtection: the exported function works too");
	check((ExAcquireRundownProtection)(&RunRef) == TRUE &&
	      atomic_long_read(&RunRef.count) == EX_RUNDOWN_COUNT_INC,
	      "ExAcquireRundownProtection: the exported function works too");
	(ExReleaseRundownProtection)(&RunRef);
	check(atomic_long_read(&RunRef.count) == 0,
	      "ExReleaseRundownProtection: the exported function works too");
	ExWaitForRundownProtectionRelease(&RunRef);
}

/* The Windows way of embedding: a device extension with the object last. */
struct selfcheck_extension {
	unsigned long flags;
	PEX_RUNDOWN_REF_CACHE_AWARE RunRef;
	u8 storage[] __aligned(sizeof(void *));
};

static void check_windows_cache_aware_object(PEX_RUNDOWN_REF_CACHE_AWARE RunRef)
{
	bool released;

	check(ExAcquireRundownProtectionCacheAware(RunRef) == TRUE,
	      "ExAcquireRundownProtectionCacheAware: returns TRUE on a live object");
	check(ExAcquireRundownProtectionCacheAwareEx(RunRef, 4) == TRUE,
	      "ExAcquireRundownProtectionCacheAwareEx: takes 4 references at once");
	ExReleaseRundownProtectionCacheAwareEx(RunRef, 4);

	/* A wrong count would make the wait return early, or never. */
	released = check_blocking_wait(NULL, RunRef, true,
				       "ExAcquireRundownProtectionCacheAware: returns FALSE during the wait");
	check(released,
	      "ExWaitForRundownProtectionReleaseCacheAware: returns only after the last holder released on another CPU");
	check(released,
	      "ExReleaseRundownProtectionCacheAwareEx: drops 4 references at once");
	check(ExAcquireRundownProtectionCacheAwareEx(RunRef, 1) == FALSE,
	      "ExWaitForRundownProtectionReleaseCacheAware: acquires fail afterwards");
	ExRundownCompletedCacheAware(RunRef);
	ExWaitForRundownProtectionReleaseCacheAware(RunRef);
	check(ExAcquireRundownProtectionCacheAware(RunRef) == FALSE,
	      "ExRundownCompletedCacheAware: still run down, a second wait returns at once");

	ExReInitializeRundownProtectionCacheAware(RunRef);
	check(ExAcquireRundownProtectionCacheAware(RunRef) == TRUE,
	      "ExReInitializeRundownProtectionCacheAware: acquires succeed again");
	ExReleaseRundownProtectionCacheAware(RunRef);
	ExWaitForRundownProtectionReleaseCacheAware(RunRef);
	check(ExAcquireRundownProtectionCacheAware(RunRef) == FALSE,
	      "ExReleaseRundownProtectionCacheAware: drops the last reference");
}

/* Acquire, release, wait: true if the object works and ends run down. */
static bool check_cache_aware_cycle(PEX_RUNDOWN_REF_CACHE_AWARE RunRef)
{
	if (!ExAcquireRundownProtectionCacheAware(RunRef))
		return false;
	ExReleaseRundownProtectionCacheAware(RunRef);
	ExWaitForRundownProtectionReleaseCacheAware(RunRef);
	return !ExAcquireRundownProtectionCacheAware(RunRef);
}

static void check_windows_cache_aware(void)
{
	SIZE_T Size = ExSizeOfRundownProtectionCacheAware();
	struct selfcheck_extension *ext;
	PEX_RUNDOWN_REF_CACHE_AWARE RunRef;

	check(Size == rundown_pcpu_size(),
	      "ExSizeOfRundownProtectionCacheAware: the size rundown_pcpu_size() gives");

	ext = kzalloc(sizeof(*ext) + Size, GFP_KERNEL);
	if (ext) {
		ext->RunRef = (PEX_RUNDOWN_REF_CACHE_AWARE)ext->storage;
		ExInitializeRundownProtectionCacheAware(ext->RunRef, Size);
		check_windows_cache_aware_object(ext->RunRef);
		/*
		 * wdm.h makes the initialisers macros; the parenthesised
		 * name calls the exported function, as a call through a
		 * pointer would.
		 */
		(ExInitializeRundownProtectionCacheAware)(ext->RunRef, Size);
		check(check_cache_aware_cycle(ext->RunRef),
		      "ExInitializeRundownProtectionCacheAware: the exported function works too");
		kfree(ext);
	}
	check(ext,
	      "ExInitializeRundownProtectionCacheAware: works in a device extension");

	RunRef = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, 0x6b636843);
	check(RunRef, "ExAllocateCacheAwareRundownProtection: returns an object");
	if (RunRef) {
		check_windows_cache_aware_object(RunRef);
		ExFreeCacheAwareRundownProtection(RunRef);
		check(true, "ExFreeCacheAwareRundownProtection: returns for a run-down object");
	}

	RunRef = (ExAllocateCacheAwareRundownProtection)(NonPagedPool, 0);
	check(RunRef && check_cache_aware_cycle(RunRef),
	      "ExAllocateCacheAwareRundownProtection: the exported function works too");
	if (RunRef) {
		/* So are the acquire and the release. */
		ExReInitializeRundownProtectionCacheAware(RunRef);
		check((ExAcquireRundownProtectionCacheAware)(RunRef) == TRUE,
		      "ExAcquireRundownProtectionCacheAware: the exported function works too");
		(ExReleaseRundownProtectionCacheAware)(RunRef);
		ExWaitForRundownProtectionReleaseCacheAware(RunRef);
		check(ExAcquireRundownProtectionCacheAware(RunRef) == FALSE,
		      "ExReleaseRundownProtectionCacheAware: the exported function works too");
	}
	ExFreeCacheAwareRundownProtection(RunRef);
}

/*
 * Count and Ptr, as Windows code uses them: zero-filled memory is a live
 * ref, and writing EX_RUNDOWN_ACTIVE makes a run-down one.  With lock
 * debugging the ref also holds a lockdep map, which memory from the
 * allocator gets from ExInitializeRundownProtection() only.
 */
static void check_windows_fields(void)
{
	PEX_RUNDOWN_REF RunRef = kzalloc(sizeof(*RunRef), GFP_KERNEL);

	check(RunRef, "EX_RUNDOWN_REF: allocated zero-filled");
	if (!RunRef)
		return;
	if (IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC))
		ExInitializeRundownProtection(RunRef);
	check(RunRef->Count == 0 && !RunRef->Ptr &&
	      ExAcquireRundownProtection(RunRef) == TRUE,
	      "EX_RUNDOWN_REF: zero-filled memory is a live ref with no holders");
	check(RunRef->Count == EX_RUNDOWN_COUNT_INC &&
	      RunRef->Ptr == (PVOID)EX_RUNDOWN_COUNT_INC,
	      "EX_RUNDOWN_REF: Count and Ptr are the word, holders << EX_RUNDOWN_COUNT_SHIFT");
	ExReleaseRundownProtection(RunRef);

	RunRef->Count = EX_RUNDOWN_ACTIVE;
	check(ExAcquireRundownProtection(RunRef) == FALSE &&
	      ExAcquireRundownProtectionEx(RunRef, 0) == FALSE,
	      "EX_RUNDOWN_REF: Count = EX_RUNDOWN_ACTIVE makes a run-down ref");
	ExWaitForRundownProtectionRelease(RunRef);
	ExReInitializeRundownProtection(RunRef);
	check(RunRef->Count == 0 && ExAcquireRundownProtection(RunRef) == TRUE,
	      "EX_RUNDOWN_REF: a ref run down through Count is reinitialised as any other");
	ExReleaseRundownProtection(RunRef);
	ExWaitForRundownProtectionRelease(RunRef);
	check(RunRef->Count == EX_RUNDOWN_ACTIVE,
	      "EX_RUNDOWN_REF: Count is EX_RUNDOWN_ACTIVE once run down");
	kfree(RunRef);
}

/*
 * Whether two routine addresses are equal, compared at run time: the
 * compiler may assume that distinct functions have distinct addresses.
 */
static bool same_routine(const void *a, const void *b)
{
	OPTIMIZER_HIDE_VAR(a);
	OPTIMIZER_HIDE_VAR(b);
	return a == b;
}

#define check_exf(exf, ex)						\
	check(same_routine(&(exf), &(ex)), #exf ": the same function as " #ex)

/* The Exf* entry points: aliases of the Ex* functions, used as such. */
static void check_windows_exf(void)
{
	PEX_RUNDOWN_REF_CACHE_AWARE CacheAware;
	EX_RUNDOWN_REF RunRef;
	bool ok;

	check_exf(ExfInitializeRundownProtection, ExInitializeRundownProtection);
	check_exf(ExfReInitializeRundownProtection, ExReInitializeRundownProtection);
	check_exf(ExfAcquireRundownProtection, ExAcquireRundownProtection);
	check_exf(ExfAcquireRundownProtectionEx, ExAcquireRundownProtectionEx);
	check_exf(ExfReleaseRundownProtection, ExReleaseRundownProtection);
	check_exf(ExfReleaseRundownProtectionEx, ExReleaseRundownProtectionEx);
	check_exf(ExfWaitForRundownProtectionRelease, ExWaitForRundownProtectionRelease);
	check_exf(ExfRundownCompleted, ExRundownCompleted);
	check_exf(ExfReInitializeRundownProtectionCacheAware,
		  ExReInitializeRundownProtectionCacheAware);
	check_exf(ExfAcquireRundownProtectionCacheAware,
		  ExAcquireRundownProtectionCacheAware);
	check_exf(ExfAcquireRundownProtectionCacheAwareEx,
		  ExAcquireRundownProtectionCacheAwareEx);
	check_exf(ExfReleaseRundownProtectionCacheAware,
		  ExReleaseRundownProtectionCacheAware);
	check_exf(ExfReleaseRundownProtectionCacheAwareEx,
		  ExReleaseRundownProtectionCacheAwareEx);
	check_exf(ExfWaitForRundownProtectionReleaseCacheAware,
		  ExWaitForRundownProtectionReleaseCacheAware);
	check_exf(ExfRundownCompletedCacheAware, ExRundownCompletedCacheAware);

	ExfInitializeRundownProtection(&RunRef);
	ok = RunRef.Count == 0 && ExfAcquireRundownProtection(&RunRef) &&
	     ExfAcquireRundownProtectionEx(&RunRef, 2) &&
	     RunRef.Count == 3 * EX_RUNDOWN_COUNT_INC;
	ExfReleaseRundownProtectionEx(&RunRef, 2);
	ExfReleaseRundownProtection(&RunRef);
	ok = ok && RunRef.Count == 0;
	ExfWaitForRundownProtectionRelease(&RunRef);
	ExfRundownCompleted(&RunRef);
	ok = ok && RunRef.Count == EX_RUNDOWN_ACTIVE &&
	     !ExfAcquireRundownProtection(&RunRef);
	ExfReInitializeRundownProtection(&RunRef);
	ok = ok && RunRef.Count == 0;
	check(ok, "Exf*: a plain ref through the Exf names alone");

	CacheAware = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx,
							   0x6b636843);
	ok = CacheAware && ExfAcquireRundownProtectionCacheAware(CacheAware) &&
	     ExfAcquireRundownProtectionCacheAwareEx(CacheAware, 2);
	if (ok) {
		ExfReleaseRundownProtectionCacheAwareEx(CacheAware, 2);
		ExfReleaseRundownProtectionCacheAware(CacheAware);
		ExfWaitForRundownProtectionReleaseCacheAware(CacheAware);
		ExfRundownCompletedCacheAware(CacheAware);
		ok = !ExfAcquireRundownProtectionCacheAware(CacheAware);
		ExfReInitializeRundownProtectionCacheAware(CacheAware);
		ok = ok && check_cache_aware_cycle(CacheAware);
	}
	check(ok, "Exf*: a cache-aware object through the Exf names alone");
	ExFreeCacheAwareRundownProtection(CacheAware);
}

static int __init rundown_selfcheck_init(void)
{
	pr_info("checking every exported routine of rundown on %u online CPUs\n",
		num_online_cpus());
	check_linux_plain();
	check_linux_pcpu();
	check_windows_plain();
	check_windows_cache_aware();
	check_windows_fields();
	check_windows_exf();
	pr_info("%u passed, %u failed\n", passed, failed);
	pr_info("result %s\n", failed ? "not ok" : "ok");
	return 0;
}

static void __exit rundown_selfcheck_exit(void)
{
}

module_init(rundown_selfcheck_init);
module_exit(rundown_selfcheck_exit);

MODULE_DESCRIPTION("Example: check every exported routine of rundown");
MODULE_AUTHOR("The rundown developers");
MODULE_LICENSE("GPL");
