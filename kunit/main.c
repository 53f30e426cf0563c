// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_kunit: the KUnit suites of the rundown module, one test module.
 */
#include <kunit/test.h>
#include <rundown/rundown.h>

static void rundown_smoke_acquire_release(struct kunit *test)
{
	struct rundown_ref ref;

	rundown_init(&ref);
	KUNIT_EXPECT_TRUE(test, rundown_acquire(&ref));
	rundown_release(&ref);
	rundown_wait(&ref);
	KUNIT_EXPECT_FALSE(test, rundown_acquire(&ref));
}

static struct kunit_case rundown_smoke_cases[] = {
	KUNIT_CASE(rundown_smoke_acquire_release),
	{}
};

static struct kunit_suite rundown_smoke_suite = {
	.name = "rundown_smoke",
	.test_cases = rundown_smoke_cases,
};

kunit_test_suites(&rundown_smoke_suite);

MODULE_DESCRIPTION("KUnit tests for the rundown module");
MODULE_LICENSE("GPL");
