// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_pcpu: EX_RUNDOWN_REF_CACHE_AWARE on one CPU at a time, checked
 * white-box against our layout (rundown/internal.h): a header followed by
 * one cache-line-aligned counter per possible CPU, each counting plain
 * acquires minus releases done on its CPU.  Pinned work runs in kworkers
 * bound to a CPU (work_on_cpu()).  The item numbers are those of §4 of
 * /work/shared/research/windows-semantics.md, adapted to that layout.
 */
#include <kunit/test.h>
#include <linux/cache.h>
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <rundown/wdm.h>
#include "tests.h"

/* §4 items 23 and 28: the layout of a correctly sized object. */
static void expect_layout(struct kunit *test, struct rundown_pcpu_ref *ref,
			  size_t size, bool allocated)
{
	uintptr_t start = (uintptr_t)ref + sizeof(*ref);
	uintptr_t end = (uintptr_t)ref + size;
	uintptr_t slots = (uintptr_t)ref->slots;

	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_LIVE);
	KUNIT_ASSERT_NOT_NULL(test, ref->slots);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(slots, RUNDOWN_PCPU_STRIDE));
	KUNIT_EXPECT_GE(test, RUNDOWN_PCPU_STRIDE, (size_t)cache_line_size());
	KUNIT_EXPECT_GE(test, slots, start);
	KUNIT_EXPECT_LE(test, slots + nr_cpu_ids * RUNDOWN_PCPU_STRIDE, end);
	KUNIT_EXPECT_EQ(test, (size_t)ref->size, size);
	KUNIT_EXPECT_EQ(test, !!(ref->flags & RUNDOWN_PCPU_ALLOCATED), allocated);
	rd_expect_slots(test, ref, -1, 0, -1, 0);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 0L);
}

/*
 * §4 item 22, adapted: the size covers our header plus one cache line per
 * possible CPU, plus one line of slack to align them; both names agree.
 */
static void pcpu_size_covers_header_and_every_cpu(struct kunit *test)
{
	size_t size = rundown_pcpu_size();
	size_t header = sizeof(struct rundown_pcpu_ref);

	KUNIT_EXPECT_EQ(test, ExSizeOfRundownProtectionCacheAware(), size);
	KUNIT_EXPECT_GE(test, size, header + nr_cpu_ids * RUNDOWN_PCPU_STRIDE);
	KUNIT_EXPECT_EQ(test, size,
			header + (nr_cpu_ids + 1) * RUNDOWN_PCPU_STRIDE);
	KUNIT_EXPECT_GE(test, nr_cpu_ids, num_online_cpus());
}

/*
 * §4 item 23, adapted: initialising a buffer of the advertised size, at a
 * cache-line-aligned and at a merely pointer-aligned address, gives
 * aligned, zeroed counters inside the buffer and writes nothing past it.
 */
static void pcpu_init_lays_out_aligned_zeroed_slots(struct kunit *test)
{
	size_t size = rundown_pcpu_size();
	size_t total = size + 2 * SMP_CACHE_BYTES;
	static const size_t offsets[] = { 0, sizeof(long), 3 * sizeof(long) };
	u8 *buf = kunit_kmalloc(test, total, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		struct rundown_pcpu_ref *ref = (void *)(buf + offsets[i]);

		memset(buf, RD_CANARY, total);
		if (i == 0)
			ExInitializeRundownProtectionCacheAware(ref, size);
		else
			rundown_pcpu_init(ref, size);
		expect_layout(test, ref, size, false);
		KUNIT_EXPECT_TRUE_MSG(test,
				      rd_canary_intact(buf, offsets[i] + size, total),
				      "written past the buffer at offset %zu",
				      offsets[i]);
	}
}

/*
 * §4 items 28 and 29: both allocators return a laid-out object with every
 * counter zero, and both free functions free it without a report (a report
 * would be counted and fail the test in rd_test_exit()).
 */
