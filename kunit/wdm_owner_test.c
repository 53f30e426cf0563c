// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_wdm_owner: the Windows names with RUNDOWN_WDM_OWNER_CHECKS, the
 * one switch of <rundown/wdm.h>, against the default of
 * kunit/wdm_verbatim_test.c.
 *
 * With the switch the initialisers are statement macros that give each
 * call site a lockdep class of its own, and acquires are tracked as
 * holds of the acquiring task.  Without it (the other file) the classes
 * are one per file and initialiser, and nothing is tracked.  Lock
 * debugging kernels only: elsewhere there is nothing to tell apart.
 */
#define RUNDOWN_WDM_OWNER_CHECKS

#include <kunit/test.h>
#include <linux/lockdep.h>
#include <linux/module.h>

#include <rundown/wdm.h>
#include "internal.h"

/* Two call sites, two classes; one call site, one class. */
static void owner_init_sites_have_their_own_class(struct kunit *test)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	PEX_RUNDOWN_REF_CACHE_AWARE CacheAware[2];
	EX_RUNDOWN_REF RunRef[3];
	int i;

	ExInitializeRundownProtection(&RunRef[0]);
	ExInitializeRundownProtection(&RunRef[1]);
	KUNIT_EXPECT_PTR_NE(test, RunRef[0].dep_map.key, RunRef[1].dep_map.key);
	for (i = 1; i < 3; i++)
		ExInitializeRundownProtection(&RunRef[i]);
	KUNIT_EXPECT_PTR_EQ(test, RunRef[1].dep_map.key, RunRef[2].dep_map.key);
	KUNIT_EXPECT_FALSE(test, RunRef[0].flags & RUNDOWN_NON_OWNER);

	CacheAware[0] = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, 0);
	CacheAware[1] = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, 0);
	KUNIT_ASSERT_NOT_NULL(test, CacheAware[0]);
	KUNIT_ASSERT_NOT_NULL(test, CacheAware[1]);
	KUNIT_EXPECT_PTR_NE(test, CacheAware[0]->dep_map.key,
			    CacheAware[1]->dep_map.key);
	KUNIT_EXPECT_FALSE(test, CacheAware[0]->flags & RUNDOWN_NON_OWNER);
	ExWaitForRundownProtectionReleaseCacheAware(CacheAware[0]);
	ExWaitForRundownProtectionReleaseCacheAware(CacheAware[1]);
	ExFreeCacheAwareRundownProtection(CacheAware[0]);
	ExFreeCacheAwareRundownProtection(CacheAware[1]);
#else
	kunit_skip(test, "needs CONFIG_DEBUG_LOCK_ALLOC");
#endif
}

/* An acquire is a hold of this task until its release. */
static void owner_acquire_is_a_hold(struct kunit *test)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	SIZE_T Size = ExSizeOfRundownProtectionCacheAware();
	PEX_RUNDOWN_REF_CACHE_AWARE CacheAware;
	EX_RUNDOWN_REF RunRef;

	ExInitializeRundownProtection(&RunRef);
	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(&RunRef));
	KUNIT_EXPECT_GT(test, lock_is_held(&RunRef.dep_map), 0);
	ExReleaseRundownProtection(&RunRef);
	KUNIT_EXPECT_EQ(test, lock_is_held(&RunRef.dep_map), 0);
	ExWaitForRundownProtectionRelease(&RunRef);

	CacheAware = kunit_kzalloc(test, Size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, CacheAware);
	ExInitializeRundownProtectionCacheAware(CacheAware, Size);
	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtectionCacheAware(CacheAware));
	KUNIT_EXPECT_GT(test, lock_is_held(&CacheAware->dep_map), 0);
	ExReleaseRundownProtectionCacheAware(CacheAware);
	KUNIT_EXPECT_EQ(test, lock_is_held(&CacheAware->dep_map), 0);
	ExWaitForRundownProtectionReleaseCacheAware(CacheAware);
#else
	kunit_skip(test, "needs CONFIG_DEBUG_LOCK_ALLOC");
#endif
}

static struct kunit_case rundown_wdm_owner_cases[] = {
	KUNIT_CASE(owner_init_sites_have_their_own_class),
	KUNIT_CASE(owner_acquire_is_a_hold),
	{}
};

static struct kunit_suite rundown_wdm_owner_suite = {
	.name = "rundown_wdm_owner",
	.test_cases = rundown_wdm_owner_cases,
};

kunit_test_suite(rundown_wdm_owner_suite);
