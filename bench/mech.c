// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_bench: the mechanisms under test.
 *
 * Each mechanism has one noinline function, bench_pair_<name>(), that does
 * one acquire+release pair on a live object, and a section that calls it n
 * times.  Keeping the pair out of line costs every mechanism the same call
 * and return, and gives bench/static.py one function per mechanism to read
 * in the object code.  The objects written by the fast paths each have a
 * cache line of their own.
 *
 * Mechanisms that can be torn down have operations on objects of their own
 * (struct bench_td_ops): a holder acquires and releases with the same calls
 * as the fast path, except where the teardown needs another one (the last
 * refcount_t put must complete the completion).
 */

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/percpu-refcount.h>
#include <linux/percpu-rwsem.h>
#include <linux/preempt.h>
#include <linux/rcu_sync.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/wait.h>
#include <rundown/rundown.h>
#include <rundown/wdm.h>

#include "bench.h"
#include "compat.h"

/* kernfs' KN_DEACTIVATED_BIAS: a deactivated node's active count. */
#define BENCH_KN_BIAS	(INT_MIN + 1)

/* The live objects of the fast-path measurements. */
static struct bench_live {
	/* Written by the fast paths. */
	EX_RUNDOWN_REF plain_wdm ____cacheline_aligned_in_smp;
	struct rundown_ref plain ____cacheline_aligned_in_smp;
	struct percpu_ref pref ____cacheline_aligned_in_smp;
	refcount_t refcount ____cacheline_aligned_in_smp;
#if BENCH_HAVE_RCUREF
	rcuref_t rcuref ____cacheline_aligned_in_smp;
#endif
	atomic_t kn_active ____cacheline_aligned_in_smp;
	atomic_long_t counter ____cacheline_aligned_in_smp;
	atomic_long_t failures ____cacheline_aligned_in_smp;
	/* Only read by the fast paths. */
	struct srcu_struct srcu ____cacheline_aligned_in_smp;
	struct percpu_rw_semaphore prw ____cacheline_aligned_in_smp;
	PEX_RUNDOWN_REF_CACHE_AWARE ca_wdm ____cacheline_aligned_in_smp;
	struct rundown_pcpu_ref *ca;
	unsigned long __percpu *pcpu;
	bool pref_ready;
	bool srcu_ready;
	bool prw_ready;
} bench_live;

/* Where a kernfs root's deactivate_waitq would be. */
static DECLARE_WAIT_QUEUE_HEAD(bench_kn_waitq);

/* An acquire failed on a live object: counted, reported at the end. */
static noinline void bench_fail(void)
{
	atomic_long_inc(&bench_live.failures);
}

/**
 * bench_mech_failures() - acquires that failed on a live object
 *
 * Return: their number since bench_mech_init(); anything but 0 is a bug.
 */
long bench_mech_failures(void)
{
	return atomic_long_read(&bench_live.failures);
}

/* One section: @n acquire+release pairs, each an out-of-line call. */
#define BENCH_SECTION(name)						\
static noinline void bench_section_##name(long n)			\
{									\
	while (n-- > 0)							\
		bench_pair_##name();					\
}

/* ---- run-down protection through the Windows names and the Linux API ---- */

static noinline void bench_pair_rundown_plain_wdm(void)
{
	if (likely(ExAcquireRundownProtection(&bench_live.plain_wdm)))
		ExReleaseRundownProtection(&bench_live.plain_wdm);
	else
		bench_fail();
}

BENCH_SECTION(rundown_plain_wdm)

static noinline void bench_pair_rundown_ca_wdm(void)
{
	if (likely(ExAcquireRundownProtectionCacheAware(bench_live.ca_wdm)))
		ExReleaseRundownProtectionCacheAware(bench_live.ca_wdm);
	else
		bench_fail();
}

BENCH_SECTION(rundown_ca_wdm)

static noinline void bench_pair_rundown_plain(void)
{
	if (likely(rundown_acquire(&bench_live.plain)))
		rundown_release(&bench_live.plain);
	else
		bench_fail();
}

BENCH_SECTION(rundown_plain)

