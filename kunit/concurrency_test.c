// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_concurrency: threads, CPUs and contexts meeting on one ref.
 * Most cases run on every flavour: plain, cache-aware, and cache-aware on
 * one shared counter (the undersized-buffer fallback).  The item numbers
 * are those of §4 of /work/shared/research/windows-semantics.md.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

#include "tests.h"

KUNIT_ARRAY_PARAM(rd_flavour, rd_flavours, rd_flavour_desc);

/* Value of a protected object's magic field while it may be used. */
#define RD_ALIVE	0x600dcafeUL
/* ... and once its owner's wait has returned and it is torn down. */
#define RD_POISON	0xdeadbeefUL

#define STORM_ROUNDS	4
/* The hold of the one holder that every wait of the storm must meet. */
#define STORM_SLOW_HOLD_MS	20

struct storm;

/**
 * struct storm_thread - one acquirer of the storm, bound to one CPU
 * @s: the storm
 * @task: the thread
 * @ok: successful acquires
 * @refused: failed acquires
 */
struct storm_thread {
	struct storm *s;
	struct task_struct *task;
	atomic_long_t ok;
	atomic_long_t refused;
};

/**
 * struct storm - acquirers hammering a ref while its owner runs it down
 * @fl: flavour
 * @ref: the ref
 * @magic: the protected object: RD_ALIVE, RD_POISON after the wait
 * @wait_returned: set by the owner right after poisoning @magic
 * @inside: holders between acquire and release
 * @late: acquires that succeeded and then saw @wait_returned
 * @poisoned: times a holder found @magic poisoned
 * @slow_req: the owner asks thread 0 for one long hold
 * @slow_in: thread 0 is inside its long hold
 * @slow_met: long holds that saw the wait begin while they were inside
 * @nr: number of threads
 * @snap: per-thread counter snapshot of the owner
 * @t: the threads
 */
struct storm {
	const struct rd_flavour *fl;
	void *ref;
	unsigned long magic;
	bool wait_returned;
	atomic_t inside;
	atomic_t late;
	atomic_t poisoned;
	atomic_t slow_req;
	atomic_t slow_in;
	atomic_t slow_met;
	int nr;
	long *snap;
	struct storm_thread t[];
};

static int storm_fn(void *arg)
{
	struct storm_thread *t = arg;
	struct storm *s = t->s;
	unsigned long n = 0;

	while (!kthread_should_stop()) {
		if (s->fl->acquire(s->ref)) {
			/*
			 * A counted holder keeps the wait from returning, so
			 * it can never see the flag set after its own acquire.
			 */
			if (smp_load_acquire(&s->wait_returned))
				atomic_inc(&s->late);
			atomic_inc(&s->inside);
			/* Pairs with the owner's smp_mb() after poisoning. */
			smp_mb__after_atomic();
			if (READ_ONCE(s->magic) != RD_ALIVE)
				atomic_inc(&s->poisoned);
			if (t == &s->t[0] && atomic_xchg(&s->slow_req, 0)) {
				/*
				 * A holder the wait is sure to meet: it stays
				 * until the wait has begun, and a little more.
				 */
				atomic_set(&s->slow_in, 1);
				if (rd_poll(s->fl->phase(s->ref) == RD_WAITING,
					    RD_TIMEOUT_MS))
					atomic_inc(&s->slow_met);
				msleep(STORM_SLOW_HOLD_MS);
				atomic_set(&s->slow_in, 0);
			}
			cpu_relax();
			if (READ_ONCE(s->magic) != RD_ALIVE)
				atomic_inc(&s->poisoned);
			/* The checks above come before leaving the object. */
			smp_mb__before_atomic();
			atomic_dec(&s->inside);
			s->fl->release(s->ref);
			atomic_long_inc(&t->ok);
		} else {
			atomic_long_inc(&t->refused);
		}
		if (!(++n & 15))
			cond_resched();
	}
	return 0;
}

static void storm_snap(struct storm *s, bool refused)
{
	int i;

	for (i = 0; i < s->nr; i++)
		s->snap[i] = atomic_long_read(refused ? &s->t[i].refused :
					      &s->t[i].ok);
}

