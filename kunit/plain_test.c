// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_plain: EX_RUNDOWN_REF, mostly through its Windows names, checked
 * white-box against the Windows encoding of the word (holders << 1, exactly
 * 1 when run down, wait block | 1 during a wait).  The item numbers are
 * those of §4 of /work/shared/research/windows-semantics.md.
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <rundown/wdm.h>
#include "tests.h"

static PEX_RUNDOWN_REF new_ref(struct kunit *test)
{
	return rd_plain_wdm.create(test, RUNDOWN_NON_OWNER);
}

/* §2.1 and §4 item 2: the Windows constants, and the word comes first. */
static void plain_windows_constants_and_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, EX_RUNDOWN_ACTIVE, 1UL);
	KUNIT_EXPECT_EQ(test, EX_RUNDOWN_COUNT_SHIFT, 1);
	KUNIT_EXPECT_EQ(test, EX_RUNDOWN_COUNT_INC, 2UL);
	KUNIT_EXPECT_EQ(test, offsetof(EX_RUNDOWN_REF, count), 0UL);
	KUNIT_EXPECT_EQ(test, sizeof_field(EX_RUNDOWN_REF, count),
			sizeof(void *));
	if (!IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC))
		KUNIT_EXPECT_EQ(test, sizeof(EX_RUNDOWN_REF), sizeof(void *));
}

/* §4 item 1: initialisation stores 0, whatever was there; acquire works. */
static void plain_init_sets_zero_and_acquire_succeeds(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = kunit_kmalloc(test, sizeof(*ref), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ref);
	memset(ref, 0xff, sizeof(*ref));
	ExInitializeRundownProtection(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);
	KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtection(ref));
	KUNIT_EXPECT_EQ(test, rd_word(ref), 2UL);
	ExReleaseRundownProtection(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);
}

/* §4 item 2: k acquires give 2k, k releases give 0 again. */
static void plain_acquire_adds_two_per_holder(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = new_ref(test);
	unsigned long k;

	for (k = 1; k <= 5; k++) {
		KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(ref));
		KUNIT_EXPECT_EQ(test, rd_word(ref), 2 * k);
	}
	for (k = 5; k >= 1; k--) {
		ExReleaseRundownProtection(ref);
		KUNIT_EXPECT_EQ(test, rd_word(ref), 2 * (k - 1));
	}
}

/*
 * §4 items 2, 4 and 6 through the exported functions: wdm.h compiles a call
 * of ExAcquireRundownProtection() or ExReleaseRundownProtection() to the
 * inline fast path, so call the exported ones through pointers, as a port
 * that keeps a table of them does, and mix them with the inline calls.
 */
static void plain_exported_acquire_release_match_inline(struct kunit *test)
{
	typeof(ExAcquireRundownProtection) *acquire = ExAcquireRundownProtection;
	typeof(ExReleaseRundownProtection) *release = ExReleaseRundownProtection;
	PEX_RUNDOWN_REF ref = new_ref(test);

	KUNIT_ASSERT_TRUE(test, acquire(ref));
	KUNIT_EXPECT_EQ(test, rd_word(ref), 2UL);
	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(ref));
	KUNIT_EXPECT_EQ(test, rd_word(ref), 4UL);
	release(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 2UL);
	ExReleaseRundownProtection(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);

	ExWaitForRundownProtectionRelease(ref);
	KUNIT_EXPECT_FALSE(test, acquire(ref));
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
}

/* §4 item 3: AcquireEx(n) adds 2n; Ex, plain and Linux calls interoperate. */
static void plain_acquire_ex_adds_two_per_count(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = new_ref(test);

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtectionEx(ref, 3));
	KUNIT_EXPECT_EQ(test, rd_word(ref), 6UL);
	ExReleaseRundownProtection(ref);
	ExReleaseRundownProtection(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 2UL);
	ExReleaseRundownProtection(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(ref));
	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(ref));
	ExReleaseRundownProtectionEx(ref, 2);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);

	KUNIT_ASSERT_TRUE(test, rundown_acquire_many(ref, 4));
	KUNIT_EXPECT_EQ(test, rd_word(ref), 8UL);
	ExReleaseRundownProtectionEx(ref, 3);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 2UL);
	rundown_release(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);
}

/*
 * §4 item 4: AcquireEx(n) on a ref being run down or run down fails and
 * leaves the word alone.
 */