static noinline void bench_pair_rundown_ca(void)
{
	if (likely(rundown_pcpu_acquire(bench_live.ca)))
		rundown_pcpu_release(bench_live.ca);
	else
		bench_fail();
}

BENCH_SECTION(rundown_ca)

static void *bench_td_plain_wdm_create(void)
{
	PEX_RUNDOWN_REF ref = kmalloc(sizeof(*ref), GFP_KERNEL);

	if (ref)
		ExInitializeRundownProtection(ref);
	return ref;
}

static bool bench_td_plain_wdm_get(void *obj)
{
	return ExAcquireRundownProtection(obj);
}

static void bench_td_plain_wdm_put(void *obj)
{
	ExReleaseRundownProtection(obj);
}

static bool bench_td_plain_wdm_started(void *obj)
{
	/* A count of 0 only tests whether run-down has started. */
	return !ExAcquireRundownProtectionEx(obj, 0);
}

static void bench_td_plain_wdm_teardown(void *obj)
{
	ExWaitForRundownProtectionRelease(obj);
}

static void bench_td_plain_wdm_destroy(void *obj)
{
	ExRundownCompleted(obj);
	kfree(obj);
}

static const struct bench_td_ops bench_td_rundown_plain_wdm = {
	.create		= bench_td_plain_wdm_create,
	.get		= bench_td_plain_wdm_get,
	.put		= bench_td_plain_wdm_put,
	.wait_started	= bench_td_plain_wdm_started,
	.teardown	= bench_td_plain_wdm_teardown,
	.destroy	= bench_td_plain_wdm_destroy,
};

static void *bench_td_ca_wdm_create(void)
{
	return ExAllocateCacheAwareRundownProtection(NonPagedPool, 0);
}

static bool bench_td_ca_wdm_get(void *obj)
{
	return ExAcquireRundownProtectionCacheAware(obj);
}

static void bench_td_ca_wdm_put(void *obj)
{
	ExReleaseRundownProtectionCacheAware(obj);
}

static bool bench_td_ca_wdm_started(void *obj)
{
	return !ExAcquireRundownProtectionCacheAwareEx(obj, 0);
}

static void bench_td_ca_wdm_teardown(void *obj)
{
	ExWaitForRundownProtectionReleaseCacheAware(obj);
}

static void bench_td_ca_wdm_destroy(void *obj)
{
	ExRundownCompletedCacheAware(obj);
	ExFreeCacheAwareRundownProtection(obj);
}

static const struct bench_td_ops bench_td_rundown_ca_wdm = {
	.create		= bench_td_ca_wdm_create,
	.get		= bench_td_ca_wdm_get,
	.put		= bench_td_ca_wdm_put,
	.wait_started	= bench_td_ca_wdm_started,
	.teardown	= bench_td_ca_wdm_teardown,
	.destroy	= bench_td_ca_wdm_destroy,
};

static void *bench_td_plain_create(void)
{
	struct rundown_ref *ref = kmalloc(sizeof(*ref), GFP_KERNEL);

	if (ref)
		rundown_init(ref);
	return ref;
}

static bool bench_td_plain_get(void *obj)
{
	return rundown_acquire(obj);
}

static void bench_td_plain_put(void *obj)
{
	rundown_release(obj);
}

static bool bench_td_plain_started(void *obj)
{
	return !rundown_acquire_many(obj, 0);
}

static void bench_td_plain_teardown(void *obj)
{
	rundown_wait(obj);
}

static void bench_td_plain_destroy(void *obj)
{
	rundown_completed(obj);
	kfree(obj);
}

static const struct bench_td_ops bench_td_rundown_plain = {
	.create		= bench_td_plain_create,
	.get		= bench_td_plain_get,
	.put		= bench_td_plain_put,
	.wait_started	= bench_td_plain_started,
	.teardown	= bench_td_plain_teardown,
	.destroy	= bench_td_plain_destroy,
};

static void *bench_td_ca_create(void)
{
	return rundown_pcpu_alloc(GFP_KERNEL);
}

static bool bench_td_ca_get(void *obj)
{
	return rundown_pcpu_acquire(obj);
}