/* Has every thread succeeded (or failed) once more since storm_snap()? */
static bool storm_all_moved(struct storm *s, bool refused)
{
	int i;

	for (i = 0; i < s->nr; i++)
		if (atomic_long_read(refused ? &s->t[i].refused :
				     &s->t[i].ok) == s->snap[i])
			return false;
	return true;
}

/*
 * §4 items 18 and 19: one thread per online CPU, bound to it, loops
 * acquire, check the object, release, while the test thread runs the ref
 * down in the middle of the storm, several rounds with a reinit between
 * them.  When the wait returns no holder is inside; once the owner has
 * poisoned the object no holder sees it; no acquire that succeeds after
 * the wait returned is ever seen (a holder counted by the wait cannot see
 * the flag set after the wait); every thread got in before each wait and
 * was refused after it, so the wait ran mid-storm and acquires kept
 * failing.  Holders come and go while the wait closes the ref (item 19).
 * Every wait meets holders: one thread is inside a long hold when the
 * wait starts, so the wait must sleep until that holder is gone.
 */
static void concurrency_storm_wait_mid_storm(struct kunit *test)
{
	const struct rd_flavour *fl = test->param_value;
	int nr = num_online_cpus();
	int cpu, i = 0, round, busy = 0;
	struct storm *s;
	long ok = 0;

	s = kunit_kzalloc(test, struct_size(s, t, nr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->snap = kunit_kcalloc(test, nr, sizeof(*s->snap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->snap);
	s->fl = fl;
	/* Owner refs: every holder releases in the task that acquired. */
	s->ref = fl->create(test, RD_OWNER);
	s->magic = RD_ALIVE;
	s->nr = nr;
	/* The ref and the storm outlive the threads: they were set up first. */
	for_each_online_cpu(cpu) {
		if (i == nr)
			break;
		s->t[i].s = s;
		s->t[i].task = rd_kthread_start(test, storm_fn, &s->t[i], cpu);
		i++;
	}
	s->nr = i;

	for (round = 0; round < STORM_ROUNDS; round++) {
		if (round) {
			WRITE_ONCE(s->wait_returned, false);
			WRITE_ONCE(s->magic, RD_ALIVE);
			/* Publishes the two stores above to later holders. */
			fl->reinit(s->ref);
		}
		storm_snap(s, false);
		KUNIT_ASSERT_TRUE_MSG(test, rd_poll(storm_all_moved(s, false),
						    RD_TIMEOUT_MS),
				      "round %d: not every thread got in", round);
		msleep(round);
		atomic_set(&s->slow_req, 1);
		KUNIT_ASSERT_TRUE_MSG(test, rd_poll(atomic_read(&s->slow_in),
						    RD_TIMEOUT_MS),
				      "round %d: the long hold did not start", round);
		if (atomic_read(&s->inside) > 1)
			busy++;

		fl->wait(s->ref);
		/*
		 * Not "the wait slept": on a busy host its IPI round can
		 * outlast the hold, and the first sum is then already zero.
		 */
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->slow_met), round + 1,
				    "round %d: the wait met no holder", round);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->slow_in), 0,
				    "round %d: the wait returned during the long hold",
				    round);
		WRITE_ONCE(s->magic, RD_POISON);
		/* Pairs with the holders' smp_load_acquire() of the flag. */
		smp_store_release(&s->wait_returned, true);
		/*
		 * Store-buffering with the holders' smp_mb__after_atomic(): a
		 * holder inside either is seen here or sees the poison.
		 */
		smp_mb();
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->inside), 0,
				    "round %d: holders inside after the wait",
				    round);
		KUNIT_EXPECT_EQ(test, fl->phase(s->ref), RD_DEAD);
		KUNIT_EXPECT_EQ(test, fl->holders(s->ref), 0L);

		storm_snap(s, true);
		KUNIT_ASSERT_TRUE_MSG(test, rd_poll(storm_all_moved(s, true),
						    RD_TIMEOUT_MS),
				      "round %d: threads stopped trying", round);
	}
	for (i = 0; i < s->nr; i++) {
		rd_kthread_stop(test, s->t[i].task);
		ok += atomic_long_read(&s->t[i].ok);
	}
	kunit_info(test, "%d threads, %ld acquires, %d of %d waits began with more than the long holder inside\n",
		   s->nr, ok, busy, STORM_ROUNDS);

	KUNIT_EXPECT_EQ(test, atomic_read(&s->late), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->poisoned), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->inside), 0);
	KUNIT_EXPECT_EQ(test, fl->holders(s->ref), 0L);
}

