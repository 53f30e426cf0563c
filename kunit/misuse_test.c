// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_misuse: contract violations are refused and reported, never
 * turned into corruption.  Every violation is committed on the test thread,
 * where rundown/debug.c counts the report instead of printing it; each test
 * checks the exact number of reports after each step, and that the ref
 * still works (or, for too-small buffers, that nothing past the buffer was
 * written).  The item numbers are those of §4 of
 * /work/shared/research/windows-semantics.md.
 */
#include <kunit/test.h>
#include <linux/debug_locks.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <rundown/wdm.h>
#include "tests.h"

/*
 * §4 item 15: a release without acquire, or of more than is held, is
 * refused: the count stays, and a later wait does not hang on a phantom
 * holder.
 */
static void misuse_plain_release_without_acquire_is_refused(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = rd_plain_wdm.create(test, RUNDOWN_NON_OWNER);
	unsigned long nvcsw;

	ExReleaseRundownProtection(ref);
	RD_EXPECT_MISUSE(test, 1);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(ref));
	ExReleaseRundownProtectionEx(ref, 2);
	RD_EXPECT_MISUSE(test, 2);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 2UL);
	ExReleaseRundownProtection(ref);
	RD_EXPECT_MISUSE(test, 2);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);

	nvcsw = rd_nvcsw();
	ExWaitForRundownProtectionRelease(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the wait slept");
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
	RD_EXPECT_MISUSE(test, 2);
}

/*
 * §4 item 15, during a wait: releasing more than the holders left in the
 * wait block is refused; the wait goes on until the real last release.
 */
static void misuse_plain_release_beyond_waiting_holders_is_refused(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = rd_plain_wdm.create(test, RUNDOWN_NON_OWNER);
	struct rd_waiter *w;
	unsigned long word;

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(ref));
	w = rd_waiter_start(test, &rd_plain_wdm, ref, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS));
	word = rd_word(ref);

	ExReleaseRundownProtectionEx(ref, 2);
	RD_EXPECT_MISUSE(test, 1);
	KUNIT_EXPECT_EQ(test, rd_word(ref), word);
	msleep(RD_STAY_BLOCKED_MS);
	KUNIT_EXPECT_FALSE_MSG(test, rd_waiter_done(w),
			       "the refused release ended the wait");

	ExReleaseRundownProtection(ref);
	rd_waiter_released(w, 1);
	KUNIT_ASSERT_TRUE(test, rd_waiter_finish(w));
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
	RD_EXPECT_MISUSE(test, 1);
}

/*
 * §4 item 16: a release after the wait returned, quick or blocking, finds
 * the word exactly 1 (no dangling wait block) and is refused.
 */
static void misuse_plain_release_after_wait_is_refused(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = rd_plain_wdm.create(test, RUNDOWN_NON_OWNER);

	ExWaitForRundownProtectionRelease(ref);
	ExReleaseRundownProtection(ref);
	RD_EXPECT_MISUSE(test, 1);
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);

	ExReInitializeRundownProtection(ref);
	rd_blocking_wait(test, &rd_plain_wdm, ref);

	ExReleaseRundownProtectionEx(ref, 3);
	RD_EXPECT_MISUSE(test, 2);
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtection(ref));
}

/*
 * §4 item 14: ReInitialize or RundownCompleted on a live ref is refused;
 * outstanding holders are never lost and a live ref is not run down.
 */
static void misuse_plain_reinit_on_live_ref_is_refused(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = rd_plain_wdm.create(test, RUNDOWN_NON_OWNER);

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtectionEx(ref, 2));
	ExReInitializeRundownProtection(ref);
	RD_EXPECT_MISUSE(test, 1);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 4UL);
	ExRundownCompleted(ref);
	RD_EXPECT_MISUSE(test, 2);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 4UL);
	ExReleaseRundownProtectionEx(ref, 2);

	ExRundownCompleted(ref);
	RD_EXPECT_MISUSE(test, 3);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);
	ExReInitializeRundownProtection(ref);
	RD_EXPECT_MISUSE(test, 4);
	KUNIT_EXPECT_EQ(test, rd_word(ref), 0UL);
	KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtection(ref));
	ExReleaseRundownProtection(ref);
	ExWaitForRundownProtectionRelease(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
	RD_EXPECT_MISUSE(test, 4);
}

