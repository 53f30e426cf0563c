// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the rundown KUnit suites: the misuse report counter,
 * the flavours (one test body for plain and cache-aware refs), waiter and
 * worker threads that are always reaped, and pinned acquire/release.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/debug_locks.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <rundown/wdm.h>
#include "tests.h"

/**
 * struct rd_test_ctx - per-test state, test->priv
 * @res: the named resource through which rundown/debug.c counts misuse
 * @misuse: misuse reports counted on the test thread
 * @expected: reports the test expects by its end
 */
struct rd_test_ctx {
	struct kunit_resource res;
	atomic_t misuse;
	int expected;
};

/**
 * rd_test_init() - suite init: count misuse reports instead of warning
 * @test: the test about to run
 *
 * While the resource is registered, a misuse report raised on the test
 * thread increments the counter and prints nothing.
 *
 * Return: 0, or a negative errno if the counter could not be registered.
 */
int rd_test_init(struct kunit *test)
{
	struct rd_test_ctx *ctx;
	int ret;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	atomic_set(&ctx->misuse, 0);
	ret = kunit_add_named_resource(test, NULL, NULL, &ctx->res,
				       RUNDOWN_MISUSE_RESOURCE, &ctx->misuse);
	if (ret)
		return ret;
	test->priv = ctx;
	return 0;
}

/**
 * rd_test_exit() - suite exit: fail on any misuse report not expected
 * @test: the test that ran
 */
void rd_test_exit(struct kunit *test)
{
	struct rd_test_ctx *ctx = test->priv;

	if (ctx)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->misuse),
				    ctx->expected,
				    "misuse reports at the end of the test");
}

/**
 * rd_misuse() - misuse reports counted so far in this test
 * @test: the running test
 *
 * Return: the number of reports.
 */
int rd_misuse(struct kunit *test)
{
	struct rd_test_ctx *ctx = test->priv;

	return atomic_read(&ctx->misuse);
}

/**
 * rd_misuse_expected() - set the number of reports expected at the end
 * @test: the running test
 * @n: total number of reports expected
 */
void rd_misuse_expected(struct kunit *test, int n)
{
	struct rd_test_ctx *ctx = test->priv;

	ctx->expected = n;
}

/**
 * rd_canary_intact() - check that a buffer still holds RD_CANARY
 * @buf: the buffer
 * @from: first byte to check
 * @to: end of the range (exclusive)
 *
 * Return: true if every byte in [@from, @to) is RD_CANARY.
 */
bool rd_canary_intact(const void *buf, size_t from, size_t to)
{
	return to <= from || !memchr_inv(buf + from, RD_CANARY, to - from);
}

KUNIT_DEFINE_ACTION_WRAPPER(rd_pcpu_free_action, rundown_pcpu_free,
			    struct rundown_pcpu_ref *);

/**
 * rd_pcpu_free_at_exit() - free an allocated cache-aware object at the end
 * @test: the running test
 * @ref: object from rundown_pcpu_alloc() or the Windows allocator
 */
void rd_pcpu_free_at_exit(struct kunit *test, struct rundown_pcpu_ref *ref)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rd_pcpu_free_action,
							ref), 0);
}

/**
 * rd_pcpu_forget() - cancel rd_pcpu_free_at_exit(): the test frees @ref
 * @test: the running test
 * @ref: the object
 */
void rd_pcpu_forget(struct kunit *test, struct rundown_pcpu_ref *ref)
{
	kunit_remove_action(test, rd_pcpu_free_action, ref);
}

/* Flavours: plain refs, Linux names */

static void *rd_plain_create(struct kunit *test, unsigned int flags)
{
	struct rundown_ref *ref = kunit_kzalloc(test, sizeof(*ref), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ref);
	if (flags & RUNDOWN_NON_OWNER)
		rundown_init_non_owner(ref);
	else
		rundown_init(ref);
	return ref;
}

static enum rd_phase rd_plain_phase(void *ref)
{
	long raw = atomic_long_read(&((struct rundown_ref *)ref)->count);

	if (!(raw & RUNDOWN_ACTIVE))
		return RD_LIVE;
	return raw == RUNDOWN_ACTIVE ? RD_DEAD : RD_WAITING;
}