static void bench_td_ca_put(void *obj)
{
	rundown_pcpu_release(obj);
}

static bool bench_td_ca_started(void *obj)
{
	return !rundown_pcpu_acquire_many(obj, 0);
}

static void bench_td_ca_teardown(void *obj)
{
	rundown_pcpu_wait(obj);
}

static void bench_td_ca_destroy(void *obj)
{
	rundown_pcpu_completed(obj);
	rundown_pcpu_free(obj);
}

static const struct bench_td_ops bench_td_rundown_ca = {
	.create		= bench_td_ca_create,
	.get		= bench_td_ca_get,
	.put		= bench_td_ca_put,
	.wait_started	= bench_td_ca_started,
	.teardown	= bench_td_ca_teardown,
	.destroy	= bench_td_ca_destroy,
};

static void bench_mem_rundown_plain(struct bench_mem *mem)
{
	mem->embedded = sizeof(EX_RUNDOWN_REF);
}

static void bench_mem_rundown_ca(struct bench_mem *mem)
{
	/* The whole object: header and one cache line per possible CPU. */
	mem->allocated = ExSizeOfRundownProtectionCacheAware();
	mem->allocated_slab = ksize(bench_live.ca_wdm);
}

static const struct bench_mech bench_mech_rundown_plain_wdm = {
	.name		= "rundown_plain_wdm",
	.api		= "ExAcquire/ExReleaseRundownProtection",
	.section	= bench_section_rundown_plain_wdm,
	.td		= &bench_td_rundown_plain_wdm,
	.mem		= bench_mem_rundown_plain,
};

static const struct bench_mech bench_mech_rundown_ca_wdm = {
	.name		= "rundown_ca_wdm",
	.api		= "ExAcquire/ExReleaseRundownProtectionCacheAware",
	.section	= bench_section_rundown_ca_wdm,
	.td		= &bench_td_rundown_ca_wdm,
	.mem		= bench_mem_rundown_ca,
};

static const struct bench_mech bench_mech_rundown_plain = {
	.name		= "rundown_plain",
	.api		= "rundown_acquire+rundown_release",
	.section	= bench_section_rundown_plain,
	.td		= &bench_td_rundown_plain,
	.mem		= bench_mem_rundown_plain,
};

static const struct bench_mech bench_mech_rundown_ca = {
	.name		= "rundown_ca",
	.api		= "rundown_pcpu_acquire+rundown_pcpu_release",
	.section	= bench_section_rundown_ca,
	.td		= &bench_td_rundown_ca,
	.mem		= bench_mem_rundown_ca,
};

/* ---- percpu_ref: tryget_live/put; teardown is kill + confirm + zero ---- */

static noinline void bench_pair_percpu_ref(void)
{
	if (likely(percpu_ref_tryget_live(&bench_live.pref)))
		percpu_ref_put(&bench_live.pref);
	else
		bench_fail();
}

BENCH_SECTION(percpu_ref)

/* The live object is never killed. */
static void bench_live_pref_release(struct percpu_ref *ref)
{
}

struct bench_pref_obj {
	struct percpu_ref ref;
	struct completion confirmed;
	struct completion released;
};

static void bench_pref_release(struct percpu_ref *ref)
{
	complete(&container_of(ref, struct bench_pref_obj, ref)->released);
}

static void bench_pref_confirm(struct percpu_ref *ref)
{
	complete(&container_of(ref, struct bench_pref_obj, ref)->confirmed);
}

static void *bench_td_pref_create(void)
{
	struct bench_pref_obj *obj = kmalloc(sizeof(*obj), GFP_KERNEL);

	if (!obj)
		return NULL;
	init_completion(&obj->confirmed);
	init_completion(&obj->released);
	if (percpu_ref_init(&obj->ref, bench_pref_release, 0, GFP_KERNEL)) {
		kfree(obj);
		return NULL;
	}
	return obj;
}

static bool bench_td_pref_get(void *obj)
{
	return percpu_ref_tryget_live(&((struct bench_pref_obj *)obj)->ref);
}

static void bench_td_pref_put(void *obj)
{
	percpu_ref_put(&((struct bench_pref_obj *)obj)->ref);
}