static void plain_acquire_ex_fails_without_change_when_run_down(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = new_ref(test);
	struct rd_waiter *w;
	unsigned long during;

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(ref));
	w = rd_waiter_start(test, &rd_plain_wdm, ref, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS));
	during = rd_word(ref);
	KUNIT_EXPECT_TRUE(test, during & EX_RUNDOWN_ACTIVE);
	KUNIT_EXPECT_NE(test, during, EX_RUNDOWN_ACTIVE);
	RD_EXPECT_REFUSED(test, &rd_plain_wdm, ref, 5);
	KUNIT_EXPECT_EQ(test, rd_word(ref), during);

	ExReleaseRundownProtection(ref);
	rd_waiter_released(w, 1);
	KUNIT_ASSERT_TRUE(test, rd_waiter_finish(w));
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionEx(ref, 5));
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
}

/*
 * §4 item 5: AcquireEx(0) succeeds without any change while live and fails
 * once run down.
 */
static void plain_acquire_ex_zero_only_tests_state(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = new_ref(test);

	KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtectionEx(ref, 0));
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);
	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtectionEx(ref, 2));
	KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtectionEx(ref, 0));
	KUNIT_EXPECT_EQ(test, rd_word(ref), 4UL);
	ExReleaseRundownProtectionEx(ref, 2);

	ExWaitForRundownProtectionRelease(ref);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionEx(ref, 0));
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
}

/*
 * §4 item 6: a wait without holders returns without sleeping, leaves
 * exactly 1, and later acquires fail.
 */
static void plain_wait_without_holders_returns_at_once(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = new_ref(test);
	unsigned long nvcsw;

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(ref));
	ExReleaseRundownProtection(ref);
	nvcsw = rd_nvcsw();
	ExWaitForRundownProtectionRelease(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the wait slept");
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtection(ref));
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
}

/*
 * §4 item 7 (usersim "EX_RUNDOWN_REF"): with two holders the wait blocks,
 * acquires fail during it, the first release does not end it, the last
 * does, and acquires fail afterwards.  Windows names throughout.
 */
static void plain_wait_blocks_until_last_release(struct kunit *test)
{
	rd_check_blocking_wait(test, &rd_plain_wdm, new_ref(test));
}

/* §4 item 8: acquires fail after the wait, with or without Completed. */
static void plain_acquire_fails_after_wait(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = new_ref(test);

	ExWaitForRundownProtectionRelease(ref);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtection(ref));
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionEx(ref, 2));
	KUNIT_EXPECT_FALSE(test, rundown_acquire(ref));
	ExRundownCompleted(ref);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtection(ref));
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionEx(ref, 2));
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
}

/*
 * §4 item 9: on a ref in state exactly 1 (the wait found no holders, or
 * Completed ran) a second wait returns at once and changes nothing.
 */
static void plain_second_wait_after_quick_wait_is_noop(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = new_ref(test);
	unsigned long nvcsw;

	ExWaitForRundownProtectionRelease(ref);
	nvcsw = rd_nvcsw();
	ExWaitForRundownProtectionRelease(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the second wait slept");
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);

	ExRundownCompleted(ref);
	nvcsw = rd_nvcsw();
	ExWaitForRundownProtectionRelease(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the third wait slept");
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
}

/*
 * §4 item 10: a wait that blocked leaves exactly 1, not the address of its
 * dead wait block, so a second wait without Completed returns at once.
 */
static void plain_second_wait_after_blocking_wait_is_noop(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = new_ref(test);
	unsigned long nvcsw;

	rd_blocking_wait(test, &rd_plain_wdm, ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);

	nvcsw = rd_nvcsw();
	ExWaitForRundownProtectionRelease(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the second wait slept");
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtection(ref));
}

/*
 * §4 item 11: Completed after a (blocking) wait leaves exactly 1; acquires
 * fail and a later wait returns at once.
 */
static void plain_completed_after_wait_keeps_run_down(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = new_ref(test);
	unsigned long nvcsw;

	rd_blocking_wait(test, &rd_plain_wdm, ref);

	ExRundownCompleted(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtection(ref));
	nvcsw = rd_nvcsw();
	ExWaitForRundownProtectionRelease(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the wait slept");
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
}

/*
 * §4 item 12 (cxplat "rundown_protection"): init, acquire, release, wait,
 * reinit, acquire, release, wait, several times; reinit stores 0, also
 * after a wait that blocked.  Linux names.
 */
static void plain_reinit_after_wait_allows_acquire(struct kunit *test)
{
	struct rundown_ref *ref = rd_plain->create(test, RD_OWNER);
	int round;

	for (round = 0; round < 3; round++) {
		KUNIT_ASSERT_TRUE(test, rundown_acquire(ref));
		rundown_release(ref);
		rundown_wait(ref);
		KUNIT_EXPECT_EQ(test, rd_word(ref), RUNDOWN_ACTIVE);
		rundown_reinit(ref);
		KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);
	}

	rd_blocking_wait(test, rd_plain, ref);
	rundown_reinit(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);
	KUNIT_EXPECT_TRUE(test, rundown_acquire(ref));
	KUNIT_EXPECT_EQ(test, rd_word(ref), 2UL);
	rundown_release(ref);
	rundown_wait(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), RUNDOWN_ACTIVE);
}