/*
 * §4 item 14, during a wait: both calls are refused, the wait block stays
 * published and the wait ends only with the last release.
 */
static void misuse_plain_reinit_during_wait_is_refused(struct kunit *test)
{
	PEX_RUNDOWN_REF ref = rd_plain_wdm.create(test, RUNDOWN_NON_OWNER);
	struct rd_waiter *w;
	unsigned long word;

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(ref));
	w = rd_waiter_start(test, &rd_plain_wdm, ref, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS));
	word = rd_word(ref);

	ExReInitializeRundownProtection(ref);
	RD_EXPECT_MISUSE(test, 1);
	ExRundownCompleted(ref);
	RD_EXPECT_MISUSE(test, 2);
	KUNIT_EXPECT_EQ(test, rd_word(ref), word);
	msleep(RD_STAY_BLOCKED_MS);
	KUNIT_EXPECT_FALSE(test, rd_waiter_done(w));
	RD_EXPECT_REFUSED(test, &rd_plain_wdm, ref, 1);

	ExReleaseRundownProtection(ref);
	rd_waiter_released(w, 1);
	KUNIT_ASSERT_TRUE(test, rd_waiter_finish(w));
	KUNIT_EXPECT_EQ(test, rd_word(ref), EX_RUNDOWN_ACTIVE);
	RD_EXPECT_MISUSE(test, 2);
}

/*
 * §4 item 20, our choice: an acquire that would take the holder count past
 * LONG_MAX / 2 is refused and reported, the count unchanged; AcquireEx(0)
 * at the limit still succeeds.
 */
static void misuse_plain_acquire_overflow_is_refused(struct kunit *test)
{
	/* Non-owner: the fake holders set below are never released. */
	struct rundown_ref *ref = rd_plain_wdm.create(test, RUNDOWN_NON_OWNER);

	atomic_long_set(&ref->count, RD_PLAIN_COUNT_MAX - RUNDOWN_COUNT_INC);
	KUNIT_EXPECT_TRUE(test, rundown_acquire(ref));
	KUNIT_EXPECT_EQ(test, rd_word(ref), RD_PLAIN_COUNT_MAX);
	RD_EXPECT_MISUSE(test, 0);

	KUNIT_EXPECT_FALSE(test, rundown_acquire(ref));
	RD_EXPECT_MISUSE(test, 1);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionEx(ref, U32_MAX));
	RD_EXPECT_MISUSE(test, 2);
	KUNIT_EXPECT_EQ(test, rd_word(ref), RD_PLAIN_COUNT_MAX);
	KUNIT_EXPECT_TRUE(test, rundown_acquire_many(ref, 0));
	KUNIT_EXPECT_EQ(test, rd_word(ref), RD_PLAIN_COUNT_MAX);

	rundown_release(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), RD_PLAIN_COUNT_MAX - RUNDOWN_COUNT_INC);
	KUNIT_EXPECT_TRUE(test, rundown_acquire(ref));
	RD_EXPECT_MISUSE(test, 2);

	/* White-box: drop the fake holders so that the ref can run down. */
	atomic_long_set(&ref->count, 0);
	rundown_wait(ref);
	KUNIT_EXPECT_EQ(test, rd_word(ref), RUNDOWN_ACTIVE);
}

/* A buffer of @size useful bytes followed by canary, all canary at first. */
static u8 *canary_buffer(struct kunit *test, size_t size, size_t *total)
{
	u8 *buf;

	*total = max(size, rundown_pcpu_size()) + 2 * SMP_CACHE_BYTES;
	buf = kunit_kmalloc(test, *total, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, RD_CANARY, *total);
	return buf;
}

