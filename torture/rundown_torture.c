// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_torture: a torture test for run-down protection, in the style of
 * kernel/locking/locktorture.c.
 *
 * Two protected objects, one behind a plain struct rundown_ref and one
 * behind a cache-aware struct rundown_pcpu_ref, are used by reader kthreads
 * (and, optionally, an hrtimer per flavour firing in hardirq context) and
 * replaced again and again by one owner thread: wait for rundown, check that
 * nobody is inside, poison and free the object, make a new one, reinitialise
 * the plain ref and reallocate or reinitialise the cache-aware one.  A
 * hotplug thread takes CPUs offline and online meanwhile.
 *
 * Errors counted (any of them fails the run):
 *  - stale: a reader saw a poisoned object;
 *  - late: an acquire succeeded although it started after a wait had
 *    returned and before the next reinitialisation;
 *  - inside: a wait returned while a holder was inside;
 *  - stall: a wait lasted longer than stall_secs.
 *
 * Counts are printed every stat_interval seconds and at the end, followed
 * by "rundown_torture: PASS" or "rundown_torture: FAIL".
 */

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <rundown/rundown.h>

#include "../kunit/compat.h"

static int nreaders = -1;
module_param(nreaders, int, 0444);
MODULE_PARM_DESC(nreaders, "Reader kthreads (default: 2 per online CPU)");
static int duration = 60;
module_param(duration, int, 0444);
MODULE_PARM_DESC(duration, "Seconds to run (0: until rmmod)");
static int replace_ms = 50;
module_param(replace_ms, int, 0444);
MODULE_PARM_DESC(replace_ms, "Milliseconds between two replacements");
static int stall_secs = 30;
module_param(stall_secs, int, 0444);
MODULE_PARM_DESC(stall_secs, "A wait longer than this is an error");
static int stat_interval = 5;
module_param(stat_interval, int, 0444);
MODULE_PARM_DESC(stat_interval, "Seconds between two reports");
static bool timers = true;
module_param(timers, bool, 0444);
MODULE_PARM_DESC(timers, "Also acquire from hrtimer callbacks (hardirq)");
static int hotplug_ms = 200;
module_param(hotplug_ms, int, 0444);
MODULE_PARM_DESC(hotplug_ms, "Milliseconds between CPU hotplug operations (0: none)");

#define OBJ_ALIVE	0x600dcafeUL
#define OBJ_POISON	0xdeadbeefUL

/* The protected object. */
struct torture_obj {
	unsigned long	magic;
	atomic_t	inside;
};

/* One flavour of protection with the object it protects. */
struct torture_flavour {
	const char			*name;
	bool				pcpu;
	struct rundown_ref		ref;
	struct rundown_pcpu_ref __rcu	*pref;
	struct torture_obj		*obj;
	/* Odd while run down (after a wait returned, before reinit). */
	atomic_t			epoch;
	struct hrtimer			timer;
	atomic_long_t			acquired, refused, waits;
	atomic_long_t			stale, late, inside, stall;
	u64				max_wait_ns;
};

static struct torture_flavour flavours[2] = {
	{ .name = "plain", .pcpu = false },
	{ .name = "pcpu", .pcpu = true },
};

static struct task_struct **readers;
static bool timers_started;
static struct task_struct *owner_task, *hotplug_task, *stats_task;
static atomic_long_t hotplug_ops;
static unsigned long end_jiffies;
static DECLARE_COMPLETION(torture_done);

static struct torture_obj *torture_obj_new(void)
{
	struct torture_obj *obj = kzalloc(sizeof(*obj), GFP_KERNEL);

	if (obj)
		obj->magic = OBJ_ALIVE;
	return obj;
}

/*
 * Acquire @f's protection.  The cache-aware ref itself may be replaced, so
 * it is looked up under RCU; a holder keeps it alive until it releases,
 * because the owner frees a ref only after waiting for it.
 */
static bool torture_acquire(struct torture_flavour *f,
			    struct rundown_pcpu_ref **prefp)
{
	struct rundown_pcpu_ref *pref;
	bool ok;

	if (!f->pcpu)
		return rundown_acquire(&f->ref);
	rcu_read_lock();
	pref = rcu_dereference(f->pref);
	ok = rundown_pcpu_acquire(pref);
	rcu_read_unlock();
	*prefp = pref;
	return ok;
}

static void torture_release(struct torture_flavour *f,
			    struct rundown_pcpu_ref *pref)
{
	if (f->pcpu)
		rundown_pcpu_release(pref);
	else
		rundown_release(&f->ref);
}

