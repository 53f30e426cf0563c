// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnostics: misuse reports, hung-wait reports, tracepoints.
 *
 * A contract violation is reported with WARN_ONCE() at the call site (see
 * rundown_misuse() in internal.h).  A wait that lasts longer than
 * hung_wait_secs prints one line naming the ref, where it was initialised
 * and how many holders remain, then keeps waiting.
 *
 * A KUnit test that provokes either on purpose registers a named resource
 * (RUNDOWN_MISUSE_RESOURCE or RUNDOWN_HUNG_RESOURCE) holding an atomic_t.
 * While that test runs, reports from its thread are counted there, so the
 * test can check how many it got; misuse is then not printed, so the log
 * holds no expected warning.
 */

#include <linux/atomic.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/printk.h>
#include <linux/sched.h>

#include "compat.h"
#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

#if RUNDOWN_HAVE_KUNIT_HOOKS
#include <kunit/resource.h>
#include <kunit/test-bug.h>
#endif

/* In the spirit of hung_task_timeout_secs; 0 disables the report. */
unsigned int rundown_hung_wait_secs = 120;
EXPORT_SYMBOL_GPL(rundown_hung_wait_secs);
module_param_named(hung_wait_secs, rundown_hung_wait_secs, uint, 0644);
MODULE_PARM_DESC(hung_wait_secs,
		 "Report a run-down wait that lasts longer than this many seconds (0: never)");

/**
 * rundown_kunit_counted() - count a report for the running KUnit test
 * @resource: name of the KUnit resource that counts this kind of report
 *
 * Context: Any context.  On PREEMPT_RT, reports from atomic context are not
 * counted.
 * Return: true if a KUnit test running on this thread counted the report.
 */
bool rundown_kunit_counted(const char *resource)
{
#if RUNDOWN_HAVE_KUNIT_HOOKS
	struct kunit *test = kunit_get_current_test();
	struct kunit_resource *res;

	/* The resource lookup takes a spinlock_t, which sleeps on RT. */
	if (!test || (IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible()))
		return false;
	res = kunit_find_named_resource(test, resource);
	if (!res)
		return false;
	atomic_inc(res->data);
	kunit_put_resource(res);
	return true;
#else
	return false;
#endif
}
EXPORT_SYMBOL_GPL(rundown_kunit_counted);

/**
 * rundown_hung_timeout() - how long a wait may sleep before it is reported
 *
 * Context: Any context.
 * Return: the timeout in jiffies, or 0 if hung waits are not reported.
 */
long rundown_hung_timeout(void)
{
	unsigned int secs = READ_ONCE(rundown_hung_wait_secs);

	return secs ? (long)min_t(u64, (u64)secs * HZ, LONG_MAX) : 0;
}

/**
 * rundown_report_hung() - report a wait that is taking too long
 * @ref: the ref being waited for
 * @name: its name (lockdep name, or its type)
 * @init_site: where it was initialised, or 0 if unknown
 * @holders: how many holders remain
 *
 * Context: Process context.
 */
void rundown_report_hung(const void *ref, const char *name,
			 unsigned long init_site, long holders)
{
	rundown_kunit_counted(RUNDOWN_HUNG_RESOURCE);
	if (init_site)
		pr_warn("rundown: %s %p (initialised at %pS) still has %ld holders after %u s; %s/%d keeps waiting\n",
			name, ref, (void *)init_site, holders,
			READ_ONCE(rundown_hung_wait_secs), current->comm,
			task_pid_nr(current));
	else
		pr_warn("rundown: %s %p still has %ld holders after %u s; %s/%d keeps waiting\n",
			name, ref, holders, READ_ONCE(rundown_hung_wait_secs),
			current->comm, task_pid_nr(current));
}

#ifdef RUNDOWN_TEST_POINTS
static rundown_test_hook_t rundown_test_hook;

/**
 * rundown_set_test_hook() - install the function called at test points
 * @hook: the function, or NULL to remove it
 *
 * Test builds only.  The caller makes sure that no test point is still
 * running the old hook before the hook's module goes away (the rundown
 * KUnit tests remove it after reaping every thread that could call it).
 *
 * Context: Any context.
 */
void rundown_set_test_hook(rundown_test_hook_t hook)
{
	WRITE_ONCE(rundown_test_hook, hook);
}
EXPORT_SYMBOL_GPL(rundown_set_test_hook);

/**
 * rundown_call_test_hook() - a test point: call the installed hook, if any
 * @tp: which test point
 * @obj: the object it concerns (see enum rundown_test_point)
 *
 * Context: that of the test point; the hook must fit all of them.
 */
void rundown_call_test_hook(enum rundown_test_point tp, const void *obj)
{
	rundown_test_hook_t hook = READ_ONCE(rundown_test_hook);

	if (hook)
		hook(tp, obj);
}
EXPORT_SYMBOL_GPL(rundown_call_test_hook);
#endif