/* An undersized object on one shared counter still does everything. */
static void check_shared_counter_works(struct kunit *test,
				       struct rundown_pcpu_ref *ref)
{
	int cpu, nr = 0;

	KUNIT_EXPECT_NULL(test, ref->slots);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_LIVE);
	for_each_online_cpu(cpu) {
		KUNIT_EXPECT_TRUE(test, rd_acquire_on(test, cpu, rd_pcpu, ref, 2));
		nr += 2;
	}
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), (long)nr);
	for_each_online_cpu(cpu)
		rd_release_on(test, cpu, rd_pcpu, ref, 2);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 0L);

	rd_check_blocking_wait(test, rd_pcpu, ref);
	rundown_pcpu_reinit(ref);
	KUNIT_EXPECT_TRUE(test, rundown_pcpu_acquire(ref));
	rundown_pcpu_release(ref);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 0L);
}

/*
 * §4 items 24 to 26, our fallback: a buffer with room for the header only
 * is reported once, uses one shared counter, writes nothing past its end,
 * and works from every CPU, including a blocking wait and a reinit.
 */
static void misuse_pcpu_header_only_buffer_uses_shared_counter(struct kunit *test)
{
	size_t size = sizeof(struct rundown_pcpu_ref), total;
	u8 *buf = canary_buffer(test, size, &total);
	struct rundown_pcpu_ref *ref = (void *)buf;

	ExInitializeRundownProtectionCacheAware(ref, size);
	RD_EXPECT_MISUSE(test, 1);
	KUNIT_EXPECT_TRUE(test, rd_canary_intact(buf, size, total));
	check_shared_counter_works(test, ref);
	KUNIT_EXPECT_TRUE(test, rd_canary_intact(buf, size, total));
	RD_EXPECT_MISUSE(test, 1);
}

/*
 * §4 item 25, our fallback: buffers with room for the header and fewer
 * counters than possible CPUs, at any alignment, are reported once each,
 * fall back to the shared counter and write nothing past their end.
 */
static void misuse_pcpu_short_buffer_uses_shared_counter(struct kunit *test)
{
	size_t header = sizeof(struct rundown_pcpu_ref);
	const size_t sizes[] = {
		header + 1,
		header + RUNDOWN_PCPU_STRIDE,
		header + nr_cpu_ids * RUNDOWN_PCPU_STRIDE - 1,
	};
	size_t total;
	unsigned int i;
	u8 *buf;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct rundown_pcpu_ref *ref;
		size_t offset = (i % 2) * sizeof(long);

		buf = canary_buffer(test, sizes[i] + offset, &total);
		ref = (void *)(buf + offset);
		rundown_pcpu_init(ref, sizes[i]);
		RD_EXPECT_MISUSE(test, i + 1);
		KUNIT_EXPECT_NULL_MSG(test, ref->slots, "size %zu", sizes[i]);
		KUNIT_EXPECT_TRUE_MSG(test,
				      rd_canary_intact(buf, offset + sizes[i], total),
				      "size %zu: written past the buffer", sizes[i]);

		KUNIT_EXPECT_TRUE(test, rundown_pcpu_acquire_many(ref, 3));
		KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 3L);
		rundown_pcpu_release_many(ref, 3);
		rundown_pcpu_wait(ref);
		KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
		KUNIT_EXPECT_FALSE(test, rundown_pcpu_acquire(ref));
		KUNIT_EXPECT_TRUE(test,
				  rd_canary_intact(buf, offset + sizes[i], total));
	}
	RD_EXPECT_MISUSE(test, ARRAY_SIZE(sizes));
}

/*
 * §4 items 24 to 27 at the boundary: include/rundown/rundown.h promises
 * the fallback for every buffer "smaller than rundown_pcpu_size()", so one
 * byte short is reported and uses the shared counter.
 */