static long rd_plain_holders(void *ref)
{
	long raw = atomic_long_read(&((struct rundown_ref *)ref)->count);

	if (raw & RUNDOWN_ACTIVE)
		return raw == RUNDOWN_ACTIVE ? 0 : -1;
	return (unsigned long)raw >> RUNDOWN_COUNT_SHIFT;
}

static bool rd_plain_acquire(void *ref)
{
	return rundown_acquire(ref);
}

static bool rd_plain_acquire_many(void *ref, unsigned int n)
{
	return rundown_acquire_many(ref, n);
}

static void rd_plain_release(void *ref)
{
	rundown_release(ref);
}

static void rd_plain_release_many(void *ref, unsigned int n)
{
	rundown_release_many(ref, n);
}

static void rd_plain_wait(void *ref)
{
	rundown_wait(ref);
}

static void rd_plain_reinit(void *ref)
{
	rundown_reinit(ref);
}

static void rd_plain_completed(void *ref)
{
	rundown_completed(ref);
}

/* Flavours: cache-aware refs, Linux names */

static void *rd_pcpu_create(struct kunit *test, unsigned int flags)
{
	struct rundown_pcpu_ref *ref;

	if (flags & RUNDOWN_NON_OWNER)
		ref = rundown_pcpu_alloc_non_owner(GFP_KERNEL);
	else
		ref = rundown_pcpu_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	rd_pcpu_free_at_exit(test, ref);
	KUNIT_ASSERT_NOT_NULL(test, ref->slots);
	return ref;
}