static bool bench_td_pref_started(void *obj)
{
	return percpu_ref_is_dying(&((struct bench_pref_obj *)obj)->ref);
}

/* Kill, then wait until tryget_live fails everywhere and no ref is left. */
static void bench_td_pref_teardown(void *arg)
{
	struct bench_pref_obj *obj = arg;

	percpu_ref_kill_and_confirm(&obj->ref, bench_pref_confirm);
	wait_for_completion(&obj->confirmed);
	wait_for_completion(&obj->released);
}

static void bench_td_pref_destroy(void *arg)
{
	struct bench_pref_obj *obj = arg;

	percpu_ref_exit(&obj->ref);
	kfree(obj);
}

static const struct bench_td_ops bench_td_percpu_ref = {
	.create		= bench_td_pref_create,
	.get		= bench_td_pref_get,
	.put		= bench_td_pref_put,
	.wait_started	= bench_td_pref_started,
	.teardown	= bench_td_pref_teardown,
	.destroy	= bench_td_pref_destroy,
};

static void bench_mem_percpu_ref(struct bench_mem *mem)
{
	mem->embedded = sizeof(struct percpu_ref);
	bench_pref_data(&bench_live.pref, &mem->allocated, &mem->allocated_slab);
	mem->percpu = sizeof(unsigned long) * num_possible_cpus();
}

static const struct bench_mech bench_mech_percpu_ref = {
	.name		= "percpu_ref",
	.api		= "percpu_ref_tryget_live+percpu_ref_put",
	.section	= bench_section_percpu_ref,
	.td		= &bench_td_percpu_ref,
	.mem		= bench_mem_percpu_ref,
};

/* ---- refcount_t; teardown drops the initial ref and waits on a completion ---- */

static noinline void bench_pair_refcount(void)
{
	if (likely(refcount_inc_not_zero(&bench_live.refcount)))
		refcount_dec(&bench_live.refcount);
	else
		bench_fail();
}

BENCH_SECTION(refcount)

struct bench_rc_obj {
	refcount_t count;
	struct completion drained;
};

static void *bench_td_rc_create(void)
{
	struct bench_rc_obj *obj = kmalloc(sizeof(*obj), GFP_KERNEL);

	if (obj) {
		refcount_set(&obj->count, 1);
		init_completion(&obj->drained);
	}
	return obj;
}

static bool bench_td_rc_get(void *obj)
{
	return refcount_inc_not_zero(&((struct bench_rc_obj *)obj)->count);
}

static void bench_td_rc_put(void *arg)
{
	struct bench_rc_obj *obj = arg;

	if (refcount_dec_and_test(&obj->count))
		complete(&obj->drained);
}

/* Only the holder's own reference is left: the initial one was dropped. */
static bool bench_td_rc_started(void *obj)
{
	return refcount_read(&((struct bench_rc_obj *)obj)->count) == 1;
}

static void bench_td_rc_teardown(void *arg)
{
	struct bench_rc_obj *obj = arg;

	bench_td_rc_put(obj);
	wait_for_completion(&obj->drained);
}

static void bench_td_rc_destroy(void *obj)
{
	kfree(obj);
}

static const struct bench_td_ops bench_td_refcount = {
	.create		= bench_td_rc_create,
	.get		= bench_td_rc_get,
	.put		= bench_td_rc_put,
	.wait_started	= bench_td_rc_started,
	.teardown	= bench_td_rc_teardown,
	.destroy	= bench_td_rc_destroy,
};

/* What a rundown built from it needs: the count and the completion. */
static void bench_mem_refcount(struct bench_mem *mem)
{
	mem->embedded = sizeof(struct bench_rc_obj);
}

static const struct bench_mech bench_mech_refcount = {
	.name		= "refcount",
	.api		= "refcount_inc_not_zero+refcount_dec",
	.section	= bench_section_refcount,
	.td		= &bench_td_refcount,
	.mem		= bench_mem_refcount,
};

/* ---- rcuref_t ---- */