static void misuse_pcpu_one_byte_short_buffer_is_reported(struct kunit *test)
{
	size_t size = rundown_pcpu_size() - 1, total;
	u8 *buf = canary_buffer(test, size, &total);
	struct rundown_pcpu_ref *ref = (void *)buf;

	ExInitializeRundownProtectionCacheAware(ref, size);
	RD_EXPECT_MISUSE(test, 1);
	KUNIT_EXPECT_NULL(test, ref->slots);
	KUNIT_EXPECT_TRUE(test, rd_canary_intact(buf, size, total));
	KUNIT_EXPECT_TRUE(test, rundown_pcpu_acquire(ref));
	rundown_pcpu_release(ref);
	rundown_pcpu_wait(ref);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
}

/*
 * §4 item 27, our choice: a buffer too small for the header but holding
 * the state word is reported and marked unusable; acquires fail and waits
 * return at once without a report; release, reinit, completed and free are
 * refused with one report each; nothing past the buffer is ever written.
 */
static void misuse_pcpu_below_header_buffer_is_unusable(struct kunit *test)
{
	const size_t sizes[] = {
		sizeof(unsigned long),
		sizeof(struct rundown_pcpu_ref) - 1,
	};
	unsigned long nvcsw;
	unsigned int i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t size = sizes[i], total;
		u8 *buf = canary_buffer(test, size, &total);
		struct rundown_pcpu_ref *ref = (void *)buf;

		rundown_pcpu_init(ref, size);
		RD_EXPECT_MISUSE(test, ++n);
		KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_BROKEN);
		KUNIT_EXPECT_TRUE_MSG(test, rd_canary_intact(buf, size, total),
				      "size %zu: written past the buffer", size);

		KUNIT_EXPECT_FALSE(test, rundown_pcpu_acquire(ref));
		KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionCacheAwareEx(ref, 2));
		nvcsw = rd_nvcsw();
		rundown_pcpu_wait(ref);
		KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the wait slept");
		RD_EXPECT_MISUSE(test, n);

		rundown_pcpu_release(ref);
		RD_EXPECT_MISUSE(test, ++n);
		rundown_pcpu_reinit(ref);
		RD_EXPECT_MISUSE(test, ++n);
		rundown_pcpu_completed(ref);
		RD_EXPECT_MISUSE(test, ++n);
		ExFreeCacheAwareRundownProtection(ref);
		RD_EXPECT_MISUSE(test, ++n);

		KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_BROKEN);
		KUNIT_EXPECT_FALSE(test, rundown_pcpu_acquire(ref));
		KUNIT_EXPECT_TRUE_MSG(test, rd_canary_intact(buf, size, total),
				      "size %zu: written past the buffer", size);
	}
}

/*
 * §4 item 27, our choice: a buffer too small even for the state word is
 * reported and not written at all.  Later calls cannot know its size, and
 * read the state word beyond it (here: canary bytes of the test's bigger
 * allocation, which hold no valid state).  A word that holds no valid
 * state makes the object unusable to every call: acquires fail, the wait
 * returns at once without sleeping, release, reinit, completed and free
 * are refused with one report each, and still nothing is written.
 */
static void misuse_pcpu_tiny_buffer_is_not_written(struct kunit *test)
{
	const size_t sizes[] = { 0, 1, sizeof(unsigned long) - 1 };
	unsigned long nvcsw;
	unsigned int i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t total;
		u8 *buf = canary_buffer(test, sizes[i], &total);
		struct rundown_pcpu_ref *ref = (void *)buf;

		rundown_pcpu_init(ref, sizes[i]);
		RD_EXPECT_MISUSE(test, ++n);
		KUNIT_EXPECT_TRUE_MSG(test, rd_canary_intact(buf, 0, total),
				      "size %zu: buffer written", sizes[i]);

		KUNIT_EXPECT_FALSE(test, rundown_pcpu_acquire(ref));
		KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionCacheAwareEx(ref, 2));
		KUNIT_EXPECT_FALSE(test, rundown_pcpu_acquire_many(ref, 0));
		nvcsw = rd_nvcsw();
		rundown_pcpu_wait(ref);
		KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the wait slept");
		RD_EXPECT_MISUSE(test, n);
		rundown_pcpu_release(ref);
		RD_EXPECT_MISUSE(test, ++n);
		rundown_pcpu_reinit(ref);
		RD_EXPECT_MISUSE(test, ++n);
		rundown_pcpu_completed(ref);
		RD_EXPECT_MISUSE(test, ++n);
		ExFreeCacheAwareRundownProtection(ref);
		RD_EXPECT_MISUSE(test, ++n);
		KUNIT_EXPECT_TRUE_MSG(test, rd_canary_intact(buf, 0, total),
				      "size %zu: buffer written", sizes[i]);
	}
	/* No call handed lockdep the garbage beyond the buffer as a map. */
	KUNIT_EXPECT_TRUE(test, debug_locks);
}