/* Header-sized buffer: the documented fallback to one shared counter. */
static void *rd_pcpu_shared_create(struct kunit *test, unsigned int flags)
{
	struct rundown_pcpu_ref *ref;
	int before = rd_misuse(test);

	ref = kunit_kzalloc(test, sizeof(*ref), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	if (flags & RUNDOWN_NON_OWNER)
		rundown_pcpu_init_non_owner(ref, sizeof(*ref));
	else
		rundown_pcpu_init(ref, sizeof(*ref));
	/* The undersized buffer is reported once, on this thread. */
	RD_EXPECT_MISUSE(test, before + 1);
	KUNIT_ASSERT_NULL(test, ref->slots);
	return ref;
}

static enum rd_phase rd_pcpu_phase(void *ref)
{
	switch (READ_ONCE(((struct rundown_pcpu_ref *)ref)->state)) {
	case RUNDOWN_PCPU_LIVE:
		return RD_LIVE;
	case RUNDOWN_PCPU_WAITING:
		return RD_WAITING;
	case RUNDOWN_PCPU_DEAD:
		return RD_DEAD;
	default:
		return RD_BROKEN;
	}
}

static long rd_pcpu_holders(void *ref)
{
	return rundown_pcpu_holders(ref);
}

static bool rd_pcpu_acquire(void *ref)
{
	return rundown_pcpu_acquire(ref);
}

static bool rd_pcpu_acquire_many(void *ref, unsigned int n)
{
	return rundown_pcpu_acquire_many(ref, n);
}

static void rd_pcpu_release(void *ref)
{
	rundown_pcpu_release(ref);
}

static void rd_pcpu_release_many(void *ref, unsigned int n)
{
	rundown_pcpu_release_many(ref, n);
}

static void rd_pcpu_wait(void *ref)
{
	rundown_pcpu_wait(ref);
}

static void rd_pcpu_reinit(void *ref)
{
	rundown_pcpu_reinit(ref);
}

static void rd_pcpu_completed(void *ref)
{
	rundown_pcpu_completed(ref);
}

const struct rd_flavour rd_flavours[RD_NR_FLAVOURS] = {
	{
		.name		= "plain",
		.create		= rd_plain_create,
		.phase		= rd_plain_phase,
		.holders	= rd_plain_holders,
		.acquire	= rd_plain_acquire,
		.acquire_many	= rd_plain_acquire_many,
		.release	= rd_plain_release,
		.release_many	= rd_plain_release_many,
		.wait		= rd_plain_wait,
		.reinit		= rd_plain_reinit,
		.completed	= rd_plain_completed,
	},
	{
		.name		= "pcpu",
		.create		= rd_pcpu_create,
		.phase		= rd_pcpu_phase,
		.holders	= rd_pcpu_holders,
		.acquire	= rd_pcpu_acquire,
		.acquire_many	= rd_pcpu_acquire_many,
		.release	= rd_pcpu_release,
		.release_many	= rd_pcpu_release_many,
		.wait		= rd_pcpu_wait,
		.reinit		= rd_pcpu_reinit,
		.completed	= rd_pcpu_completed,
	},
	{
		.name		= "pcpu_shared",
		.create		= rd_pcpu_shared_create,
		.phase		= rd_pcpu_phase,
		.holders	= rd_pcpu_holders,
		.acquire	= rd_pcpu_acquire,
		.acquire_many	= rd_pcpu_acquire_many,
		.release	= rd_pcpu_release,
		.release_many	= rd_pcpu_release_many,
		.wait		= rd_pcpu_wait,
		.reinit		= rd_pcpu_reinit,
		.completed	= rd_pcpu_completed,
	},
};

/**
 * rd_flavour_desc() - KUnit parameter description of a flavour
 * @fl: the flavour
 * @desc: buffer of KUNIT_PARAM_DESC_SIZE bytes
 */
void rd_flavour_desc(const struct rd_flavour *fl, char *desc)
{
	strscpy(desc, fl->name, KUNIT_PARAM_DESC_SIZE);
}

/**
 * rd_flavour_ptr_desc() - KUnit parameter description of a flavour pointer
 * @fl: the array element
 * @desc: buffer of KUNIT_PARAM_DESC_SIZE bytes
 */
void rd_flavour_ptr_desc(const struct rd_flavour *const *fl, char *desc)
{
	rd_flavour_desc(*fl, desc);
}

/**
 * rd_two_cpus() - two distinct online CPUs, or skip the test
 * @test: the running test
 * @a: the first online CPU
 * @b: the next one
 */
void rd_two_cpus(struct kunit *test, int *a, int *b)
{
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	*a = cpumask_first(cpu_online_mask);
	*b = cpumask_next(*a, cpu_online_mask);
}

/* Flavours: the same refs through the Windows names */

/* The Windows initialisers always make non-owner refs: @flags is ignored. */
static void *rd_plain_wdm_create(struct kunit *test, unsigned int flags)
{
	PEX_RUNDOWN_REF ref = kunit_kzalloc(test, sizeof(*ref), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ref);
	ExInitializeRundownProtection(ref);
	return ref;
}

static bool rd_plain_wdm_acquire(void *ref)
{
	return ExAcquireRundownProtection(ref);
}

static bool rd_plain_wdm_acquire_many(void *ref, unsigned int n)
{
	return ExAcquireRundownProtectionEx(ref, n);
}

static void rd_plain_wdm_release(void *ref)
{
	ExReleaseRundownProtection(ref);
}

static void rd_plain_wdm_release_many(void *ref, unsigned int n)
{
	ExReleaseRundownProtectionEx(ref, n);
}

static void rd_plain_wdm_wait(void *ref)
{
	ExWaitForRundownProtectionRelease(ref);
}

static void rd_plain_wdm_reinit(void *ref)
{
	ExReInitializeRundownProtection(ref);
}

static void rd_plain_wdm_completed(void *ref)
{
	ExRundownCompleted(ref);
}

const struct rd_flavour rd_plain_wdm = {
	.name		= "plain_wdm",
	.create		= rd_plain_wdm_create,
	.phase		= rd_plain_phase,
	.holders	= rd_plain_holders,
	.acquire	= rd_plain_wdm_acquire,
	.acquire_many	= rd_plain_wdm_acquire_many,
	.release	= rd_plain_wdm_release,
	.release_many	= rd_plain_wdm_release_many,
	.wait		= rd_plain_wdm_wait,
	.reinit		= rd_plain_wdm_reinit,
	.completed	= rd_plain_wdm_completed,
};

static void *rd_pcpu_wdm_create(struct kunit *test, unsigned int flags)
{
	PEX_RUNDOWN_REF_CACHE_AWARE ref;

	ref = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, RD_POOL_TAG);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	rd_pcpu_free_at_exit(test, ref);
	return ref;
}

