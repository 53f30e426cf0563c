// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_lockdep_expect: provoke the deadlocks lockdep must report.
 *
 * Lockdep reports once per boot, so each scenario runs in a boot of its
 * own (scripts/kunit-qemu.sh --lockdep), selected by the module parameter:
 *
 *  self:  a thread that holds protection waits for rundown on the same ref;
 *	   lockdep must say "possible recursive locking detected".  A work
 *	   item releases the protection after a while so the wait returns.
 *  abba:  a holder takes a mutex while holding protection, then the owner
 *	   waits for rundown while holding that mutex; lockdep must say
 *	   "possible circular locking dependency detected".  Both happen in
 *	   one thread one after the other, so nothing actually deadlocks.
 *  clean: the same operations used correctly, with a non-owner ref
 *	   released by another task and a ref acquired and released in
 *	   hardirq context; lockdep must stay silent.
 *
 * The module prints "rundown_lockdep_expect: done <scenario>" at the end;
 * the runner checks the console for the expected report.
 */

#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <rundown/rundown.h>

#include "compat.h"

static char *scenario = "clean";
module_param(scenario, charp, 0444);
MODULE_PARM_DESC(scenario, "self, abba or clean");

static struct rundown_ref self_ref;
static struct rundown_ref abba_ref;
static struct rundown_ref other_ref;
static struct rundown_pcpu_ref *irq_ref;
static DEFINE_MUTEX(abba_mutex);

static void expect_release_work(struct work_struct *work)
{
	rundown_release(&self_ref);
}

static DECLARE_DELAYED_WORK(self_release, expect_release_work);

static void expect_self(void)
{
	rundown_init(&self_ref);
	if (!rundown_acquire(&self_ref))
		return;
	/* Released by a work item in a moment: the wait then returns. */
	schedule_delayed_work(&self_release, HZ / 2);
	rundown_wait(&self_ref);
	flush_delayed_work(&self_release);
}

static void expect_abba(void)
{
	rundown_init(&abba_ref);

	/* A holder that takes the mutex: abba_ref -> abba_mutex. */
	if (rundown_acquire(&abba_ref)) {
		mutex_lock(&abba_mutex);
		mutex_unlock(&abba_mutex);
		rundown_release(&abba_ref);
	}

	/* The owner waits while holding the mutex: abba_mutex -> abba_ref. */
	mutex_lock(&abba_mutex);
	rundown_wait(&abba_ref);
	mutex_unlock(&abba_mutex);
}

static void other_release_work(struct work_struct *work)
{
	rundown_release(&other_ref);
}

static DECLARE_WORK(other_release, other_release_work);

static enum hrtimer_restart irq_use(struct hrtimer *timer)
{
	if (rundown_pcpu_acquire(irq_ref))
		rundown_pcpu_release(irq_ref);
	return HRTIMER_NORESTART;
}

static void expect_clean(void)
{
	struct hrtimer timer;

	/* Released by another task: a non-owner ref. */
	rundown_init_non_owner(&other_ref);
	if (rundown_acquire(&other_ref)) {
		schedule_work(&other_release);
		rundown_wait(&other_ref);
		flush_work(&other_release);
	}

	/* Acquired and released in hardirq context, waited for in a task. */
	irq_ref = rundown_pcpu_alloc(GFP_KERNEL);
	if (!irq_ref)
		return;
	hrtimer_setup_on_stack(&timer, irq_use, CLOCK_MONOTONIC,
			       HRTIMER_MODE_REL_HARD);
	hrtimer_start(&timer, ns_to_ktime(NSEC_PER_MSEC), HRTIMER_MODE_REL_HARD);
	msleep(20);
	hrtimer_cancel(&timer);
	destroy_hrtimer_on_stack(&timer);

	/* Correct nesting: the mutex around the holder, not the wait. */
	if (rundown_pcpu_acquire(irq_ref)) {
		mutex_lock(&abba_mutex);
		mutex_unlock(&abba_mutex);
		rundown_pcpu_release(irq_ref);
	}
	rundown_pcpu_wait(irq_ref);
	rundown_pcpu_free(irq_ref);
}

static int __init expect_init(void)
{
	if (!strcmp(scenario, "self"))
		expect_self();
	else if (!strcmp(scenario, "abba"))
		expect_abba();
	else if (!strcmp(scenario, "clean"))
		expect_clean();
	else
		return -EINVAL;
	pr_info("rundown_lockdep_expect: done %s\n", scenario);
	return 0;
}

static void __exit expect_exit(void)
{
}

module_init(expect_init);
module_exit(expect_exit);
MODULE_DESCRIPTION("Deadlocks lockdep must report for run-down protection");
MODULE_LICENSE("GPL");