#if BENCH_HAVE_RCUREF
static noinline void bench_pair_rcuref(void)
{
	if (likely(rcuref_get(&bench_live.rcuref))) {
		/* true would mean the last reference went away. */
		if (unlikely(rcuref_put(&bench_live.rcuref)))
			bench_fail();
	} else {
		bench_fail();
	}
}

BENCH_SECTION(rcuref)

static void bench_mem_rcuref(struct bench_mem *mem)
{
	mem->embedded = sizeof(rcuref_t);
}

static const struct bench_mech bench_mech_rcuref = {
	.name		= "rcuref",
	.api		= "rcuref_get+rcuref_put",
	.section	= bench_section_rcuref,
	.mem		= bench_mem_rcuref,
};
#endif

/* ---- SRCU ---- */

static noinline void bench_pair_srcu(void)
{
	int idx = srcu_read_lock(&bench_live.srcu);

	srcu_read_unlock(&bench_live.srcu, idx);
}

BENCH_SECTION(srcu)

static void bench_mem_srcu(struct bench_mem *mem)
{
	mem->embedded = sizeof(struct srcu_struct);
	bench_srcu_usage(&bench_live.srcu, &mem->allocated,
			 &mem->allocated_slab);
	mem->percpu = BENCH_SRCU_PCPU_SIZE * num_possible_cpus();
}

static const struct bench_mech bench_mech_srcu = {
	.name		= "srcu",
	.api		= "srcu_read_lock+srcu_read_unlock",
	.section	= bench_section_srcu,
	.mem		= bench_mem_srcu,
};

/* ---- percpu_rw_semaphore; teardown is the write lock ---- */

static noinline void bench_pair_percpu_rwsem(void)
{
	percpu_down_read(&bench_live.prw);
	percpu_up_read(&bench_live.prw);
}

BENCH_SECTION(percpu_rwsem)

struct bench_prw_obj {
	struct percpu_rw_semaphore sem;
};

static void *bench_td_prw_create(void)
{
	struct bench_prw_obj *obj = kmalloc(sizeof(*obj), GFP_KERNEL);

	if (obj && percpu_init_rwsem(&obj->sem)) {
		kfree(obj);
		obj = NULL;
	}
	return obj;
}

static bool bench_td_prw_get(void *obj)
{
	percpu_down_read(&((struct bench_prw_obj *)obj)->sem);
	return true;
}

static void bench_td_prw_put(void *obj)
{
	percpu_up_read(&((struct bench_prw_obj *)obj)->sem);
}

/* A writer has started: readers are off their fast path. */
static bool bench_td_prw_started(void *obj)
{
	bool idle;

	rcu_read_lock();
	idle = rcu_sync_is_idle(&((struct bench_prw_obj *)obj)->sem.rss);
	rcu_read_unlock();
	return !idle;
}

static void bench_td_prw_teardown(void *obj)
{
	percpu_down_write(&((struct bench_prw_obj *)obj)->sem);
}

static void bench_td_prw_destroy(void *arg)
{
	struct bench_prw_obj *obj = arg;

	percpu_up_write(&obj->sem);
	percpu_free_rwsem(&obj->sem);
	kfree(obj);
}

static const struct bench_td_ops bench_td_percpu_rwsem = {
	.create		= bench_td_prw_create,
	.get		= bench_td_prw_get,
	.put		= bench_td_prw_put,
	.wait_started	= bench_td_prw_started,
	.teardown	= bench_td_prw_teardown,
	.destroy	= bench_td_prw_destroy,
};

static void bench_mem_percpu_rwsem(struct bench_mem *mem)
{
	mem->embedded = sizeof(struct percpu_rw_semaphore);
	mem->percpu = sizeof(unsigned int) * num_possible_cpus();
}

static const struct bench_mech bench_mech_percpu_rwsem = {
	.name		= "percpu_rwsem",
	.api		= "percpu_down_read+percpu_up_read",
	.irqs_on	= true,
	.section	= bench_section_percpu_rwsem,
	.td		= &bench_td_percpu_rwsem,
	.mem		= bench_mem_percpu_rwsem,
};

/* ---- kernfs active reference: one biased atomic_t ---- */