/**
 * struct ipi_ctx - acquire or release on every CPU from an IPI (hardirq)
 * @fl: flavour
 * @ref: the ref
 * @ok: acquires that succeeded
 */
struct ipi_ctx {
	const struct rd_flavour *fl;
	void *ref;
	atomic_t ok;
};

static void ipi_acquire(void *arg)
{
	struct ipi_ctx *c = arg;

	if (c->fl->acquire(c->ref))
		atomic_inc(&c->ok);
}

static void ipi_release(void *arg)
{
	struct ipi_ctx *c = arg;

	c->fl->release(c->ref);
}

/*
 * §4 item 34 (and 19): holders on every CPU release all at once, from
 * IPIs, just before, while and just after a waiter closes the ref and
 * sums the holders; the wait must return every time and leave no holder.
 * This catches ReactOS's inverted wait condition.
 */
static void concurrency_releases_racing_wait_start(struct kunit *test)
{
	const struct rd_flavour *fl = test->param_value;
	/* Released by IPI functions, which may run in any task: non-owner. */
	struct ipi_ctx c = { .fl = fl, .ref = fl->create(test, RUNDOWN_NON_OWNER) };
	int round, nr;

	for (round = 0; round < 12; round++) {
		struct rd_waiter *w;

		if (round)
			fl->reinit(c.ref);
		atomic_set(&c.ok, 0);
		cpus_read_lock();
		nr = num_online_cpus();
		on_each_cpu(ipi_acquire, &c, 1);
		cpus_read_unlock();
		KUNIT_ASSERT_EQ(test, atomic_read(&c.ok), nr);

		w = rd_waiter_start(test, fl, c.ref, nr);
		if (round % 3 == 1)
			wait_for_completion(&w->started);
		else if (round % 3 == 2)
			rd_poll(fl->phase(c.ref) == RD_WAITING, RD_TIMEOUT_MS);
		cpus_read_lock();
		on_each_cpu(ipi_release, &c, 1);
		cpus_read_unlock();
		rd_waiter_released(w, nr);

		KUNIT_ASSERT_TRUE_MSG(test, rd_waiter_finish(w),
				      "round %d: the wait did not return", round);
		KUNIT_EXPECT_EQ(test, fl->phase(c.ref), RD_DEAD);
		KUNIT_EXPECT_EQ(test, fl->holders(c.ref), 0L);
		rd_waiter_reap(test, w);
	}
}

enum irq_mode {
	IRQ_CYCLE,	/* acquire, check, release */
	IRQ_ACQUIRE,	/* acquire two and keep them */
	IRQ_RELEASE,	/* release one */
};

#define IRQ_PERIOD_US	200

/**
 * struct irq_ctx - an hrtimer that uses a ref from hardirq context
 * @timer: HRTIMER_MODE_REL_HARD timer
 * @fl: flavour
 * @ref: the ref
 * @magic: the protected object
 * @mode: what each expiry does
 * @left: expiries left
 * @ok: acquires that succeeded, or releases done
 * @refused: acquires that failed
 * @not_hardirq: expiries that did not run in hardirq context
 * @poisoned: times a holder found @magic not RD_ALIVE
 * @done: completed by the last expiry
 */
struct irq_ctx {
	struct hrtimer timer;
	const struct rd_flavour *fl;
	void *ref;
	unsigned long magic;
	enum irq_mode mode;
	int left;
	atomic_t ok;
	atomic_t refused;
	atomic_t not_hardirq;
	atomic_t poisoned;
	struct completion done;
};

static enum hrtimer_restart irq_fn(struct hrtimer *timer)
{
	struct irq_ctx *c = container_of(timer, struct irq_ctx, timer);

