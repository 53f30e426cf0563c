// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_race: the races between the end of a wait and the releases that
 * straddle it, forced instead of hoped for.
 *
 * The owner may free the object as soon as its wait returns, so no release
 * may still be inside the object (or the waiter's wait block) by then.
 * Left to chance, the windows in which that could go wrong are a few
 * instructions wide.  rundown.ko's test points (rundown/internal.h) call
 * the hook installed here at those places; the hook holds the window open
 * while it watches whether the wait returns meanwhile.  The waiter frees
 * the object right after its wait returns, so that on the KASAN kernel
 * (make test-debug) a release that touches it afterwards is also reported
 * by KASAN.  CPU hotplug during a wait and many concurrent waiters against
 * racing releases are here too.
 *
 * Helper threads are pinned kthreads; they never assert, the test thread
 * checks what they recorded after stopping them.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "tests.h"

/* How long a test point holds its window open, at most. */
#define RD_WINDOW_MS	200

static const struct rd_flavour *const rd_race_plain_flavours[] = {
	&rd_flavours[0], &rd_plain_wdm,
};

static const struct rd_flavour *const rd_race_pcpu_flavours[] = {
	&rd_flavours[1], &rd_pcpu_wdm, &rd_flavours[2],
};

KUNIT_ARRAY_PARAM(rd_race_plain, rd_race_plain_flavours, rd_flavour_ptr_desc);
KUNIT_ARRAY_PARAM(rd_race_pcpu, rd_race_pcpu_flavours, rd_flavour_ptr_desc);
KUNIT_ARRAY_PARAM(rd_race_all, rd_every_flavour, rd_flavour_ptr_desc);

/* What the hook does at the test points. */
enum rd_race_mode {
	/* plain: a release of 0 inside a wait block releases the holder */
	RD_ZERO_PLAIN,
	/* cache-aware: the wait's end waits for a release of 0 to be inside */
	RD_ZERO_PCPU,
	/* cache-aware: a late release wakes the waiter and holds its window */
	RD_LATE_RELEASE,
	/* cache-aware: an acquire that read LIVE holds its window */
	RD_ACQUIRE_LIVE,
};

/**
 * struct rd_race - one forced race
 * @fl: flavour
 * @ref: the ref
 * @mode: what the hook does
 * @frees: the waiter frees @ref after its wait (allocated cache-aware refs)
 * @waiter: the waiting thread
 * @releaser: the thread whose release the hook holds open
 * @started: the waiter is about to call the wait
 * @returned: the wait has returned
 * @at_wait_end: the wait reached its last test point
 * @inside: the releaser is inside its test point
 * @hook_calls: test points of the releaser that the hook acted on
 * @violations: the wait returned while the releaser was inside its window
 * @go: the releaser may release
 * @release_count: how much the releaser releases: 0, or 1 for the holder
 * @released: the releaser's release has returned
 * @held: the one holder has not been released yet
 */
struct rd_race {
	const struct rd_flavour *fl;
	void *ref;
	enum rd_race_mode mode;
	bool frees;
	struct task_struct *waiter;
	struct task_struct *releaser;
	struct completion started;
	atomic_t returned;
	atomic_t at_wait_end;
	atomic_t inside;
	atomic_t hook_calls;
	atomic_t violations;
	struct completion go;
	unsigned int release_count;
	struct completion released;
	atomic_t held;
};

/* Release the one holder, once, whoever gets here first. */
static void rd_race_release_holder(struct rd_race *r)
{
	if (atomic_xchg(&r->held, 0))
		r->fl->release(r->ref);
}

static void rd_race_cleanup(void *arg)
{
	rd_race_release_holder(arg);
}

/* The race the hook serves; one test runs at a time. */
static struct rd_race *rd_race_now;

/* Hold the window open until the wait returns or RD_WINDOW_MS passed. */
static void rd_race_hold_window(struct rd_race *r, bool may_sleep)
{
	unsigned int ms;

	atomic_set(&r->inside, 1);
	for (ms = 0; ms < RD_WINDOW_MS && !atomic_read(&r->returned); ms++) {
		if (may_sleep)
			usleep_range(1000, 1100);
		else
			mdelay(1);
	}
	if (atomic_read(&r->returned))
		atomic_inc(&r->violations);
	atomic_set(&r->inside, 0);
}

static void rd_race_hook(enum rundown_test_point tp, const void *obj)
{
	struct rd_race *r = READ_ONCE(rd_race_now);
	unsigned int ms;

	if (!r)
		return;
	if (tp == RUNDOWN_TP_PCPU_WAIT_END && obj == r->ref &&
	    current == r->waiter && r->mode == RD_ZERO_PCPU) {
		/* Give the release of 0 the chance to start before DEAD. */
		atomic_set(&r->at_wait_end, 1);
		for (ms = 0; ms < RD_WINDOW_MS && !atomic_read(&r->inside); ms++)
			usleep_range(1000, 1100);
		return;
	}
	if (current != r->releaser || atomic_read(&r->inside))
		return;

	switch (tp) {
	case RUNDOWN_TP_PLAIN_RELEASE_WAITING:
		if (r->mode != RD_ZERO_PLAIN)
			return;
		atomic_inc(&r->hook_calls);
		atomic_set(&r->inside, 1);
		/* The one real holder leaves: the wait may now return. */
		rd_race_release_holder(r);
		atomic_set(&r->inside, 0);
		rd_race_hold_window(r, true);
		return;
	case RUNDOWN_TP_PCPU_RELEASE_WAITING:
		if (r->mode != RD_ZERO_PCPU || obj != r->ref)
			return;
		atomic_inc(&r->hook_calls);
		rd_race_hold_window(r, false);
		return;
	case RUNDOWN_TP_PCPU_ACQUIRE_LIVE:
		if (r->mode != RD_ACQUIRE_LIVE || obj != r->ref)
			return;
		atomic_inc(&r->hook_calls);
		/* Hold the window until the wait has certainly begun. */
		atomic_set(&r->inside, 1);
		for (ms = 0; ms < RD_WINDOW_MS && !completion_done(&r->started); ms++)
			mdelay(1);
		atomic_set(&r->inside, 0);
		rd_race_hold_window(r, false);
		return;
	case RUNDOWN_TP_PCPU_RELEASE_UPDATED:
		if (r->mode != RD_LATE_RELEASE || obj != r->ref)
			return;
		atomic_inc(&r->hook_calls);
		/*
		 * A wake-up the waiter did not get from this release: it sums
		 * the slots again and finds zero, as it would if it had been
		 * summing just as the update landed.
		 */
		wake_up_process(r->waiter);
		rd_race_hold_window(r, false);
		return;
	default:
		return;
	}
}

static void rd_race_unhook(void *unused)
{
	rundown_set_test_hook(NULL);
	WRITE_ONCE(rd_race_now, NULL);
}

static void rd_race_arm(struct kunit *test, struct rd_race *r)
{
	WRITE_ONCE(rd_race_now, r);
	rundown_set_test_hook(rd_race_hook);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rd_race_unhook,
							NULL), 0);
}