/*
 * §4 item 29: freeing an object set up in caller memory is refused: not a
 * byte of it changes (kfree() would have written its free pointer), and it
 * still works.
 */
static void misuse_pcpu_free_embedded_is_refused(struct kunit *test)
{
	SIZE_T size = ExSizeOfRundownProtectionCacheAware();
	PEX_RUNDOWN_REF_CACHE_AWARE ref = kunit_kzalloc(test, size, GFP_KERNEL);
	void *copy = kunit_kmalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ref);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	ExInitializeRundownProtectionCacheAware(ref, size);
	memcpy(copy, ref, size);

	ExFreeCacheAwareRundownProtection(ref);
	RD_EXPECT_MISUSE(test, 1);
	KUNIT_EXPECT_EQ(test, memcmp(copy, ref, size), 0);

	KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtectionCacheAware(ref));
	ExReleaseRundownProtectionCacheAware(ref);
	ExWaitForRundownProtectionReleaseCacheAware(ref);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
	RD_EXPECT_MISUSE(test, 1);
}

/*
 * §4 item 29: freeing an allocated object that still has holders, or while
 * its wait is in progress, is refused; the object stays usable and is
 * freed later without a report.
 */
static void misuse_pcpu_free_with_holders_is_refused(struct kunit *test)
{
	struct rundown_pcpu_ref *ref = rd_pcpu->create(test, RD_OWNER);
	struct rd_waiter *w;

	KUNIT_ASSERT_TRUE(test, rundown_pcpu_acquire(ref));
	rundown_pcpu_free(ref);
	RD_EXPECT_MISUSE(test, 1);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 1L);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_LIVE);

	w = rd_waiter_start(test, rd_pcpu, ref, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS));
	rundown_pcpu_free(ref);
	RD_EXPECT_MISUSE(test, 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_WAITING);
	rundown_pcpu_release(ref);
	rd_waiter_released(w, 1);
	KUNIT_ASSERT_TRUE(test, rd_waiter_finish(w));
	rd_waiter_reap(test, w);

	rd_pcpu_forget(test, ref);
	rundown_pcpu_free(ref);
	RD_EXPECT_MISUSE(test, 2);
}

/* White-box: the per-CPU counters, to compare before and after. */
static void read_slots(const struct rundown_pcpu_ref *ref, unsigned long *counts)
{
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		counts[cpu] = READ_ONCE(ref->slots[cpu].count);
}

/* White-box: forget the bad count a misuse left, so the object can go. */
static void clear_slots(struct rundown_pcpu_ref *ref)
{
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		WRITE_ONCE(ref->slots[cpu].count, 0);
}

/*
 * §4 item 16, cache-aware: a release after the wait returned is ignored
 * with a report: no counter moves, and after a reinit the object counts
 * right (a wait without holders returns at once).
 */