	if (!in_hardirq())
		atomic_inc(&c->not_hardirq);
	switch (c->mode) {
	case IRQ_CYCLE:
		if (c->fl->acquire(c->ref)) {
			if (READ_ONCE(c->magic) != RD_ALIVE)
				atomic_inc(&c->poisoned);
			c->fl->release(c->ref);
			atomic_inc(&c->ok);
		} else {
			atomic_inc(&c->refused);
		}
		break;
	case IRQ_ACQUIRE:
		if (c->fl->acquire_many(c->ref, 2))
			atomic_inc(&c->ok);
		else
			atomic_inc(&c->refused);
		break;
	case IRQ_RELEASE:
		c->fl->release(c->ref);
		atomic_inc(&c->ok);
		break;
	}
	if (--c->left > 0) {
		hrtimer_forward_now(timer, ns_to_ktime(IRQ_PERIOD_US * NSEC_PER_USEC));
		return HRTIMER_RESTART;
	}
	complete(&c->done);
	return HRTIMER_NORESTART;
}

/* Let the timer expire @times times doing @mode; false if it never ended. */
static bool irq_run(struct irq_ctx *c, enum irq_mode mode, int times)
{
	atomic_set(&c->ok, 0);
	atomic_set(&c->refused, 0);
	c->mode = mode;
	c->left = times;
	reinit_completion(&c->done);
	hrtimer_start(&c->timer, ns_to_ktime(IRQ_PERIOD_US * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
	return wait_for_completion_timeout(&c->done,
					   msecs_to_jiffies(RD_TIMEOUT_MS));
}

KUNIT_DEFINE_ACTION_WRAPPER(irq_cancel, hrtimer_cancel, struct hrtimer *);

/*
 * §4 item 17: acquire and release work from a hard interrupt (an hrtimer
 * in HRTIMER_MODE_REL_HARD): acquire and release there while live; acquire
 * there and release in process context; refused there while a wait runs;
 * the release that ends the wait done there; refused there afterwards.
 */
static void concurrency_hardirq_acquire_release(struct kunit *test)
{
	const struct rd_flavour *fl = test->param_value;
	struct irq_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct rd_waiter *w;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->fl = fl;
	/* Released in another context than acquired: non-owner. */
	c->ref = fl->create(test, RUNDOWN_NON_OWNER);
	c->magic = RD_ALIVE;
	init_completion(&c->done);
	hrtimer_setup(&c->timer, irq_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, irq_cancel,
							&c->timer), 0);

	KUNIT_ASSERT_TRUE(test, irq_run(c, IRQ_CYCLE, 10));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->ok), 10);
	KUNIT_EXPECT_EQ(test, fl->holders(c->ref), 0L);

	KUNIT_ASSERT_TRUE(test, irq_run(c, IRQ_ACQUIRE, 1));
	KUNIT_ASSERT_EQ(test, atomic_read(&c->ok), 1);
	KUNIT_EXPECT_EQ(test, fl->holders(c->ref), 2L);
	fl->release(c->ref);

	w = rd_waiter_start(test, fl, c->ref, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS));
	KUNIT_ASSERT_TRUE(test, irq_run(c, IRQ_CYCLE, 5));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->refused), 5);
	KUNIT_EXPECT_FALSE(test, rd_waiter_done(w));

	KUNIT_ASSERT_TRUE(test, irq_run(c, IRQ_RELEASE, 1));
	rd_waiter_released(w, 1);
	KUNIT_ASSERT_TRUE(test, rd_waiter_finish(w));
	WRITE_ONCE(c->magic, RD_POISON);
	KUNIT_EXPECT_EQ(test, fl->phase(c->ref), RD_DEAD);

	KUNIT_ASSERT_TRUE(test, irq_run(c, IRQ_CYCLE, 3));
	KUNIT_EXPECT_EQ(test, atomic_read(&c->refused), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->not_hardirq), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->poisoned), 0);
}

/*
 * §4 items 17 and 39: with a spinlock held and interrupts off, acquire,
 * acquire many, release many and release work, and after the wait so do
 * RundownCompleted and ReInitialize, all without sleeping (no voluntary
 * context switch of the test thread across the locked sections).
 */