static int rd_race_idle(void)
{
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static int rd_race_waiter_fn(void *arg)
{
	struct rd_race *r = arg;

	complete(&r->started);
	r->fl->wait(r->ref);
	atomic_set(&r->returned, 1);
	/* As an owner does: the object goes at once (KASAN sees late users). */
	if (r->frees)
		rundown_pcpu_free(r->ref);
	return rd_race_idle();
}

/* Sleep until the test says go; false if the thread is stopped first. */
static bool rd_race_await_go(struct rd_race *r)
{
	while (!completion_done(&r->go)) {
		if (kthread_should_stop())
			return false;
		schedule_timeout_interruptible(1);
	}
	return true;
}

static int rd_race_releaser_fn(void *arg)
{
	struct rd_race *r = arg;

	if (!rd_race_await_go(r))
		return 0;
	if (r->release_count)
		rd_race_release_holder(r);
	else
		r->fl->release_many(r->ref, 0);
	complete(&r->released);
	return rd_race_idle();
}

/*
 * Set up @r on a new non-owner ref of the test's flavour with one holder,
 * and start the waiter on CPU @wcpu; returns once it sleeps in the wait.
 * An allocated cache-aware ref is freed by the waiter, not by the test.
 */
static struct rd_race *rd_race_start(struct kunit *test, enum rd_race_mode mode,
				     int wcpu)
{
	const struct rd_flavour *fl = rd_param_flavour(test);
	struct rd_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->fl = fl;
	r->mode = mode;
	r->ref = fl->create(test, RUNDOWN_NON_OWNER);
	r->frees = fl == rd_pcpu || fl == &rd_pcpu_wdm;
	init_completion(&r->started);
	init_completion(&r->go);
	init_completion(&r->released);
	KUNIT_ASSERT_TRUE(test, fl->acquire(r->ref));
	atomic_set(&r->held, 1);
	if (r->frees)
		rd_pcpu_forget(test, r->ref);
	rd_race_arm(test, r);
	r->waiter = rd_kthread_start(test, rd_race_waiter_fn, r, wcpu);
	/* Runs before the waiter is reaped: a wait that blocks still ends. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rd_race_cleanup,
							r), 0);
	KUNIT_ASSERT_TRUE_MSG(test,
			      rd_poll(completion_done(&r->started) &&
				      READ_ONCE(r->waiter->__state) ==
				      TASK_UNINTERRUPTIBLE, RD_TIMEOUT_MS),
			      "the wait did not block with one holder");
	return r;
}

static void rd_race_expect_clean(struct kunit *test, struct rd_race *r)
{
	KUNIT_EXPECT_GE_MSG(test, atomic_read(&r->hook_calls), 1,
			    "the race window was never opened");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r->violations), 0,
			    "the wait returned while a release was still inside the ref");
	KUNIT_EXPECT_TRUE_MSG(test, rd_poll(atomic_read(&r->returned),
					    RD_TIMEOUT_MS),
			      "the wait did not return");
}

/*
 * Issue 10, defect 1, plain: a release of 0 (ReleaseEx(ref, 0) after an
 * AcquireEx(ref, 0) that took nothing) during a wait is not counted in the
 * wait block, so nothing keeps the waiter's frame alive for it.  The test
 * point sits where a release has decoded the wait block and not yet
 * touched it; if the release of 0 ever gets there, the hook releases the
 * one real holder and watches the wait return under it.  Correct: a
 * release of 0 never gets there.  The real holder is then released as
 * usual and the wait ends.
 */
static void race_plain_zero_release_during_wait_touches_nothing(struct kunit *test)
{
	struct rd_race *r = rd_race_start(test, RD_ZERO_PLAIN, -1);

	r->releaser = current;
	r->fl->release_many(r->ref, 0);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r->violations), 0,
			    "the wait returned while a release of 0 was inside its wait block");
	rd_race_release_holder(r);
	KUNIT_EXPECT_TRUE(test, rd_poll(atomic_read(&r->returned), RD_TIMEOUT_MS));
	KUNIT_EXPECT_EQ(test, r->fl->phase(r->ref), RD_DEAD);
}