static noinline void bench_pair_kernfs_active(void)
{
	/* kernfs_get_active() */
	if (likely(atomic_inc_unless_negative(&bench_live.kn_active))) {
		/* kernfs_put_active(): the last user of a draining node wakes */
		if (unlikely(atomic_dec_return(&bench_live.kn_active) ==
			     BENCH_KN_BIAS))
			wake_up_all(&bench_kn_waitq);
	} else {
		bench_fail();
	}
}

BENCH_SECTION(kernfs_active)

static void bench_mem_kernfs_active(struct bench_mem *mem)
{
	/* The wait queue is per kernfs root, not per node. */
	mem->embedded = sizeof(atomic_t);
}

static const struct bench_mech bench_mech_kernfs_active = {
	.name		= "kernfs_active",
	.api		= "atomic_inc_unless_negative+atomic_dec_return",
	.section	= bench_section_kernfs_active,
	.mem		= bench_mem_kernfs_active,
};

/* ---- floors ---- */

/* One shared word: what every single-counter mechanism pays at least. */
static noinline void bench_pair_atomic_long(void)
{
	atomic_long_add(1, &bench_live.counter);
	atomic_long_sub(1, &bench_live.counter);
}

BENCH_SECTION(atomic_long)

static void bench_mem_atomic_long(struct bench_mem *mem)
{
	mem->embedded = sizeof(atomic_long_t);
}

static const struct bench_mech bench_mech_atomic_long = {
	.name		= "atomic_long",
	.api		= "atomic_long_add+atomic_long_sub (floor)",
	.section	= bench_section_atomic_long,
	.mem		= bench_mem_atomic_long,
};

/* A per-CPU counter with preemption disabled around each update. */
static noinline void bench_pair_this_cpu(void)
{
	preempt_disable();
	__this_cpu_inc(*bench_live.pcpu);
	preempt_enable();
	preempt_disable();
	__this_cpu_dec(*bench_live.pcpu);
	preempt_enable();
}

BENCH_SECTION(this_cpu)

static void bench_mem_this_cpu(struct bench_mem *mem)
{
	mem->percpu = sizeof(unsigned long) * num_possible_cpus();
}

static const struct bench_mech bench_mech_this_cpu = {
	.name		= "this_cpu",
	.api		= "preempt_disable+this_cpu inc/dec+preempt_enable (floor)",
	.section	= bench_section_this_cpu,
	.mem		= bench_mem_this_cpu,
};

/*
 * The same with interrupts disabled instead, as rundown's cache-aware fast
 * path does: tells the cost of local_irq_save/restore from the rest.
 */
static noinline void bench_pair_this_cpu_irq(void)
{
	unsigned long flags;

	local_irq_save(flags);
	__this_cpu_inc(*bench_live.pcpu);
	local_irq_restore(flags);
	local_irq_save(flags);
	__this_cpu_dec(*bench_live.pcpu);
	local_irq_restore(flags);
}

BENCH_SECTION(this_cpu_irq)

static const struct bench_mech bench_mech_this_cpu_irq = {
	.name		= "this_cpu_irq",
	.api		= "local_irq_save+__this_cpu inc/dec+local_irq_restore (floor)",
	.section	= bench_section_this_cpu_irq,
	.mem		= bench_mem_this_cpu,
};

/* Nothing: the cost of the call itself, and of reading the clock. */
static noinline void bench_pair_empty(void)
{
	barrier();
}

BENCH_SECTION(empty)

/**
 * bench_ballast() - keep this CPU busy without touching anything shared
 * @n: calls of the empty pair to make
 */
void bench_ballast(long n)
{
	bench_section_empty(n);
}

static void *bench_td_empty_create(void)
{
	return &bench_live;
}

static bool bench_td_empty_get(void *obj)
{
	return true;
}

static void bench_td_empty_put(void *obj)
{
}

static bool bench_td_empty_started(void *obj)
{
	return true;
}

static void bench_td_empty_teardown(void *obj)
{
	barrier();
}

static void bench_td_empty_destroy(void *obj)
{
}