static bool rd_pcpu_wdm_acquire(void *ref)
{
	return ExAcquireRundownProtectionCacheAware(ref);
}

static bool rd_pcpu_wdm_acquire_many(void *ref, unsigned int n)
{
	return ExAcquireRundownProtectionCacheAwareEx(ref, n);
}

static void rd_pcpu_wdm_release(void *ref)
{
	ExReleaseRundownProtectionCacheAware(ref);
}

static void rd_pcpu_wdm_release_many(void *ref, unsigned int n)
{
	ExReleaseRundownProtectionCacheAwareEx(ref, n);
}

static void rd_pcpu_wdm_wait(void *ref)
{
	ExWaitForRundownProtectionReleaseCacheAware(ref);
}

static void rd_pcpu_wdm_reinit(void *ref)
{
	ExReInitializeRundownProtectionCacheAware(ref);
}

static void rd_pcpu_wdm_completed(void *ref)
{
	ExRundownCompletedCacheAware(ref);
}

const struct rd_flavour rd_pcpu_wdm = {
	.name		= "pcpu_wdm",
	.create		= rd_pcpu_wdm_create,
	.phase		= rd_pcpu_phase,
	.holders	= rd_pcpu_holders,
	.acquire	= rd_pcpu_wdm_acquire,
	.acquire_many	= rd_pcpu_wdm_acquire_many,
	.release	= rd_pcpu_wdm_release,
	.release_many	= rd_pcpu_wdm_release_many,
	.wait		= rd_pcpu_wdm_wait,
	.reinit		= rd_pcpu_wdm_reinit,
	.completed	= rd_pcpu_wdm_completed,
};

/* Threads */

KUNIT_DEFINE_ACTION_WRAPPER(rd_kthread_reap, kthread_stop_put,
			    struct task_struct *);

/**
 * rd_kthread_start() - start a helper thread that the test always reaps
 * @test: the running test
 * @fn: thread function; must return once kthread_should_stop() is true
 * @arg: its argument
 * @cpu: CPU to bind the thread to, or -1
 *
 * Return: the running thread.  It is stopped by rd_kthread_stop() or, at
 * the latest, when the test ends.
 */
struct task_struct *rd_kthread_start(struct kunit *test, int (*fn)(void *),
				     void *arg, int cpu)
{
	struct task_struct *task;

	task = kthread_create(fn, arg, "rd_kunit/%d", cpu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	if (cpu >= 0)
		kthread_bind(task, cpu);
	/* kthread_stop_put() is safe even after @fn has returned. */
	get_task_struct(task);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rd_kthread_reap,
							task), 0);
	wake_up_process(task);
	return task;
}

/**
 * rd_kthread_stop() - stop a thread from rd_kthread_start() now
 * @test: the running test
 * @task: the thread
 */
void rd_kthread_stop(struct kunit *test, struct task_struct *task)
{
	kunit_release_action(test, rd_kthread_reap, task);
}

static int rd_waiter_fn(void *arg)
{
	struct rd_waiter *w = arg;

	complete(&w->started);
	w->fl->wait(w->ref);
	complete(&w->done);
	return 0;
}

/* Release what the test still holds, so that the wait ends, then reap. */
static void rd_waiter_cleanup(void *arg)
{
	struct rd_waiter *w = arg;
	unsigned int held = atomic_xchg(&w->held, 0);

	if (held && !completion_done(&w->done))
		w->fl->release_many(w->ref, held);
	kthread_stop_put(w->task);
}

/**
 * rd_waiter_start() - run the flavour's wait on @ref in a new thread
 * @test: the running test
 * @fl: flavour
 * @ref: the ref
 * @held: holders of @ref the test has and will release (through any
 *	context); rd_waiter_released() counts them out
 *
 * Return: the waiter.  It is reaped by rd_waiter_reap() or at the end of
 * the test, which first releases the holders not counted out.
 */
