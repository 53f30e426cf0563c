// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_counts: what the count argument of the Ex/_many calls means at
 * its edges, on both flavours and under both names: a count of 0 (a no-op
 * pair in every state) and counts that a ref cannot hold (refused, which
 * only 32-bit kernels can reach).
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/slab.h>

#include "tests.h"

KUNIT_ARRAY_PARAM(rd_counts, rd_every_flavour, rd_flavour_ptr_desc);

/*
 * A zero-count pair, AcquireEx(ref, 0) then ReleaseEx(ref, 0), as ported
 * code does for an empty batch, is a no-op in every state: before a wait
 * (the acquire says "live"), during a blocking wait it straddles (the
 * acquire was made before the wait, the release comes while it blocks; the
 * wait neither ends nor notices), and after the wait (the acquire says
 * "run down"; the release is no release on a run-down ref, so no report).
 * The holder count never moves.
 */
static void counts_zero_count_pair_is_noop_in_every_state(struct kunit *test)
{
	const struct rd_flavour *fl = rd_param_flavour(test);
	void *ref = fl->create(test, RUNDOWN_NON_OWNER);
	int misuse = rd_misuse(test);
	struct rd_waiter *w;

	/* Live. */
	KUNIT_EXPECT_TRUE(test, fl->acquire_many(ref, 0));
	KUNIT_EXPECT_EQ(test, fl->holders(ref), 0L);
	fl->release_many(ref, 0);
	KUNIT_EXPECT_EQ(test, fl->holders(ref), 0L);
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_LIVE);

	/* Straddling a blocking wait: acquired before, released during. */
	KUNIT_EXPECT_TRUE(test, fl->acquire_many(ref, 0));
	KUNIT_ASSERT_TRUE(test, fl->acquire(ref));
	w = rd_waiter_start(test, fl, ref, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS));
	fl->release_many(ref, 0);
	KUNIT_EXPECT_FALSE(test, fl->acquire_many(ref, 0));
	fl->release_many(ref, 0);
	msleep(RD_STAY_BLOCKED_MS);
	KUNIT_EXPECT_FALSE_MSG(test, rd_waiter_done(w),
			       "a release of 0 ended the wait");
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_WAITING);
	fl->release(ref);
	rd_waiter_released(w, 1);
	KUNIT_ASSERT_TRUE(test, rd_waiter_finish(w));
	rd_waiter_reap(test, w);

	/* Run down. */
	KUNIT_EXPECT_FALSE(test, fl->acquire_many(ref, 0));
	fl->release_many(ref, 0);
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_DEAD);
	KUNIT_EXPECT_EQ(test, fl->holders(ref), 0L);
	RD_EXPECT_MISUSE(test, misuse);

	/* And live again after a reinit. */
	fl->reinit(ref);
	KUNIT_EXPECT_TRUE(test, fl->acquire_many(ref, 0));
	fl->release_many(ref, 0);
	KUNIT_EXPECT_EQ(test, fl->holders(ref), 0L);
	RD_EXPECT_MISUSE(test, misuse);
}

/*
 * A release of 0 touches nothing, not even the ref's memory: the owner may
 * already have freed it.  Each flavour's ref is run down and freed, then
 * released with a count of 0 under every name; on the KASAN kernel (make
 * test-debug) any access is a reported use after free.
 */
static void counts_zero_release_after_free_touches_nothing(struct kunit *test)
{
	const struct rd_flavour *fl = rd_param_flavour(test);
	bool plain = fl->phase == rd_plain->phase;
	struct rundown_ref *pref;
	void *ref;

	if (plain) {
		pref = kmalloc(sizeof(*pref), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pref);
		rundown_init_non_owner(pref);
		ref = pref;
	} else if (fl == &rd_flavours[2]) {
		kunit_skip(test, "the shared-counter object lives in test memory");
	} else {
		ref = rundown_pcpu_alloc_non_owner(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, ref);
	}
	KUNIT_EXPECT_TRUE(test, fl->acquire_many(ref, 0));
	fl->wait(ref);
	if (plain)
		kfree(ref);
	else
		rundown_pcpu_free(ref);
	fl->release_many(ref, 0);
	RD_EXPECT_MISUSE(test, 0);
}

/*
 * A count above RUNDOWN_COUNT_LIMIT (LONG_MAX >> 1) cannot be represented:
 * shifted into the plain word it would lose its top bit, and as a
 * cache-aware delta it would turn negative.  Acquires and releases of such
 * a count are refused, each with one report, and change nothing.  Only a
 * 32-bit kernel has such unsigned int counts; the largest count a 64-bit
 * ref takes in one call is checked by plain_acquire_ex_largest_count.
 * 0x80000000 and 0x80000001 are the counts whose bit 31 a shift drops (an
 * acquire that takes nothing or one, and a release of one during a wait).
 */
static void counts_count_beyond_limit_is_refused(struct kunit *test)
{
	const struct rd_flavour *fl = rd_param_flavour(test);
	unsigned int big = (unsigned int)min_t(unsigned long, RUNDOWN_COUNT_LIMIT,
					       UINT_MAX - 1) + 1;
	struct rd_waiter *w;
	void *ref;
	int misuse;

	if (BITS_PER_LONG > 32)
		kunit_skip(test, "every unsigned int count fits on 64-bit kernels");
	ref = fl->create(test, RUNDOWN_NON_OWNER);
	misuse = rd_misuse(test);
	RD_EXPECT_REFUSED(test, fl, ref, big);
	RD_EXPECT_REFUSED(test, fl, ref, 0x80000000U);
	RD_EXPECT_REFUSED(test, fl, ref, 0x80000001U);
	RD_EXPECT_REFUSED(test, fl, ref, UINT_MAX);
	RD_EXPECT_MISUSE(test, misuse + 4);
	KUNIT_EXPECT_EQ(test, fl->holders(ref), 0L);

	KUNIT_ASSERT_TRUE(test, fl->acquire(ref));
	fl->release_many(ref, big);
	RD_EXPECT_MISUSE(test, misuse + 5);
	KUNIT_EXPECT_EQ(test, fl->holders(ref), 1L);

	/* During a wait: the huge release is refused, the wait goes on. */
	w = rd_waiter_start(test, fl, ref, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS));
	fl->release_many(ref, 0x80000001U);
	RD_EXPECT_MISUSE(test, misuse + 6);
	msleep(RD_STAY_BLOCKED_MS);
	KUNIT_EXPECT_FALSE(test, rd_waiter_done(w));
	fl->release(ref);
	rd_waiter_released(w, 1);
	KUNIT_EXPECT_TRUE(test, rd_waiter_finish(w));
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_DEAD);
}

static struct kunit_case rundown_counts_cases[] = {
	KUNIT_CASE_PARAM(counts_zero_count_pair_is_noop_in_every_state,
			 rd_counts_gen_params),
	KUNIT_CASE_PARAM(counts_zero_release_after_free_touches_nothing,
			 rd_counts_gen_params),
	KUNIT_CASE_PARAM(counts_count_beyond_limit_is_refused,
			 rd_counts_gen_params),
	{}
};

struct kunit_suite rundown_counts_suite = {
	.name = "rundown_counts",
	.init = rd_test_init,
	.exit = rd_test_exit,
	.test_cases = rundown_counts_cases,
};