static void pcpu_alloc_lays_out_zeroed_slots_and_frees(struct kunit *test)
{
	struct rundown_pcpu_ref *ref;

	ref = rundown_pcpu_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	rd_pcpu_free_at_exit(test, ref);
	expect_layout(test, ref, rundown_pcpu_size(), true);
	rd_pcpu_forget(test, ref);
	rundown_pcpu_free(ref);

	ref = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, RD_POOL_TAG);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	rd_pcpu_free_at_exit(test, ref);
	expect_layout(test, ref, rundown_pcpu_size(), true);
	KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtectionCacheAware(ref));
	ExReleaseRundownProtectionCacheAware(ref);
	rd_pcpu_forget(test, ref);
	ExFreeCacheAwareRundownProtection(ref);

	/* Freeing NULL is allowed and does nothing. */
	rundown_pcpu_free(NULL);
}

/*
 * §4 item 30, adapted: an acquire on CPU c adds 1 to c's counter only, the
 * release on the same CPU takes it back to 0; on every online CPU.
 */
static void pcpu_acquire_release_touch_only_own_slot(struct kunit *test)
{
	struct rundown_pcpu_ref *ref = rd_pcpu->create(test, RUNDOWN_NON_OWNER);
	int cpu;

	for_each_online_cpu(cpu) {
		KUNIT_ASSERT_TRUE(test, rd_acquire_on(test, cpu, rd_pcpu, ref, 1));
		rd_expect_slots(test, ref, cpu, 1, -1, 0);
		KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 1L);
		rd_release_on(test, cpu, rd_pcpu, ref, 1);
		rd_expect_slots(test, ref, -1, 0, -1, 0);
	}
}

/*
 * §4 item 31 (usersim "EX_RUNDOWN_REF_CACHE_AWARE"): allocate with
 * NonPagedPoolNx, two holders, a waiter that blocks until the last release,
 * acquires refused during and after the wait, then free.  Windows names.
 */
static void pcpu_wait_blocks_until_last_release(struct kunit *test)
{
	PEX_RUNDOWN_REF_CACHE_AWARE ref = rd_pcpu_wdm.create(test, RUNDOWN_NON_OWNER);

	rd_check_blocking_wait(test, &rd_pcpu_wdm, ref);
	rd_pcpu_forget(test, ref);
	ExFreeCacheAwareRundownProtection(ref);
}

/*
 * §4 item 35: a wait without holders returns without sleeping; afterwards
 * an acquire fails on every online CPU and no counter changes.
 */