struct rd_waiter *rd_waiter_start(struct kunit *test,
				  const struct rd_flavour *fl, void *ref,
				  unsigned int held)
{
	struct rd_waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->fl = fl;
	w->ref = ref;
	atomic_set(&w->held, held);
	init_completion(&w->started);
	init_completion(&w->done);
	w->task = kthread_create(rd_waiter_fn, w, "rd_kunit_waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(w->task));
	get_task_struct(w->task);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rd_waiter_cleanup,
							w), 0);
	wake_up_process(w->task);
	return w;
}

/**
 * rd_waiter_blocked() - is the waiter asleep inside the wait?
 * @w: the waiter
 *
 * Return: true if the wait has been called, has not returned, and the
 * thread sleeps (the only sleep after @started is the one in the wait).
 */
bool rd_waiter_blocked(struct rd_waiter *w)
{
	return completion_done(&w->started) && !completion_done(&w->done) &&
	       READ_ONCE(w->task->__state) == TASK_UNINTERRUPTIBLE;
}

/**
 * rd_waiter_finish() - wait for the waiter's wait to return
 * @w: the waiter
 *
 * Return: true if it returned within RD_TIMEOUT_MS.
 */
bool rd_waiter_finish(struct rd_waiter *w)
{
	return wait_for_completion_timeout(&w->done,
					   msecs_to_jiffies(RD_TIMEOUT_MS));
}

/**
 * rd_waiter_released() - the test has released @n of the declared holders
 * @w: the waiter
 * @n: number released
 */
void rd_waiter_released(struct rd_waiter *w, unsigned int n)
{
	atomic_sub(n, &w->held);
}

/**
 * rd_waiter_reap() - stop and reap the waiter now
 * @test: the running test
 * @w: the waiter
 */
void rd_waiter_reap(struct kunit *test, struct rd_waiter *w)
{
	kunit_release_action(test, rd_waiter_cleanup, w);
}

/* Pinned acquire and release */

struct rd_on_cpu {
	const struct rd_flavour *fl;
	void *ref;
	unsigned int n;
	bool ok;
	int cpu;
};

static long rd_acquire_work(void *arg)
{
	struct rd_on_cpu *a = arg;

	a->cpu = raw_smp_processor_id();
	a->ok = a->n == 1 ? a->fl->acquire(a->ref) :
			    a->fl->acquire_many(a->ref, a->n);
	return 0;
}

static long rd_release_work(void *arg)
{
	struct rd_on_cpu *a = arg;

	a->cpu = raw_smp_processor_id();
	if (a->n == 1)
		a->fl->release(a->ref);
	else
		a->fl->release_many(a->ref, a->n);
	return 0;
}

/**
 * rd_acquire_on() - acquire @n times on @cpu, from a kworker bound to it
 * @test: the running test
 * @cpu: an online CPU
 * @fl: flavour
 * @ref: the ref
 * @n: count; 1 uses the single acquire
 *
 * Return: what the acquire returned.
 */
bool rd_acquire_on(struct kunit *test, int cpu, const struct rd_flavour *fl,
		   void *ref, unsigned int n)
{
	struct rd_on_cpu a = { .fl = fl, .ref = ref, .n = n, .cpu = -1 };

	work_on_cpu(cpu, rd_acquire_work, &a);
	KUNIT_EXPECT_EQ_MSG(test, a.cpu, cpu, "acquire ran on another CPU");
	return a.ok;
}

/**
 * rd_release_on() - release @n times on @cpu, from a kworker bound to it
 * @test: the running test
 * @cpu: an online CPU
 * @fl: flavour
 * @ref: the ref
 * @n: count; 1 uses the single release
 */
void rd_release_on(struct kunit *test, int cpu, const struct rd_flavour *fl,
		   void *ref, unsigned int n)
{
	struct rd_on_cpu a = { .fl = fl, .ref = ref, .n = n, .cpu = -1 };

	work_on_cpu(cpu, rd_release_work, &a);
	KUNIT_EXPECT_EQ_MSG(test, a.cpu, cpu, "release ran on another CPU");
}

/**
 * rd_waiter_done() - has the waiter's wait returned?
 * @w: the waiter
 *
 * Return: true once the wait has returned.
 */
bool rd_waiter_done(struct rd_waiter *w)
{
	return completion_done(&w->done);
}