/*
 * Issue 10, defect 1, cache-aware: a release of 0 that starts after the
 * wait's last fence round, while the state still reads WAITING, is in no
 * slot and set late_release too late: nothing holds the wait back for it.
 * The wait's last test point (before DEAD) gives it the time to start; if
 * it reaches the release path's first test point, the hook holds it there
 * and watches the wait return and the waiter free the object.  Correct: a
 * release of 0 returns before it reads the object.
 */
static void race_pcpu_zero_release_at_wait_end_touches_nothing(struct kunit *test)
{
	struct rd_race *r;
	int a, b;

	rd_two_cpus(test, &a, &b);
	r = rd_race_start(test, RD_ZERO_PCPU, b);
	r->release_count = 0;
	r->releaser = rd_kthread_start(test, rd_race_releaser_fn, r, a);

	rd_race_release_holder(r);
	KUNIT_ASSERT_TRUE_MSG(test, rd_poll(atomic_read(&r->at_wait_end),
					    RD_TIMEOUT_MS),
			      "the wait did not reach its end");
	complete(&r->go);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&r->released,
							    msecs_to_jiffies(RD_TIMEOUT_MS)));
	KUNIT_EXPECT_TRUE(test, rd_poll(atomic_read(&r->returned), RD_TIMEOUT_MS));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r->violations), 0,
			    "the wait returned while a release of 0 was inside the object");
	rd_kthread_stop(test, r->releaser);
	rd_kthread_stop(test, r->waiter);
	if (!r->frees)
		KUNIT_EXPECT_EQ(test, r->fl->phase(r->ref), RD_DEAD);
}

