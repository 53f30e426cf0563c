// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_diag: diagnostics of the rundown module.
 *
 *  - a wait that lasts longer than hung_wait_secs is reported exactly once
 *    and still waits for the last holder;
 *  - a quick wait is not reported;
 *  - under slab fault injection the cache-aware allocation returns NULL
 *    (and, checked by kmemleak after the run, leaks nothing).
 */

#include <kunit/resource.h>
#include <linux/fault-inject.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <rundown/wdm.h>

#include "tests.h"

/* Set by the runner when it has armed failslab for tasks that ask for it. */
static bool failslab_armed;
module_param(failslab_armed, bool, 0444);
MODULE_PARM_DESC(failslab_armed,
		 "failslab is set up with task-filter: run the allocation failure test");

#define RD_HUNG_HOLD_MS	2500

struct rd_diag {
	struct kunit_resource res;
	atomic_t hung;
	unsigned int saved_secs;
};

static void rd_diag_restore(void *arg)
{
	struct rd_diag *d = arg;

	WRITE_ONCE(rundown_hung_wait_secs, d->saved_secs);
}

/* Count hung-wait reports of this test; set the threshold to @secs. */
static struct rd_diag *rd_diag_start(struct kunit *test, unsigned int secs)
{
	struct rd_diag *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	atomic_set(&d->hung, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_named_resource(test, NULL, NULL, &d->res,
						       RUNDOWN_HUNG_RESOURCE,
						       &d->hung), 0);
	d->saved_secs = READ_ONCE(rundown_hung_wait_secs);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rd_diag_restore,
							d), 0);
	WRITE_ONCE(rundown_hung_wait_secs, secs);
	return d;
}

/* A holder whose release comes @hold_ms after the thread starts. */
struct rd_late_release {
	const struct rd_flavour *fl;
	void *ref;
	unsigned int hold_ms;
	atomic_t released;
};

static int rd_late_release_fn(void *arg)
{
	struct rd_late_release *lr = arg;

	msleep(lr->hold_ms);
	atomic_set(&lr->released, 1);
	lr->fl->release(lr->ref);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

/*
 * A holder that stays longer than hung_wait_secs: the wait reports it once
 * and returns only after the holder released (never early).
 */
static void diag_hung_wait_reported_once_and_keeps_waiting(struct kunit *test)
{
	const struct rd_flavour *fl = test->param_value;
	struct rd_late_release *lr;
	struct rd_diag *d;
	ktime_t start;
	s64 took_ms;

	lr = kunit_kzalloc(test, sizeof(*lr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lr);
	lr->fl = fl;
	lr->ref = fl->create(test, RUNDOWN_NON_OWNER);
	lr->hold_ms = RD_HUNG_HOLD_MS;
	KUNIT_ASSERT_TRUE(test, fl->acquire(lr->ref));
	d = rd_diag_start(test, 1);

	rd_kthread_start(test, rd_late_release_fn, lr, -1);
	start = ktime_get();
	fl->wait(lr->ref);
	took_ms = ktime_ms_delta(ktime_get(), start);

	KUNIT_EXPECT_EQ(test, atomic_read(&lr->released), 1);
	KUNIT_EXPECT_GE(test, took_ms, (s64)RD_HUNG_HOLD_MS - 100);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->hung), 1);
	KUNIT_EXPECT_EQ(test, fl->phase(lr->ref), RD_DEAD);
}

#define RD_QUICK_HOLD_MS	200

/*
 * A wait with no holders, and one that blocks on a holder that leaves well
 * within hung_wait_secs (1 s here), are not reported.
 */
static void diag_quick_wait_not_reported(struct kunit *test)
{
	const struct rd_flavour *fl = test->param_value;
	void *ref = fl->create(test, RD_OWNER);
	struct rd_diag *d = rd_diag_start(test, 1);
	struct rd_late_release *lr;
	unsigned long nvcsw;

	fl->wait(ref);
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_DEAD);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->hung), 0);

	lr = kunit_kzalloc(test, sizeof(*lr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lr);
	lr->fl = fl;
	lr->ref = fl->create(test, RUNDOWN_NON_OWNER);
	lr->hold_ms = RD_QUICK_HOLD_MS;
	KUNIT_ASSERT_TRUE(test, fl->acquire(lr->ref));
	rd_kthread_start(test, rd_late_release_fn, lr, -1);
	nvcsw = rd_nvcsw();
	fl->wait(lr->ref);
	KUNIT_EXPECT_EQ(test, atomic_read(&lr->released), 1);
	KUNIT_EXPECT_NE_MSG(test, rd_nvcsw(), nvcsw,
			    "the wait did not block on the holder");
	KUNIT_EXPECT_EQ(test, fl->phase(lr->ref), RD_DEAD);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->hung), 0);
}

/*
 * §4 item 28: under fault injection, the cache-aware allocation, Windows
 * and Linux names alike, returns NULL; the failure leaves nothing behind
 * (kmemleak is scanned after the run).
 */
static void diag_alloc_fails_under_failslab(struct kunit *test)
{
#ifdef CONFIG_FAILSLAB
	PEX_RUNDOWN_REF_CACHE_AWARE wref;
	struct rundown_pcpu_ref *ref;

	if (!failslab_armed)
		kunit_skip(test, "failslab is not armed by the runner");
	current->make_it_fail = true;
	ref = rundown_pcpu_alloc(GFP_KERNEL);
	wref = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx,
						     RD_POOL_TAG);
	current->make_it_fail = false;
	KUNIT_EXPECT_NULL(test, ref);
	KUNIT_EXPECT_NULL(test, wref);
	rundown_pcpu_free(ref);
	ExFreeCacheAwareRundownProtection(wref);

	/* And with fault injection off again, allocation works. */
	ref = rundown_pcpu_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 0L);
	rundown_pcpu_free(ref);
#else
	kunit_skip(test, "needs CONFIG_FAILSLAB");
#endif
}

KUNIT_ARRAY_PARAM(rd_diag, rd_flavours, rd_flavour_desc);

static struct kunit_case rundown_diag_cases[] = {
	KUNIT_CASE_PARAM(diag_hung_wait_reported_once_and_keeps_waiting,
			 rd_diag_gen_params),
	KUNIT_CASE_PARAM(diag_quick_wait_not_reported, rd_diag_gen_params),
	KUNIT_CASE(diag_alloc_fails_under_failslab),
	{}
};

struct kunit_suite rundown_diag_suite = {
	.name = "rundown_diag",
	.init = rd_test_init,
	.exit = rd_test_exit,
	.test_cases = rundown_diag_cases,
};