static void misuse_pcpu_release_after_wait_is_ignored(struct kunit *test)
{
	struct rundown_pcpu_ref *ref = rd_pcpu->create(test, RD_OWNER);
	unsigned long *before, *after;
	unsigned long nvcsw;

	before = kunit_kcalloc(test, nr_cpu_ids, sizeof(*before), GFP_KERNEL);
	after = kunit_kcalloc(test, nr_cpu_ids, sizeof(*after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);

	KUNIT_ASSERT_TRUE(test, rundown_pcpu_acquire(ref));
	rundown_pcpu_release(ref);
	rundown_pcpu_wait(ref);
	read_slots(ref, before);
	rundown_pcpu_release(ref);
	RD_EXPECT_MISUSE(test, 1);
	ExReleaseRundownProtectionCacheAwareEx(ref, 3);
	RD_EXPECT_MISUSE(test, 2);
	read_slots(ref, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, nr_cpu_ids * sizeof(*after)), 0);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 0L);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);

	rundown_pcpu_reinit(ref);
	KUNIT_EXPECT_TRUE(test, rundown_pcpu_acquire(ref));
	rundown_pcpu_release(ref);
	nvcsw = rd_nvcsw();
	rundown_pcpu_wait(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the wait slept");
	RD_EXPECT_MISUSE(test, 2);
}

/*
 * §4 item 15, cache-aware: a release without acquire cannot be seen on the
 * fast path; the wait sees a negative sum, reports once and returns at
 * once instead of hanging.  Freeing the object with that count is refused
 * like freeing one with holders.
 */
static void misuse_pcpu_release_without_acquire_ends_wait(struct kunit *test)
{
	struct rundown_pcpu_ref *ref = rd_pcpu->create(test, RD_OWNER);
	unsigned long nvcsw;

	rundown_pcpu_release(ref);
	RD_EXPECT_MISUSE(test, 0);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), -1L);

	nvcsw = rd_nvcsw();
	rundown_pcpu_wait(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the wait slept");
	RD_EXPECT_MISUSE(test, 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);

	rd_pcpu_forget(test, ref);
	rundown_pcpu_free(ref);
	RD_EXPECT_MISUSE(test, 2);
	clear_slots(ref);
	rundown_pcpu_free(ref);
	RD_EXPECT_MISUSE(test, 2);
}

/**
 * struct extra_release - a thread that releases twice what was acquired
 * @ref: the object
 * @saw_waiting: the thread saw the wait in progress before releasing
 */
struct extra_release {
	struct rundown_pcpu_ref *ref;
	bool saw_waiting;
};

static int extra_release_fn(void *arg)
{
	struct extra_release *x = arg;

	x->saw_waiting = rd_poll(READ_ONCE(x->ref->state) == RUNDOWN_PCPU_WAITING,
				 RD_TIMEOUT_MS);
	/* Release even if the wait never started, so that it cannot hang. */
	rundown_pcpu_release_many(x->ref, 2);
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

/*
 * §4 item 15, cache-aware, during a wait: one holder, and another thread
 * releases two while the test thread waits; the wait sees the sum go
 * negative, reports once (on the waiting thread) and returns.
 */
static void misuse_pcpu_extra_release_during_wait_ends_wait(struct kunit *test)
{
	struct extra_release *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, x);
	/* Released by another task than the one that acquired: non-owner. */
	x->ref = rd_pcpu->create(test, RUNDOWN_NON_OWNER);
	KUNIT_ASSERT_TRUE(test, rundown_pcpu_acquire(x->ref));
	task = rd_kthread_start(test, extra_release_fn, x, -1);

	rundown_pcpu_wait(x->ref);
	rd_kthread_stop(test, task);
	KUNIT_EXPECT_TRUE(test, x->saw_waiting);
	RD_EXPECT_MISUSE(test, 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(x->ref->state), RUNDOWN_PCPU_DEAD);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(x->ref), -1L);
	/* The bad count stays; clear it so that the object is freed at exit. */
	clear_slots(x->ref);
}

/*
 * §4 item 14, cache-aware: ReInitialize or RundownCompleted on a live
 * object is refused; holders are kept and a live object stays live.
 */