/*
 * The last release during a cache-aware wait updates its slot, then reads
 * the waiter and wakes it, all in one interrupts-off section.  A waiter
 * that sums the slots right after the update (the hook wakes it to make
 * sure it does) sees zero before that release is done with the object:
 * the second fence round (on_each_cpu() when late_release is set) must
 * wait the section out before the wait returns.  The waiter frees the
 * object on return: without the second round, KASAN reports the release's
 * read of ref->waiter as a use after free, and the hook sees the wait
 * return while the release is inside.
 */
static void race_pcpu_late_release_finishes_before_wait_returns(struct kunit *test)
{
	struct rd_race *r;
	int a, b;

	rd_two_cpus(test, &a, &b);
	r = rd_race_start(test, RD_LATE_RELEASE, b);
	r->release_count = 1;
	r->releaser = rd_kthread_start(test, rd_race_releaser_fn, r, a);
	complete(&r->go);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&r->released,
							    msecs_to_jiffies(RD_TIMEOUT_MS)));
	rd_race_expect_clean(test, r);
	rd_kthread_stop(test, r->releaser);
	rd_kthread_stop(test, r->waiter);
	if (!r->frees)
		KUNIT_EXPECT_EQ(test, r->fl->phase(r->ref), RD_DEAD);
}

static void rd_cpu_up(void *cpu)
{
	if (!cpu_online((long)cpu))
		add_cpu((long)cpu);
}

static int rd_race_acquirer_fn(void *arg)
{
	struct rd_race *r = arg;

	if (!rd_race_await_go(r))
		return 0;
	if (r->fl->acquire(r->ref)) {
		atomic_set(&r->held, 1);
		rd_race_release_holder(r);
	}
	complete(&r->released);
	return rd_race_idle();
}

static int rd_race_late_waiter_fn(void *arg)
{
	struct rd_race *r = arg;

	while (!atomic_read(&r->inside)) {
		if (kthread_should_stop())
			return 0;
		schedule_timeout_interruptible(1);
	}
	return rd_race_waiter_fn(arg);
}

/*
 * An acquire that read LIVE just before the wait set WAITING is still to
 * add to its slot when the wait sums the slots.  The first fence round
 * (on_each_cpu() after WAITING) must wait that section out, so that the
 * sum counts the new holder and the wait blocks until it releases.  The
 * test point holds the acquire between its read and its update while the
 * wait starts on another CPU; without the first round the wait returns
 * (and the waiter frees the object) under the acquirer.
 */
static void race_pcpu_acquire_in_flight_is_waited_for(struct kunit *test)
{
	const struct rd_flavour *fl = rd_param_flavour(test);
	struct rd_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	int a, b;

	rd_two_cpus(test, &a, &b);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->fl = fl;
	r->mode = RD_ACQUIRE_LIVE;
	r->ref = fl->create(test, RUNDOWN_NON_OWNER);
	r->frees = fl == rd_pcpu || fl == &rd_pcpu_wdm;
	init_completion(&r->started);
	init_completion(&r->go);
	init_completion(&r->released);
	if (r->frees)
		rd_pcpu_forget(test, r->ref);
	rd_race_arm(test, r);
	r->waiter = rd_kthread_start(test, rd_race_late_waiter_fn, r, b);
	r->releaser = rd_kthread_start(test, rd_race_acquirer_fn, r, a);
	complete(&r->go);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&r->released,
							    msecs_to_jiffies(RD_TIMEOUT_MS)));
	rd_race_expect_clean(test, r);
	rd_kthread_stop(test, r->releaser);
	rd_kthread_stop(test, r->waiter);
	if (!r->frees)
		KUNIT_EXPECT_EQ(test, r->fl->phase(r->ref), RD_DEAD);
}

/*
 * CPU hotplug during a wait: one holder acquires on CPU c, another on CPU
 * o; the wait blocks; c goes offline; o's holder releases (waking the
 * waiter, which sums again), then c's holder releases on o.  The residue
 * of the offline CPU's slot still counts: the wait must go on blocking
 * until the second release, then return.  Then c comes back and works as
 * before.
 */