static void concurrency_spinlock_irqsave_never_sleeps(struct kunit *test)
{
	const struct rd_flavour *fl = test->param_value;
	void *ref = fl->create(test, RD_OWNER);
	bool ok1, ok2, dead, refused, live, ok3;
	unsigned long flags, nvcsw, sw1, sw2;
	long h1, h2, h3;
	spinlock_t lock;	/* only there to be held around the calls */

	spin_lock_init(&lock);

	spin_lock_irqsave(&lock, flags);
	nvcsw = rd_nvcsw();
	ok1 = fl->acquire(ref);
	ok2 = fl->acquire_many(ref, 3);
	h1 = fl->holders(ref);
	fl->release_many(ref, 3);
	fl->release(ref);
	h2 = fl->holders(ref);
	sw1 = rd_nvcsw() - nvcsw;
	spin_unlock_irqrestore(&lock, flags);

	KUNIT_EXPECT_TRUE(test, ok1);
	KUNIT_EXPECT_TRUE(test, ok2);
	KUNIT_EXPECT_EQ(test, h1, 4L);
	KUNIT_EXPECT_EQ(test, h2, 0L);
	KUNIT_EXPECT_EQ_MSG(test, sw1, 0UL, "slept with a spinlock held");

	fl->wait(ref);

	spin_lock_irqsave(&lock, flags);
	nvcsw = rd_nvcsw();
	fl->completed(ref);
	dead = fl->phase(ref) == RD_DEAD;
	refused = !fl->acquire(ref);
	fl->reinit(ref);
	live = fl->phase(ref) == RD_LIVE;
	ok3 = fl->acquire(ref);
	if (ok3)
		fl->release(ref);
	h3 = fl->holders(ref);
	sw2 = rd_nvcsw() - nvcsw;
	spin_unlock_irqrestore(&lock, flags);

	KUNIT_EXPECT_TRUE(test, dead);
	KUNIT_EXPECT_TRUE(test, refused);
	KUNIT_EXPECT_TRUE(test, live);
	KUNIT_EXPECT_TRUE(test, ok3);
	KUNIT_EXPECT_EQ(test, h3, 0L);
	KUNIT_EXPECT_EQ_MSG(test, sw2, 0UL, "slept with a spinlock held");
}

/*
 * §4 items 21 and 40: Windows leaves concurrent waits undefined; ours are
 * supported.  A second waiter that starts while the first is blocked
 * blocks too, without disturbing the first, and both return once the last
 * holder has gone.
 */
static void concurrency_second_waiter_returns_with_first(struct kunit *test)
{
	const struct rd_flavour *fl = test->param_value;
	void *ref = fl->create(test, RD_OWNER);
	struct rd_waiter *w1, *w2;
	unsigned long word = 0;

	KUNIT_ASSERT_TRUE(test, fl->acquire(ref));
	w1 = rd_waiter_start(test, fl, ref, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w1), RD_TIMEOUT_MS));
	if (fl == rd_plain)
		word = atomic_long_read(&((struct rundown_ref *)ref)->count);

	/* The last waiter reaped first is the one that drops the holder. */
	w2 = rd_waiter_start(test, fl, ref, 1);
	rd_waiter_released(w1, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w2), RD_TIMEOUT_MS));
	msleep(RD_STAY_BLOCKED_MS);
	KUNIT_EXPECT_FALSE(test, rd_waiter_done(w1));
	KUNIT_EXPECT_FALSE(test, rd_waiter_done(w2));
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_WAITING);
	if (fl == rd_plain)
		KUNIT_EXPECT_EQ_MSG(test,
				    atomic_long_read(&((struct rundown_ref *)ref)->count),
				    word, "the second waiter replaced the wait block");

	fl->release(ref);
	rd_waiter_released(w2, 1);
	KUNIT_EXPECT_TRUE(test, rd_waiter_finish(w1));
	KUNIT_EXPECT_TRUE(test, rd_waiter_finish(w2));
	KUNIT_EXPECT_EQ(test, fl->phase(ref), RD_DEAD);
	KUNIT_EXPECT_EQ(test, fl->holders(ref), 0L);
}

