// SPDX-License-Identifier: GPL-2.0
/*
 * Misuse reporting.
 *
 * A contract violation is reported with WARN_ONCE() at the call site (see
 * rundown_misuse() in internal.h).  A KUnit test that provokes misuse on
 * purpose registers a named resource, RUNDOWN_MISUSE_RESOURCE, holding an
 * atomic_t; while that test runs, reports from its thread are counted there
 * instead of printed, so the test can check how many it got and the log
 * stays free of expected warnings.
 */

#include <linux/atomic.h>
#include <linux/export.h>

#include "compat.h"
#include "internal.h"

#if RUNDOWN_HAVE_KUNIT_HOOKS
#include <kunit/resource.h>
#include <kunit/test-bug.h>
#endif

/**
 * rundown_report_misuse() - decide how to report one misuse
 *
 * Context: Any context.
 * Return: true if the caller should warn, false if a KUnit test counted it.
 */
bool rundown_report_misuse(void)
{
#if RUNDOWN_HAVE_KUNIT_HOOKS
	struct kunit *test = kunit_get_current_test();
	struct kunit_resource *res;

	if (!test)
		return true;
	res = kunit_find_named_resource(test, RUNDOWN_MISUSE_RESOURCE);
	if (!res)
		return true;
	atomic_inc(res->data);
	kunit_put_resource(res);
	return false;
#else
	return true;
#endif
}
EXPORT_SYMBOL_GPL(rundown_report_misuse);