static void race_hotplug_holder_cpu_offline_during_wait(struct kunit *test)
{
	const struct rd_flavour *fl = rd_param_flavour(test);
	void *ref = fl->create(test, RUNDOWN_NON_OWNER);
	struct rd_waiter *w;
	int c, other, ret;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU) || num_online_cpus() < 2)
		kunit_skip(test, "needs CPU hotplug and two online CPUs");
	c = cpumask_last(cpu_online_mask);
	other = cpumask_first(cpu_online_mask);
	if (c == 0)
		kunit_skip(test, "CPU 0 cannot go offline");

	KUNIT_ASSERT_TRUE(test, rd_acquire_on(test, c, fl, ref, 1));
	KUNIT_ASSERT_TRUE(test, rd_acquire_on(test, other, fl, ref, 1));
	w = rd_waiter_start(test, fl, ref, 2);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS));

	ret = remove_cpu(c);
	if (ret) {
		rd_release_on(test, other, fl, ref, 2);
		rd_waiter_released(w, 2);
		kunit_skip(test, "CPU %d did not go offline: %d", c, ret);
	}
	/* Whatever happens next, the CPU comes back for the later tests. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rd_cpu_up,
							(void *)(long)c), 0);
	rd_release_on(test, other, fl, ref, 1);
	rd_waiter_released(w, 1);
	msleep(RD_STAY_BLOCKED_MS);
	KUNIT_EXPECT_FALSE_MSG(test, rd_waiter_done(w),
			       "the wait returned with a holder from an offline CPU inside");
	rd_release_on(test, other, fl, ref, 1);
	rd_waiter_released(w, 1);
	KUNIT_EXPECT_TRUE(test, rd_waiter_finish(w));
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_DEAD);
	rd_waiter_reap(test, w);

	/* Back online: a pair across the CPUs still sums to zero. */
	kunit_release_action(test, rd_cpu_up, (void *)(long)c);
	KUNIT_ASSERT_TRUE(test, cpu_online(c));
	fl->reinit(ref);
	KUNIT_ASSERT_TRUE(test, rd_acquire_on(test, c, fl, ref, 2));
	rd_release_on(test, other, fl, ref, 2);
	fl->wait(ref);
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_DEAD);
	KUNIT_EXPECT_EQ(test, fl->holders(ref), 0L);
}

#define RD_WAITERS	4
#define RD_WAIT_ROUNDS	6

/**
 * struct rd_crowd - holders on every CPU and several waiters on one ref
 * @fl: flavour
 * @ref: the ref
 * @inside: holders between a successful acquire and their release
 * @acquired: successful acquires, in all
 * @round: current round; waiters wait once per round
 * @returned: waiters whose wait of this round returned
 * @first: the waiter that returned first in this round, for reinit rounds
 * @early: waiters that returned while a holder was inside
 * @reinit_round: in this round the first waiter to return reinitialises
 */
struct rd_crowd {
	const struct rd_flavour *fl;
	void *ref;
	atomic_t inside;
	atomic_long_t acquired;
	atomic_t round;
	atomic_t returned;
	atomic_t first;
	atomic_t early;
	bool reinit_round;
};

static int rd_crowd_holder_fn(void *arg)
{
	struct rd_crowd *c = arg;
	unsigned int n = 0;

	while (!kthread_should_stop()) {
		if (c->fl->acquire(c->ref)) {
			atomic_inc(&c->inside);
			atomic_long_inc(&c->acquired);
			/* Holds of 0 to 3 us, varying from one to the next. */
			udelay(++n % 4);
			atomic_dec(&c->inside);
			c->fl->release(c->ref);
			if (!(n % 16))
				cond_resched();
		} else {
			/* Refused: run down; the next round reinitialises. */
			usleep_range(50, 100);
		}
	}
	return 0;
}