/*
 * §4 item 32, adapted: acquire pinned to CPU a, release pinned to CPU b:
 * a's counter is 1, b's is -1 (unsigned wrap), the sum is zero, so the
 * wait returns without sleeping and acquires then fail on both CPUs.
 */
static void concurrency_pcpu_cross_cpu_release_sums_to_zero(struct kunit *test)
{
	struct rundown_pcpu_ref *ref;
	unsigned long nvcsw;
	int a, b;

	rd_two_cpus(test, &a, &b);
	ref = rd_pcpu->create(test, RUNDOWN_NON_OWNER);
	KUNIT_ASSERT_TRUE(test, rd_acquire_on(test, a, rd_pcpu, ref, 1));
	rd_expect_slots(test, ref, a, 1, -1, 0);
	rd_release_on(test, b, rd_pcpu, ref, 1);
	rd_expect_slots(test, ref, a, 1, b, -1UL);
	KUNIT_EXPECT_EQ(test, rundown_pcpu_holders(ref), 0L);

	KUNIT_ASSERT_TRUE(test, rd_acquire_on(test, b, rd_pcpu, ref, 3));
	rd_release_on(test, a, rd_pcpu, ref, 3);
	rd_expect_slots(test, ref, a, -2UL, b, 2);

	nvcsw = rd_nvcsw();
	rundown_pcpu_wait(ref);
	KUNIT_EXPECT_EQ_MSG(test, rd_nvcsw(), nvcsw, "the wait slept");
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
	KUNIT_EXPECT_FALSE(test, rd_acquire_on(test, a, rd_pcpu, ref, 1));
	KUNIT_EXPECT_FALSE(test, rd_acquire_on(test, b, rd_pcpu, ref, 1));
	rd_expect_slots(test, ref, a, -2UL, b, 2);
}

/*
 * §4 item 33, adapted: a holder acquired on CPU a; the wait blocks; the
 * release runs on CPU b, whose counter was 0, during the wait: it must
 * wake the waiter, which then sees the sum zero.
 */
static void concurrency_pcpu_cross_cpu_release_during_wait(struct kunit *test)
{
	struct rundown_pcpu_ref *ref;
	struct rd_waiter *w;
	int a, b;

	rd_two_cpus(test, &a, &b);
	ref = rd_pcpu->create(test, RUNDOWN_NON_OWNER);
	KUNIT_ASSERT_TRUE(test, rd_acquire_on(test, a, rd_pcpu, ref, 1));
	w = rd_waiter_start(test, rd_pcpu, ref, 1);
	KUNIT_ASSERT_TRUE(test, rd_poll(rd_waiter_blocked(w), RD_TIMEOUT_MS));
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_WAITING);
	msleep(RD_STAY_BLOCKED_MS);
	KUNIT_EXPECT_FALSE(test, rd_waiter_done(w));

	rd_release_on(test, b, rd_pcpu, ref, 1);
	rd_waiter_released(w, 1);
	KUNIT_ASSERT_TRUE(test, rd_waiter_finish(w));
	rd_expect_slots(test, ref, a, 1, b, -1UL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ref->state), RUNDOWN_PCPU_DEAD);
}

static struct kunit_case rundown_concurrency_cases[] = {
	KUNIT_CASE_PARAM(concurrency_storm_wait_mid_storm,
			 rd_flavour_gen_params),
	KUNIT_CASE_PARAM(concurrency_releases_racing_wait_start,
			 rd_flavour_gen_params),
	KUNIT_CASE_PARAM(concurrency_hardirq_acquire_release,
			 rd_flavour_gen_params),
	KUNIT_CASE_PARAM(concurrency_spinlock_irqsave_never_sleeps,
			 rd_flavour_gen_params),
	KUNIT_CASE_PARAM(concurrency_second_waiter_returns_with_first,
			 rd_flavour_gen_params),
	KUNIT_CASE(concurrency_pcpu_cross_cpu_release_sums_to_zero),
	KUNIT_CASE(concurrency_pcpu_cross_cpu_release_during_wait),
	{}
};

struct kunit_suite rundown_concurrency_suite = {
	.name = "rundown_concurrency",
	.init = rd_test_init,
	.exit = rd_test_exit,
	.test_cases = rundown_concurrency_cases,
};