static void pcpu_wait_without_holders_returns_at_once(struct kunit *test)
{
	PEX_RUNDOWN_REF_CACHE_AWARE ref = rd_pcpu_wdm.create(test, RUNDOWN_NON_OWNER);
	int cpu = cpumask_first(cpu_online_mask);
	unsigned long nvcsw;

	KUNIT_ASSERT_TRUE(test, rd_acquire_on(test, cpu, &rd_pcpu_wdm, ref, 1));
	rd_release_on(test, cpu, &rd_pcpu_wdm, ref, 1);
	nvcsw = rd_nvcsw();
	ExWaitForRundownProtectionReleaseCacheAware(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the wait slept");
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_FALSE_MSG(test,
				       rd_acquire_on(test, cpu, &rd_pcpu_wdm, ref, 1),
				       "acquire succeeded on CPU %d", cpu);
	rd_expect_slots(test, ref, -1, 0, -1, 0);
}

/*
 * §4 item 36, adapted: AcquireEx(n) and ReleaseEx(n) move the current
 * CPU's counter by n (plain counts here, not 2n); after the wait
 * AcquireEx(n) fails and changes nothing.
 */
static void pcpu_acquire_ex_moves_own_slot_by_count(struct kunit *test)
{
	PEX_RUNDOWN_REF_CACHE_AWARE ref = rd_pcpu_wdm.create(test, RUNDOWN_NON_OWNER);
	int cpu = cpumask_last(cpu_online_mask);

	KUNIT_ASSERT_TRUE(test, rd_acquire_on(test, cpu, &rd_pcpu_wdm, ref, 5));
	rd_expect_slots(test, ref, cpu, 5, -1, 0);
	KUNIT_ASSERT_TRUE(test, rd_acquire_on(test, cpu, &rd_pcpu_wdm, ref, 1));
	rd_expect_slots(test, ref, cpu, 6, -1, 0);
	rd_release_on(test, cpu, &rd_pcpu_wdm, ref, 4);
	rd_expect_slots(test, ref, cpu, 2, -1, 0);
	rd_release_on(test, cpu, &rd_pcpu_wdm, ref, 2);
	rd_expect_slots(test, ref, -1, 0, -1, 0);

	KUNIT_EXPECT_TRUE(test, rd_acquire_on(test, cpu, &rd_pcpu_wdm, ref, 0));
	rd_expect_slots(test, ref, -1, 0, -1, 0);

	ExWaitForRundownProtectionReleaseCacheAware(ref);
	KUNIT_EXPECT_FALSE(test, rd_acquire_on(test, cpu, &rd_pcpu_wdm, ref, 5));
	KUNIT_EXPECT_FALSE(test, rd_acquire_on(test, cpu, &rd_pcpu_wdm, ref, 0));
	rd_expect_slots(test, ref, -1, 0, -1, 0);
}

/*
 * §4 item 37, adapted: after a wait that blocked, a second wait without
 * RundownCompleted returns at once (no assertion as in ReactOS), and so
 * does one after it; the state stays run down.
 */
static void pcpu_second_wait_is_noop(struct kunit *test)
{
	PEX_RUNDOWN_REF_CACHE_AWARE ref = rd_pcpu_wdm.create(test, RUNDOWN_NON_OWNER);
	unsigned long nvcsw;

	rd_blocking_wait(test, &rd_pcpu_wdm, ref);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
	nvcsw = rd_nvcsw();
	ExWaitForRundownProtectionReleaseCacheAware(ref);
	ExWaitForRundownProtectionReleaseCacheAware(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "a later wait slept");
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionCacheAware(ref));
}

/*
 * §4 item 37, adapted: RundownCompleted after the wait keeps the object run
 * down (our "every slot ACTIVE" is the DEAD state): acquires fail and a
 * second wait returns at once.
 */
static void pcpu_completed_after_wait_keeps_run_down(struct kunit *test)
{
	PEX_RUNDOWN_REF_CACHE_AWARE ref = rd_pcpu_wdm.create(test, RUNDOWN_NON_OWNER);
	unsigned long nvcsw;

	rd_blocking_wait(test, &rd_pcpu_wdm, ref);
	ExRundownCompletedCacheAware(ref);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionCacheAware(ref));
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionCacheAwareEx(ref, 2));
	nvcsw = rd_nvcsw();
	ExWaitForRundownProtectionReleaseCacheAware(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the second wait slept");
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 0L);
}

/*
 * §4 item 38, adapted: ReInitialize after the wait, with or without
 * RundownCompleted, makes acquires succeed again, round after round, also
 * when holders released on another CPU left residues in the counters
 * (those are not rewritten, but still sum to zero holders).
 */
static void pcpu_reinit_after_wait_allows_acquire(struct kunit *test)
{
	PEX_RUNDOWN_REF_CACHE_AWARE ref = rd_pcpu_wdm.create(test, RUNDOWN_NON_OWNER);
	int a = cpumask_first(cpu_online_mask);
	int b = cpumask_last(cpu_online_mask);
	int round;

	for (round = 0; round < 4; round++) {
		KUNIT_ASSERT_TRUE(test, rd_acquire_on(test, a, &rd_pcpu_wdm, ref, 1));
		rd_release_on(test, b, &rd_pcpu_wdm, ref, 1);
		if (round & 1)
			rd_blocking_wait(test, &rd_pcpu_wdm, ref);
		else
			ExWaitForRundownProtectionReleaseCacheAware(ref);
		KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
		KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionCacheAware(ref));
		if (round >= 2)
			ExRundownCompletedCacheAware(ref);
		ExReInitializeRundownProtectionCacheAware(ref);
		KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_LIVE);
		KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 0L);
		KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtectionCacheAware(ref));
		KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 1L);
		ExReleaseRundownProtectionCacheAware(ref);
	}
}