/**
 * rd_check_blocking_wait() - a wait blocks exactly until the last release
 * @test: the running test
 * @fl: flavour
 * @ref: a live ref without holders
 *
 * The usersim sequence of §4 items 7 and 31: two holders, a waiter thread
 * that blocks, acquires refused during the wait, the first release does
 * not end the wait, the last one does, and acquires are refused after it.
 */
void rd_check_blocking_wait(struct kunit *test, const struct rd_flavour *fl,
			    void *ref)
{
	struct rd_waiter *w;

	KUNIT_ASSERT_TRUE(test, fl->acquire(ref));
	KUNIT_ASSERT_TRUE(test, fl->acquire(ref));
	KUNIT_EXPECT_EQ(test, fl->holders(ref), 2);

	w = rd_waiter_start(test, fl, ref, 2);
	KUNIT_ASSERT_TRUE_MSG(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS),
			      "the wait did not block with two holders");
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_WAITING);
	RD_EXPECT_REFUSED(test, fl, ref, 1);
	RD_EXPECT_REFUSED(test, fl, ref, 3);

	fl->release(ref);
	rd_waiter_released(w, 1);
	msleep(RD_STAY_BLOCKED_MS);
	KUNIT_EXPECT_FALSE_MSG(test, rd_waiter_done(w),
			       "the wait returned with one holder left");
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_WAITING);

	fl->release(ref);
	rd_waiter_released(w, 1);
	KUNIT_ASSERT_TRUE_MSG(test, rd_waiter_finish(w),
			      "the wait did not return after the last release");
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_DEAD);
	KUNIT_EXPECT_EQ(test, fl->holders(ref), 0);
	KUNIT_EXPECT_FALSE(test, fl->acquire(ref));
	rd_waiter_reap(test, w);
}

/**
 * rd_blocking_wait() - run a wait on @ref that has to block
 * @test: the running test
 * @fl: flavour
 * @ref: a live ref without holders
 *
 * One holder (this task), a waiter that blocks, the release: the wait
 * returns, leaving @ref run down after a wait that slept.
 */
void rd_blocking_wait(struct kunit *test, const struct rd_flavour *fl,
		      void *ref)
{
	struct rd_waiter *w;

	KUNIT_ASSERT_TRUE(test, fl->acquire(ref));
	w = rd_waiter_start(test, fl, ref, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS));
	fl->release(ref);
	rd_waiter_released(w, 1);
	KUNIT_ASSERT_TRUE(test, rd_waiter_finish(w));
	rd_waiter_reap(test, w);
}

/**
 * rd_expect_slots() - white-box check of every per-CPU counter
 * @test: the running test
 * @ref: cache-aware object with slots
 * @a: CPU whose counter must be @va, or -1
 * @va: its expected value
 * @b: another CPU whose counter must be @vb, or -1
 * @vb: its expected value
 *
 * Every other counter must be 0.
 */
void rd_expect_slots(struct kunit *test, const struct rundown_pcpu_ref *ref,
		     int a, unsigned long va, int b, unsigned long vb)
{
	unsigned int cpu;

	KUNIT_ASSERT_NOT_NULL(test, ref->slots);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		unsigned long want = cpu == a ? va : cpu == b ? vb : 0;

		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(ref->slots[cpu].count), want,
				    "counter of CPU %u", cpu);
	}
}

#ifdef CONFIG_DEBUG_LOCK_ALLOC
/* Does this task hold no lockdep hold on @map?  Drops any it has. */
static bool rd_lockdep_clean(struct lockdep_map *map)
{
	bool clean = lock_is_held(map) != LOCK_STATE_HELD;
	int i;

	for (i = 0; i < MAX_LOCK_DEPTH && lock_is_held(map) == LOCK_STATE_HELD; i++)
		lock_release(map, _THIS_IP_);
	return clean;
}

