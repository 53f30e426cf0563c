// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_kunit: the KUnit suites of the rundown module, one test module.
 *
 *   rundown_plain        EX_RUNDOWN_REF, Windows names, white-box encoding
 *   rundown_pcpu         the cache-aware object, layout and per-CPU counters
 *   rundown_concurrency  threads, CPUs, hardirq and spinlocks on one ref
 *   rundown_misuse       contract violations, with counted reports
 *   rundown_diag         hung-wait reports, allocation failure
 *   rundown_counts       counts of 0 and counts a ref cannot hold
 *   rundown_race         releases straddling the end of a wait, forced with
 *                        rundown.ko's test points; hotplug; many waiters
 *
 * and, registered by their own files: rundown_wdm_verbatim (Windows source
 * kept verbatim, kunit/wdm_verbatim_test.c) and rundown_wdm_owner (the
 * RUNDOWN_WDM_OWNER_CHECKS switch, kunit/wdm_owner_test.c).
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "tests.h"

kunit_test_suites(&rundown_plain_suite, &rundown_pcpu_suite,
		  &rundown_concurrency_suite, &rundown_misuse_suite,
		  &rundown_diag_suite, &rundown_counts_suite,
		  &rundown_race_suite);

MODULE_DESCRIPTION("KUnit tests for the rundown module");
MODULE_LICENSE("GPL");