/* One use of @f's object; @may_sleep in process context. */
static void torture_use(struct torture_flavour *f, bool may_sleep)
{
	struct rundown_pcpu_ref *pref = NULL;
	struct torture_obj *obj;
	int e1, e2;
	bool ok;

	e1 = atomic_read_acquire(&f->epoch);
	ok = torture_acquire(f, &pref);
	e2 = atomic_read_acquire(&f->epoch);
	if (!ok) {
		atomic_long_inc(&f->refused);
		return;
	}
	atomic_long_inc(&f->acquired);
	if (e1 == e2 && (e1 & 1))
		atomic_long_inc(&f->late);

	obj = READ_ONCE(f->obj);
	atomic_inc(&obj->inside);
	if (READ_ONCE(obj->magic) != OBJ_ALIVE)
		atomic_long_inc(&f->stale);
	if (may_sleep && !(get_random_u32() & 7))
		schedule_timeout_uninterruptible(1);
	else
		udelay(get_random_u32() & 3);
	if (READ_ONCE(obj->magic) != OBJ_ALIVE)
		atomic_long_inc(&f->stale);
	atomic_dec(&obj->inside);
	torture_release(f, pref);
}

static int torture_reader(void *arg)
{
	unsigned long i = 0;

	while (!kthread_should_stop()) {
		torture_use(&flavours[i++ & 1], true);
		cond_resched();
	}
	return 0;
}

static enum hrtimer_restart torture_timer(struct hrtimer *t)
{
	struct torture_flavour *f = container_of(t, struct torture_flavour,
						 timer);