/*
 * §1.2 "ExInitializeRundownProtectionCacheAware": an object in caller
 * memory behaves like an allocated one (the item 31 sequence), and can be
 * reinitialised after its wait.
 */
static void pcpu_embedded_object_works_like_allocated(struct kunit *test)
{
	SIZE_T size = ExSizeOfRundownProtectionCacheAware();
	PEX_RUNDOWN_REF_CACHE_AWARE ref = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ref);
	ExInitializeRundownProtectionCacheAware(ref, size);
	rd_check_blocking_wait(test, &rd_pcpu_wdm, ref);
	ExReInitializeRundownProtectionCacheAware(ref);
	KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtectionCacheAware(ref));
	ExReleaseRundownProtectionCacheAware(ref);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 0L);
}

/*
 * §4 item 36 (and 3, 5) on an owner object (rundown_pcpu_alloc()): lockdep
 * sees no hold once the task's holder count is back to zero, however
 * acquires and releases were split, and after AcquireEx(0).
 */
static void pcpu_owner_ref_lockdep_holds_follow_count(struct kunit *test)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct rundown_pcpu_ref *ref = rd_pcpu->create(test, RD_OWNER);

	rd_check_owner_lockdep(test, rd_pcpu, ref, &ref->dep_map);
#else
	kunit_skip(test, "needs CONFIG_DEBUG_LOCK_ALLOC");
#endif
}

/*
 * Issue 10, defect 4: on an owner ref, a hold taken by a preemptible
 * acquire goes with the same task's release under a spinlock, with bottom
 * halves or preemption disabled.
 */
static void pcpu_owner_hold_released_in_atomic_context_goes(struct kunit *test)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct rundown_pcpu_ref *ref = rd_pcpu->create(test, RD_OWNER);

	rd_check_owner_lockdep_atomic_release(test, rd_pcpu, ref, &ref->dep_map);
#else
	kunit_skip(test, "needs CONFIG_DEBUG_LOCK_ALLOC");
#endif
}

static struct kunit_case rundown_pcpu_cases[] = {
	KUNIT_CASE(pcpu_size_covers_header_and_every_cpu),
	KUNIT_CASE(pcpu_init_lays_out_aligned_zeroed_slots),
	KUNIT_CASE(pcpu_alloc_lays_out_zeroed_slots_and_frees),
	KUNIT_CASE(pcpu_acquire_release_touch_only_own_slot),
	KUNIT_CASE(pcpu_wait_blocks_until_last_release),
	KUNIT_CASE(pcpu_wait_without_holders_returns_at_once),
	KUNIT_CASE(pcpu_acquire_ex_moves_own_slot_by_count),
	KUNIT_CASE(pcpu_second_wait_is_noop),
	KUNIT_CASE(pcpu_completed_after_wait_keeps_run_down),
	KUNIT_CASE(pcpu_reinit_after_wait_allows_acquire),
	KUNIT_CASE(pcpu_embedded_object_works_like_allocated),
	KUNIT_CASE(pcpu_owner_ref_lockdep_holds_follow_count),
	KUNIT_CASE(pcpu_owner_hold_released_in_atomic_context_goes),
	{}
};

struct kunit_suite rundown_pcpu_suite = {
	.name = "rundown_pcpu",
	.init = rd_test_init,
	.exit = rd_test_exit,
	.test_cases = rundown_pcpu_cases,
};