/* §4 item 13: ReInitialize after Wait and Completed re-enables acquires. */
static void plain_reinit_after_completed_allows_acquire(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = new_ref(test);

	ExWaitForRundownProtectionRelease(ref);
	ExRundownCompleted(ref);
	ExReInitializeRundownProtection(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);
	KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtection(ref));
	KUNIT_EXPECT_EQ(test, rd_word(ref), 2UL);
	ExReleaseRundownProtection(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);
}

/*
 * §4 item 20: counting is limited only by the word: one AcquireEx with the
 * largest ULONG adds 2 * (2^32 - 1), and a second one still fits.
 */
static void plain_acquire_ex_largest_count(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = new_ref(test);
	unsigned long step = 2UL * U32_MAX;

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtectionEx(ref, U32_MAX));
	KUNIT_EXPECT_EQ(test, rd_word(ref), step);
	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtectionEx(ref, U32_MAX));
	KUNIT_EXPECT_EQ(test, rd_word(ref), 2 * step);
	ExReleaseRundownProtectionEx(ref, U32_MAX);
	KUNIT_EXPECT_EQ(test, rd_word(ref), step);
	ExReleaseRundownProtectionEx(ref, U32_MAX);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);
	ExWaitForRundownProtectionRelease(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
}

/*
 * §4 items 3 and 5 on an owner ref (rundown_init()): lockdep sees no hold
 * once the task's holder count is back to zero, however acquires and
 * releases were split, and after AcquireEx(0).
 */
static void plain_owner_ref_lockdep_holds_follow_count(struct kunit *test)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct rundown_ref *ref = rd_plain->create(test, RD_OWNER);

	rd_check_owner_lockdep(test, rd_plain, ref, &ref->dep_map);
#else
	kunit_skip(test, "needs CONFIG_DEBUG_LOCK_ALLOC");
#endif
}

/*
 * Issue 10, defect 4: on an owner ref, a hold taken by a preemptible
 * acquire goes with the same task's release under a spinlock, with bottom
 * halves or preemption disabled.
 */
static void plain_owner_hold_released_in_atomic_context_goes(struct kunit *test)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct rundown_ref *ref = rd_plain->create(test, RD_OWNER);

	rd_check_owner_lockdep_atomic_release(test, rd_plain, ref, &ref->dep_map);
#else
	kunit_skip(test, "needs CONFIG_DEBUG_LOCK_ALLOC");
#endif
}

static struct kunit_case rundown_plain_cases[] = {
	KUNIT_CASE(plain_windows_constants_and_layout),
	KUNIT_CASE(plain_init_sets_zero_and_acquire_succeeds),
	KUNIT_CASE(plain_acquire_adds_two_per_holder),
	KUNIT_CASE(plain_exported_acquire_release_match_inline),
	KUNIT_CASE(plain_acquire_ex_adds_two_per_count),
	KUNIT_CASE(plain_acquire_ex_fails_without_change_when_run_down),
	KUNIT_CASE(plain_acquire_ex_zero_only_tests_state),
	KUNIT_CASE(plain_wait_without_holders_returns_at_once),
	KUNIT_CASE(plain_wait_blocks_until_last_release),
	KUNIT_CASE(plain_acquire_fails_after_wait),
	KUNIT_CASE(plain_second_wait_after_quick_wait_is_noop),
	KUNIT_CASE(plain_second_wait_after_blocking_wait_is_noop),
	KUNIT_CASE(plain_completed_after_wait_keeps_run_down),
	KUNIT_CASE(plain_reinit_after_wait_allows_acquire),
	KUNIT_CASE(plain_reinit_after_completed_allows_acquire),
	KUNIT_CASE(plain_acquire_ex_largest_count),
	KUNIT_CASE(plain_owner_ref_lockdep_holds_follow_count),
	KUNIT_CASE(plain_owner_hold_released_in_atomic_context_goes),
	{}
};

struct kunit_suite rundown_plain_suite = {
	.name = "rundown_plain",
	.init = rd_test_init,
	.exit = rd_test_exit,
	.test_cases = rundown_plain_cases,
};