	torture_use(f, false);
	hrtimer_forward_now(t, ns_to_ktime(200 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

/* Run @f down, check and destroy its object, make a new one, reopen. */
static void torture_replace(struct torture_flavour *f)
{
	struct rundown_pcpu_ref *old_pref = NULL, *new_pref = NULL;
	struct torture_obj *obj = f->obj, *new_obj;
	u64 start, took;

	new_obj = torture_obj_new();
	if (f->pcpu && (get_random_u32() & 1))
		new_pref = rundown_pcpu_alloc(GFP_KERNEL);
	if (!new_obj) {
		rundown_pcpu_free(new_pref);
		return;
	}

	start = ktime_get_ns();
	if (f->pcpu)
		rundown_pcpu_wait(rcu_dereference_protected(f->pref, true));
	else
		rundown_wait(&f->ref);
	took = ktime_get_ns() - start;
	atomic_inc_return_release(&f->epoch);	/* odd: run down */

	atomic_long_inc(&f->waits);
	f->max_wait_ns = max(f->max_wait_ns, took);
	if (took > (u64)stall_secs * NSEC_PER_SEC)
		atomic_long_inc(&f->stall);
	if (atomic_read(&obj->inside))
		atomic_long_inc(&f->inside);

	/* Nobody may be inside: poison (seen by a stale reader), then free. */
	WRITE_ONCE(obj->magic, OBJ_POISON);
	WRITE_ONCE(f->obj, new_obj);
	atomic_inc_return_release(&f->epoch);	/* even: about to reopen */
	if (new_pref) {
		old_pref = rcu_dereference_protected(f->pref, true);
		rcu_assign_pointer(f->pref, new_pref);
	} else if (f->pcpu) {
		rundown_pcpu_reinit(rcu_dereference_protected(f->pref, true));
	} else {
		rundown_reinit(&f->ref);
	}

	/*
	 * The object goes at once, as an owner's would: no holder of the ref
	 * may touch it once the wait has returned, and on the KASAN kernel
	 * one that does is reported.  The replaced cache-aware ref itself is
	 * still looked up under RCU by readers whose acquire will fail, so it
	 * waits for a grace period (which is about the lookup, not about
	 * run-down: kunit/race_test.c frees a ref right after its wait).
	 */
	kfree(obj);
	if (old_pref) {
		synchronize_rcu();
		rundown_pcpu_free(old_pref);
	}
}

static int torture_owner(void *arg)
{
	while (!kthread_should_stop()) {
		msleep(replace_ms);
		torture_replace(&flavours[0]);
		torture_replace(&flavours[1]);
		if (duration && time_after(jiffies, end_jiffies))
			break;
	}
	complete(&torture_done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static int torture_hotplug(void *arg)
{
	unsigned int cpu;

	while (!kthread_should_stop()) {
		msleep(hotplug_ms);
		cpu = get_random_u32_below(nr_cpu_ids);
		if (!cpu || !cpu_possible(cpu))
			continue;
		if (cpu_online(cpu) && num_online_cpus() > 1) {
			if (!remove_cpu(cpu))
				atomic_long_inc(&hotplug_ops);
		} else if (!cpu_online(cpu)) {
			if (!add_cpu(cpu))
				atomic_long_inc(&hotplug_ops);
		}
	}
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			add_cpu(cpu);
	return 0;
}

static long torture_errors(void)
{
	long errors = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(flavours); i++) {
		struct torture_flavour *f = &flavours[i];

		errors += atomic_long_read(&f->stale) +
			  atomic_long_read(&f->late) +
			  atomic_long_read(&f->inside) +
			  atomic_long_read(&f->stall);
	}
	return errors;
}

static void torture_report(const char *when)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(flavours); i++) {
		struct torture_flavour *f = &flavours[i];

		pr_info("rundown_torture: %s %s: acquired=%ld refused=%ld waits=%ld max_wait_us=%llu stale=%ld late=%ld inside=%ld stall=%ld\n",
			when, f->name, atomic_long_read(&f->acquired),
			atomic_long_read(&f->refused),
			atomic_long_read(&f->waits),
			div_u64(f->max_wait_ns, NSEC_PER_USEC),
			atomic_long_read(&f->stale), atomic_long_read(&f->late),
			atomic_long_read(&f->inside),
			atomic_long_read(&f->stall));
	}
	pr_info("rundown_torture: %s hotplug_ops=%ld online=%u\n", when,
		atomic_long_read(&hotplug_ops), num_online_cpus());
}

static void torture_stop(void)
{
	int i;

	if (hotplug_task)
		kthread_stop(hotplug_task);
	hotplug_task = NULL;
	for (i = 0; timers_started && i < ARRAY_SIZE(flavours); i++)
		hrtimer_cancel(&flavours[i].timer);
	timers_started = false;
	for (i = 0; readers && i < nreaders; i++)
		if (readers[i])
			kthread_stop(readers[i]);
	kfree(readers);
	readers = NULL;
	if (owner_task)
		kthread_stop(owner_task);
	owner_task = NULL;
}

/* Stop everything after @duration seconds and print the verdict. */
static int torture_stats(void *arg)
{
	while (!kthread_should_stop()) {
		if (wait_for_completion_timeout(&torture_done,
						stat_interval * HZ))
			break;
		torture_report("progress");
	}
	if (kthread_should_stop())
		return 0;
	torture_stop();
	torture_report("end");
	pr_info("rundown_torture: %s\n", torture_errors() ? "FAIL" : "PASS");
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static int __init torture_init(void)
{
	int i;

	if (nreaders < 0)
		nreaders = 2 * num_online_cpus();
	end_jiffies = jiffies + duration * HZ;

	rundown_init(&flavours[0].ref);
	RCU_INIT_POINTER(flavours[1].pref, rundown_pcpu_alloc(GFP_KERNEL));
	for (i = 0; i < ARRAY_SIZE(flavours); i++)
		flavours[i].obj = torture_obj_new();
	if (!rcu_access_pointer(flavours[1].pref) || !flavours[0].obj ||
	    !flavours[1].obj)
		goto nomem;

	readers = kcalloc(nreaders, sizeof(*readers), GFP_KERNEL);
	if (!readers)
		goto nomem;
	for (i = 0; i < nreaders; i++) {
		readers[i] = kthread_run(torture_reader, NULL,
					 "rundown_reader/%d", i);
		if (IS_ERR(readers[i])) {
			readers[i] = NULL;
			goto fail;
		}
	}
	for (i = 0; timers && i < ARRAY_SIZE(flavours); i++) {
		hrtimer_setup(&flavours[i].timer, torture_timer,
			      CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
		hrtimer_start(&flavours[i].timer, ns_to_ktime(NSEC_PER_MSEC),
			      HRTIMER_MODE_REL_HARD);
		timers_started = true;
	}
	owner_task = kthread_run(torture_owner, NULL, "rundown_owner");
	if (IS_ERR(owner_task)) {
		owner_task = NULL;
		goto fail;
	}
	if (hotplug_ms && IS_ENABLED(CONFIG_HOTPLUG_CPU)) {
		hotplug_task = kthread_run(torture_hotplug, NULL,
					   "rundown_hotplug");
		if (IS_ERR(hotplug_task))
			hotplug_task = NULL;
	}
	stats_task = kthread_run(torture_stats, NULL, "rundown_stats");
	if (IS_ERR(stats_task)) {
		stats_task = NULL;
		goto fail;
	}
	pr_info("rundown_torture: start readers=%d duration=%d replace_ms=%d timers=%d hotplug_ms=%d\n",
		nreaders, duration, replace_ms, timers, hotplug_ms);
	return 0;

fail:
	torture_stop();
nomem:
	for (i = 0; i < ARRAY_SIZE(flavours); i++)
		kfree(flavours[i].obj);
	rundown_pcpu_free(rcu_access_pointer(flavours[1].pref));
	return -ENOMEM;
}

static void __exit torture_exit(void)
{
	int i;

	if (stats_task)
		kthread_stop(stats_task);
	torture_stop();
	for (i = 0; i < ARRAY_SIZE(flavours); i++)
		kfree(flavours[i].obj);
	rundown_pcpu_free(rcu_access_pointer(flavours[1].pref));
}

module_init(torture_init);
module_exit(torture_exit);
MODULE_DESCRIPTION("Torture test for run-down protection");
MODULE_LICENSE("GPL");