/**
 * rd_check_owner_lockdep() - lockdep's holds follow the holder count
 * @test: the running test
 * @fl: flavour of an owner ref (rundown_init(), rundown_pcpu_alloc())
 * @ref: a live ref without holders
 * @map: its lockdep map
 *
 * §4 items 3 and 5 on an owner ref: however the acquires and releases of
 * the task are split (AcquireEx(n) released one by one, n acquires
 * released by one ReleaseEx(n)), and after AcquireEx(0), which takes
 * nothing to release, lockdep must not see the task hold the ref once its
 * holder count is back to zero; otherwise its next wait is reported as a
 * deadlock and its exit as leaking a lock.  Holds left over are dropped
 * so that a failure does not cascade into lockdep reports.
 */
void rd_check_owner_lockdep(struct kunit *test, const struct rd_flavour *fl,
			    void *ref, struct lockdep_map *map)
{
	if (!debug_locks)
		kunit_skip(test, "lockdep is off");

	KUNIT_ASSERT_TRUE(test, fl->acquire_many(ref, 3));
	fl->release(ref);
	fl->release(ref);
	fl->release(ref);
	KUNIT_EXPECT_TRUE_MSG(test, rd_lockdep_clean(map),
			      "AcquireEx(3) and three releases left a hold");

	KUNIT_ASSERT_TRUE(test, fl->acquire(ref));
	KUNIT_ASSERT_TRUE(test, fl->acquire(ref));
	fl->release_many(ref, 2);
	KUNIT_EXPECT_TRUE_MSG(test, rd_lockdep_clean(map),
			      "two acquires and ReleaseEx(2) left a hold");

	KUNIT_ASSERT_TRUE(test, fl->acquire_many(ref, 0));
	KUNIT_EXPECT_TRUE_MSG(test, rd_lockdep_clean(map),
			      "AcquireEx(0) left a hold");

	KUNIT_EXPECT_EQ(test, fl->holders(ref), 0L);
	fl->wait(ref);
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_DEAD);
	KUNIT_EXPECT_TRUE(test, debug_locks);
}

static DEFINE_SPINLOCK(rd_lockdep_test_lock);

/**
 * rd_check_owner_lockdep_atomic_release() - a hold goes whatever the context
 *	of its release
 * @test: the running test
 * @fl: flavour of an owner ref
 * @ref: a live ref without holders
 * @map: its lockdep map
 *
 * A task acquires preemptible (lockdep tracks the hold) and releases under
 * a spinlock, with bottom halves disabled, or with preemption disabled:
 * the hold must go with the release, or the task's next wait is reported
 * as recursive locking and its exit as a leaked lock.  Each step checks
 * that no hold is left; the wait at the end must not upset lockdep.
 */
void rd_check_owner_lockdep_atomic_release(struct kunit *test,
					   const struct rd_flavour *fl,
					   void *ref, struct lockdep_map *map)
{
	if (!debug_locks)
		kunit_skip(test, "lockdep is off");

	KUNIT_ASSERT_TRUE(test, fl->acquire(ref));
	KUNIT_EXPECT_TRUE_MSG(test, lock_is_held(map) > 0,
			      "a preemptible acquire on an owner ref is not tracked");
	spin_lock(&rd_lockdep_test_lock);
	fl->release(ref);
	spin_unlock(&rd_lockdep_test_lock);
	KUNIT_EXPECT_TRUE_MSG(test, rd_lockdep_clean(map),
			      "a release under a spinlock left the hold");

	KUNIT_ASSERT_TRUE(test, fl->acquire_many(ref, 2));
	local_bh_disable();
	fl->release_many(ref, 2);
	local_bh_enable();
	KUNIT_EXPECT_TRUE_MSG(test, rd_lockdep_clean(map),
			      "a release with bottom halves disabled left the hold");

	KUNIT_ASSERT_TRUE(test, fl->acquire(ref));
	preempt_disable();
	fl->release(ref);
	preempt_enable();
	KUNIT_EXPECT_TRUE_MSG(test, rd_lockdep_clean(map),
			      "a release with preemption disabled left the hold");

	fl->wait(ref);
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_DEAD);
	KUNIT_EXPECT_TRUE(test, debug_locks);
}
#endif

const struct rd_flavour *const rd_every_flavour[RD_NR_EVERY_FLAVOUR] = {
	&rd_flavours[0], &rd_plain_wdm, &rd_flavours[1], &rd_pcpu_wdm,
	&rd_flavours[2],
};