static void misuse_pcpu_reinit_on_live_is_refused(struct kunit *test)
{
	PEX_RUNDOWN_REF_CACHE_AWARE ref = rd_pcpu_wdm.create(test, RUNDOWN_NON_OWNER);

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtectionCacheAware(ref));
	ExReInitializeRundownProtectionCacheAware(ref);
	RD_EXPECT_MISUSE(test, 1);
	ExRundownCompletedCacheAware(ref);
	RD_EXPECT_MISUSE(test, 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_LIVE);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 1L);
	ExReleaseRundownProtectionCacheAware(ref);

	ExRundownCompletedCacheAware(ref);
	RD_EXPECT_MISUSE(test, 3);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_LIVE);
	KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtectionCacheAware(ref));
	ExReleaseRundownProtectionCacheAware(ref);
	ExWaitForRundownProtectionReleaseCacheAware(ref);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
	RD_EXPECT_MISUSE(test, 3);
}

/*
 * §4 item 14, cache-aware, during a wait: both calls are refused, the wait
 * goes on and ends with the last release.
 */
static void misuse_pcpu_reinit_during_wait_is_refused(struct kunit *test)
{
	PEX_RUNDOWN_REF_CACHE_AWARE ref = rd_pcpu_wdm.create(test, RUNDOWN_NON_OWNER);
	struct rd_waiter *w;

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtectionCacheAware(ref));
	w = rd_waiter_start(test, &rd_pcpu_wdm, ref, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS));
	ExReInitializeRundownProtectionCacheAware(ref);
	RD_EXPECT_MISUSE(test, 1);
	ExRundownCompletedCacheAware(ref);
	RD_EXPECT_MISUSE(test, 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_WAITING);
	msleep(RD_STAY_BLOCKED_MS);
	KUNIT_EXPECT_FALSE(test, rd_waiter_done(w));
	RD_EXPECT_REFUSED(test, &rd_pcpu_wdm, ref, 1);

	ExReleaseRundownProtectionCacheAware(ref);
	rd_waiter_released(w, 1);
	KUNIT_ASSERT_TRUE(test, rd_waiter_finish(w));
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
	RD_EXPECT_MISUSE(test, 2);
}

static struct kunit_case rundown_misuse_cases[] = {
	KUNIT_CASE(misuse_plain_release_without_acquire_is_refused),
	KUNIT_CASE(misuse_plain_release_beyond_waiting_holders_is_refused),
	KUNIT_CASE(misuse_plain_release_after_wait_is_refused),
	KUNIT_CASE(misuse_plain_reinit_on_live_ref_is_refused),
	KUNIT_CASE(misuse_plain_reinit_during_wait_is_refused),
	KUNIT_CASE(misuse_plain_acquire_overflow_is_refused),
	KUNIT_CASE(misuse_pcpu_header_only_buffer_uses_shared_counter),
	KUNIT_CASE(misuse_pcpu_short_buffer_uses_shared_counter),
	KUNIT_CASE(misuse_pcpu_one_byte_short_buffer_is_reported),
	KUNIT_CASE(misuse_pcpu_below_header_buffer_is_unusable),
	KUNIT_CASE(misuse_pcpu_tiny_buffer_is_not_written),
	KUNIT_CASE(misuse_pcpu_free_embedded_is_refused),
	KUNIT_CASE(misuse_pcpu_free_with_holders_is_refused),
	KUNIT_CASE(misuse_pcpu_release_after_wait_is_ignored),
	KUNIT_CASE(misuse_pcpu_release_without_acquire_ends_wait),
	KUNIT_CASE(misuse_pcpu_extra_release_during_wait_ends_wait),
	KUNIT_CASE(misuse_pcpu_reinit_on_live_is_refused),
	KUNIT_CASE(misuse_pcpu_reinit_during_wait_is_refused),
	{}
};

struct kunit_suite rundown_misuse_suite = {
	.name = "rundown_misuse",
	.init = rd_test_init,
	.exit = rd_test_exit,
	.test_cases = rundown_misuse_cases,
};