static int rd_crowd_waiter_fn(void *arg)
{
	struct rd_crowd *c = arg;
	int seen = 0;

	while (!kthread_should_stop()) {
		int round = atomic_read(&c->round);

		if (round == seen) {
			schedule_timeout_interruptible(1);
			continue;
		}
		seen = round;
		c->fl->wait(c->ref);
		/*
		 * Every waiter, first or not, returns after the holders have
		 * gone; only in a reinit round may a later one find the ref
		 * live again, with new holders inside.
		 */
		if (atomic_cmpxchg(&c->first, 0, 1) == 0) {
			if (atomic_read(&c->inside))
				atomic_inc(&c->early);
			if (c->reinit_round)
				c->fl->reinit(c->ref);
		} else if (!c->reinit_round && atomic_read(&c->inside)) {
			atomic_inc(&c->early);
		}
		atomic_inc(&c->returned);
	}
	return 0;
}

/*
 * Several owners wait at once while holders on every CPU race acquires
 * and releases against them: every wait returns, none while a holder is
 * inside.  In every other round the first waiter to return reinitialises
 * the ref at once, as an owner replacing the object does: the waits still
 * asleep must return all the same (they find the ref live again).
 */
static void race_many_waiters_against_racing_releases(struct kunit *test)
{
	const struct rd_flavour *fl = rd_param_flavour(test);
	struct rd_crowd *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct task_struct **holders, *waiters[RD_WAITERS];
	unsigned int i, round;
	long before;
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, c);
	holders = kunit_kcalloc(test, nr_cpu_ids, sizeof(*holders), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, holders);
	c->fl = fl;
	c->ref = fl->create(test, RUNDOWN_NON_OWNER);
	for_each_online_cpu(cpu)
		holders[cpu] = rd_kthread_start(test, rd_crowd_holder_fn, c, cpu);
	for (i = 0; i < RD_WAITERS; i++)
		waiters[i] = rd_kthread_start(test, rd_crowd_waiter_fn, c, -1);

	for (round = 1; round <= RD_WAIT_ROUNDS; round++) {
		before = atomic_long_read(&c->acquired);
		KUNIT_ASSERT_TRUE_MSG(test,
				      rd_poll(atomic_long_read(&c->acquired) > before + 50,
					      RD_TIMEOUT_MS),
				      "round %u: the holders do not acquire", round);
		c->reinit_round = round % 2 == 0;
		atomic_set(&c->first, 0);
		atomic_set(&c->returned, 0);
		atomic_set(&c->round, round);
		KUNIT_ASSERT_TRUE_MSG(test,
				      rd_poll(atomic_read(&c->returned) == RD_WAITERS,
					      RD_TIMEOUT_MS),
				      "round %u: %d of %d waits returned", round,
				      atomic_read(&c->returned), RD_WAITERS);
		/*
		 * A reinit round may end run down too: a waiter that called
		 * the wait only after the reinit ran a wait of its own.
		 */
		if (!c->reinit_round)
			KUNIT_EXPECT_EQ(test, fl->phase(c->ref), RD_DEAD);
		if (fl->phase(c->ref) == RD_DEAD)
			fl->reinit(c->ref);
	}
	for (i = 0; i < RD_WAITERS; i++)
		rd_kthread_stop(test, waiters[i]);
	for_each_online_cpu(cpu)
		if (holders[cpu])
			rd_kthread_stop(test, holders[cpu]);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&c->early), 0,
			    "waits returned while a holder was inside");
	fl->wait(c->ref);
	KUNIT_EXPECT_EQ(test, fl->holders(c->ref), 0L);
}

static struct kunit_case rundown_race_cases[] = {
	KUNIT_CASE_PARAM(race_plain_zero_release_during_wait_touches_nothing,
			 rd_race_plain_gen_params),
	KUNIT_CASE_PARAM(race_pcpu_zero_release_at_wait_end_touches_nothing,
			 rd_race_pcpu_gen_params),
	KUNIT_CASE_PARAM(race_pcpu_late_release_finishes_before_wait_returns,
			 rd_race_pcpu_gen_params),
	KUNIT_CASE_PARAM(race_pcpu_acquire_in_flight_is_waited_for,
			 rd_race_pcpu_gen_params),
	KUNIT_CASE_PARAM(race_hotplug_holder_cpu_offline_during_wait,
			 rd_race_all_gen_params),
	KUNIT_CASE_PARAM(race_many_waiters_against_racing_releases,
			 rd_race_all_gen_params),
	{}
};

struct kunit_suite rundown_race_suite = {
	.name = "rundown_race",
	.init = rd_test_init,
	.exit = rd_test_exit,
	.test_cases = rundown_race_cases,
};