static const struct bench_td_ops bench_td_empty = {
	.create		= bench_td_empty_create,
	.get		= bench_td_empty_get,
	.put		= bench_td_empty_put,
	.wait_started	= bench_td_empty_started,
	.teardown	= bench_td_empty_teardown,
	.destroy	= bench_td_empty_destroy,
};

static void bench_mem_empty(struct bench_mem *mem)
{
}

static const struct bench_mech bench_mech_empty = {
	.name		= "empty",
	.api		= "nothing: call overhead / clock overhead (baseline)",
	.section	= bench_section_empty,
	.td		= &bench_td_empty,
	.mem		= bench_mem_empty,
};

/*
 * The order of the measurements in each run: what the benchmark's targets
 * compare is measured back to back (plain with refcount_t, cache-aware
 * with percpu_ref), so that a change in the speed of a virtual CPU
 * between the two is unlikely.
 */
const struct bench_mech *const bench_mechs[] = {
	&bench_mech_rundown_plain_wdm,
	&bench_mech_refcount,
	&bench_mech_rundown_ca_wdm,
	&bench_mech_percpu_ref,
	&bench_mech_rundown_plain,
	&bench_mech_rundown_ca,
#if BENCH_HAVE_RCUREF
	&bench_mech_rcuref,
#endif
	&bench_mech_kernfs_active,
	&bench_mech_srcu,
	&bench_mech_percpu_rwsem,
	&bench_mech_atomic_long,
	&bench_mech_this_cpu,
	&bench_mech_this_cpu_irq,
	&bench_mech_empty,
};

const unsigned int bench_nr_mechs = ARRAY_SIZE(bench_mechs);

/**
 * bench_mech_init() - set up the live objects of the fast-path runs
 *
 * Context: Process context; may sleep.
 * Return: 0, or -ENOMEM.
 */
int bench_mech_init(void)
{
	ExInitializeRundownProtection(&bench_live.plain_wdm);
	rundown_init(&bench_live.plain);
	refcount_set(&bench_live.refcount, 1);
#if BENCH_HAVE_RCUREF
	rcuref_init(&bench_live.rcuref, 1);
#endif
	atomic_set(&bench_live.kn_active, 0);
	atomic_long_set(&bench_live.counter, 0);
	atomic_long_set(&bench_live.failures, 0);

	bench_live.ca_wdm = ExAllocateCacheAwareRundownProtection(NonPagedPool, 0);
	bench_live.ca = rundown_pcpu_alloc(GFP_KERNEL);
	bench_live.pcpu = alloc_percpu(unsigned long);
	if (!bench_live.ca_wdm || !bench_live.ca || !bench_live.pcpu)
		goto fail;
	if (percpu_ref_init(&bench_live.pref, bench_live_pref_release, 0,
			    GFP_KERNEL))
		goto fail;
	bench_live.pref_ready = true;
	if (init_srcu_struct(&bench_live.srcu))
		goto fail;
	bench_live.srcu_ready = true;
	if (percpu_init_rwsem(&bench_live.prw))
		goto fail;
	bench_live.prw_ready = true;
	return 0;
fail:
	bench_mech_exit();
	return -ENOMEM;
}

/**
 * bench_mech_exit() - tear the live objects down
 *
 * Context: Process context; may sleep.
 */
void bench_mech_exit(void)
{
	if (bench_live.prw_ready)
		percpu_free_rwsem(&bench_live.prw);
	if (bench_live.srcu_ready)
		cleanup_srcu_struct(&bench_live.srcu);
	if (bench_live.pref_ready)
		percpu_ref_exit(&bench_live.pref);
	bench_live.prw_ready = false;
	bench_live.srcu_ready = false;
	bench_live.pref_ready = false;
	free_percpu(bench_live.pcpu);
	bench_live.pcpu = NULL;
	if (bench_live.ca) {
		rundown_pcpu_wait(bench_live.ca);
		rundown_pcpu_free(bench_live.ca);
		bench_live.ca = NULL;
	}
	if (bench_live.ca_wdm) {
		ExWaitForRundownProtectionReleaseCacheAware(bench_live.ca_wdm);
		ExFreeCacheAwareRundownProtection(bench_live.ca_wdm);
		bench_live.ca_wdm = NULL;
	}
}
