// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_wdm_verbatim: Windows kernel source, kept as a port keeps it.
 *
 * The first part of this file is written the way Windows drivers and their
 * platform layers are written, and must compile against <rundown/wdm.h>
 * unchanged, with -Werror (kunit/Kbuild; with -Wno-multichar, the one flag
 * a port adds, for its pool tags):
 *
 *  - a porting header that repeats the WDK declarations of the nineteen
 *    run-down routines after including wdm.h, with their SAL annotations
 *    and calling conventions, in the WDK's layout ("Name (" on its own
 *    line), and the Exf* entry points in the older IN/OUT style;
 *  - a platform layer that names the WDK struct tags, starts a ref out run
 *    down by writing EX_RUNDOWN_ACTIVE to its Count, tests Count for "no
 *    holders", and keeps a table of routine pointers;
 *  - pool tags as multi-character constants, and a device extension that
 *    embeds the cache-aware object, sized with FIELD_OFFSET.
 *
 * The second part is the KUnit suite that runs that code and checks that
 * each idiom behaves as it does on Windows.  README.md, "Porting Windows
 * code", explains what a port keeps and what it changes.
 */
#include <kunit/test.h>
#include <linux/kallsyms.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <rundown/wdm.h>

/* ------------------------------------------------------------------------
 * The porting header: the WDK declarations, repeated after wdm.h.
 */

_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI
VOID
FASTCALL
ExInitializeRundownProtection (
	_Out_ PEX_RUNDOWN_REF RunRef
	);

_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI
VOID
FASTCALL
ExReInitializeRundownProtection (
	_Inout_ PEX_RUNDOWN_REF RunRef
	);

_Must_inspect_result_
_Post_satisfies_(return == 0 || return == 1)
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI
BOOLEAN
FASTCALL
ExAcquireRundownProtection (
	_Inout_ PEX_RUNDOWN_REF RunRef
	);

_Must_inspect_result_
_Post_satisfies_(return == 0 || return == 1)
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI
BOOLEAN
FASTCALL
ExAcquireRundownProtectionEx (
	_Inout_ PEX_RUNDOWN_REF RunRef,
	_In_ ULONG Count
	);

_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI
VOID
FASTCALL
ExReleaseRundownProtection (
	_Inout_ PEX_RUNDOWN_REF RunRef
	);

_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI
VOID
FASTCALL
ExReleaseRundownProtectionEx (
	_Inout_ PEX_RUNDOWN_REF RunRef,
	_In_ ULONG Count
	);

_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI
VOID
FASTCALL
ExWaitForRundownProtectionRelease (
	_Inout_ PEX_RUNDOWN_REF RunRef
	);

_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI
VOID
FASTCALL
ExRundownCompleted (
	_Out_ PEX_RUNDOWN_REF RunRef
	);

_Must_inspect_result_
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI
PEX_RUNDOWN_REF_CACHE_AWARE
NTAPI
ExAllocateCacheAwareRundownProtection (
	__drv_strictTypeMatch(__drv_typeExpr) _In_ POOL_TYPE PoolType,
	_In_ ULONG PoolTag
	);

_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI
SIZE_T
NTAPI
ExSizeOfRundownProtectionCacheAware (
	VOID
	);

_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI
VOID
NTAPI
ExInitializeRundownProtectionCacheAware (
	_Out_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
	_In_ SIZE_T RunRefSize
	);

_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI
VOID
NTAPI
ExFreeCacheAwareRundownProtection (
	_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware
	);

_Must_inspect_result_
_Post_satisfies_(return == 0 || return == 1)
NTKERNELAPI
BOOLEAN
FASTCALL
ExAcquireRundownProtectionCacheAware (
	_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware
	);

NTKERNELAPI
VOID
FASTCALL
ExReleaseRundownProtectionCacheAware (
	_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware
	);

_Must_inspect_result_
_Post_satisfies_(return == 0 || return == 1)
NTKERNELAPI
BOOLEAN
FASTCALL
ExAcquireRundownProtectionCacheAwareEx (
	_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
	_In_ ULONG Count
	);

NTKERNELAPI
VOID
FASTCALL
ExReleaseRundownProtectionCacheAwareEx (
	_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRef,
	_In_ ULONG Count
	);

NTKERNELAPI
VOID
FASTCALL
ExWaitForRundownProtectionReleaseCacheAware (
	IN OUT PEX_RUNDOWN_REF_CACHE_AWARE RunRef
	);

NTKERNELAPI
VOID
FASTCALL
ExReInitializeRundownProtectionCacheAware (
	_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware
	);

NTKERNELAPI
VOID
FASTCALL
ExRundownCompletedCacheAware (
	_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware
	);

/* The exported fastcall entry points, in the older IN/OUT style. */

VOID
FASTCALL
ExfInitializeRundownProtection(
	OUT PEX_RUNDOWN_REF RunRef
);

VOID
FASTCALL
ExfReInitializeRundownProtection(
	IN OUT PEX_RUNDOWN_REF RunRef
);

BOOLEAN
FASTCALL
ExfAcquireRundownProtection(
	IN OUT PEX_RUNDOWN_REF RunRef
);

BOOLEAN
FASTCALL
ExfAcquireRundownProtectionEx(
	IN OUT PEX_RUNDOWN_REF RunRef,
	IN ULONG Count
);

VOID
FASTCALL
ExfReleaseRundownProtection(
	IN OUT PEX_RUNDOWN_REF RunRef
);

VOID
FASTCALL
ExfReleaseRundownProtectionEx(
	IN OUT PEX_RUNDOWN_REF RunRef,
	IN ULONG Count
);

VOID
FASTCALL
ExfWaitForRundownProtectionRelease(
	IN OUT PEX_RUNDOWN_REF RunRef
);

VOID
FASTCALL
ExfRundownCompleted(
	OUT PEX_RUNDOWN_REF RunRef
);

BOOLEAN
FASTCALL
ExfAcquireRundownProtectionCacheAware(
	IN PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware
);

BOOLEAN
FASTCALL
ExfAcquireRundownProtectionCacheAwareEx(
	IN PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
	IN ULONG Count
);

VOID
FASTCALL
ExfReleaseRundownProtectionCacheAware(
	IN PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware
);

VOID
FASTCALL
ExfReleaseRundownProtectionCacheAwareEx(
	IN PEX_RUNDOWN_REF_CACHE_AWARE RunRef,
	IN ULONG Count
);

VOID
FASTCALL
ExfWaitForRundownProtectionReleaseCacheAware(
	IN PEX_RUNDOWN_REF_CACHE_AWARE RunRef
);

VOID
FASTCALL
ExfRundownCompletedCacheAware(
	IN PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware
);

VOID
FASTCALL
ExfReInitializeRundownProtectionCacheAware(
	IN PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware
);

/* ------------------------------------------------------------------------
 * The platform layer: how portable Windows code wraps run-down protection.
 */

/* The port's own shims: FIELD_OFFSET, and pools (all kernel memory is nonpaged). */
#define FIELD_OFFSET(Type, Field)	((ULONG)offsetof(Type, Field))
#define ExAllocatePoolZero(PoolType, NumberOfBytes, Tag) \
	kzalloc((NumberOfBytes), GFP_KERNEL)
#define ExFreePoolWithTag(P, Tag)	kfree(P)

/* The struct tags, as platform layers name them. */
typedef struct _EX_RUNDOWN_REF VP_RUNDOWN_REF;
typedef struct _EX_RUNDOWN_REF_CACHE_AWARE *VP_CACHE_AWARE_RUNDOWN;

#define VpRundownInitialize(Rundown)	ExInitializeRundownProtection(Rundown)
#define VpRundownInitializeDisabled(Rundown) \
	((Rundown)->Count = EX_RUNDOWN_ACTIVE)
#define VpRundownReinitialize(Rundown)	ExReInitializeRundownProtection(Rundown)
#define VpRundownAcquire(Rundown)	ExAcquireRundownProtection(Rundown)
#define VpRundownRelease(Rundown)	ExReleaseRundownProtection(Rundown)
#define VpRundownReleaseAndWait(Rundown) \
	ExWaitForRundownProtectionRelease(Rundown)
#define VpRundownIsIdle(Rundown)	((Rundown)->Count == 0)
#define VpRundownIsRunDown(Rundown)	((Rundown)->Count == EX_RUNDOWN_ACTIVE)

/* Pool tags, written backwards so that a memory dump shows them forwards. */
#define VP_TAG_DEVICE	'vDpV'
#define VP_TAG_RUNDOWN	'kdnR'

/* The routines as a driver finds them by name: a table of pointers. */
typedef
_Must_inspect_result_
BOOLEAN
(FASTCALL *PVP_ACQUIRE_ROUTINE) (
	_Inout_ PEX_RUNDOWN_REF RunRef
	);

typedef
VOID
(FASTCALL *PVP_RELEASE_ROUTINE) (
	_Inout_ PEX_RUNDOWN_REF RunRef
	);

typedef struct _VP_ROUTINES {
	PVP_ACQUIRE_ROUTINE Acquire;
	PVP_RELEASE_ROUTINE Release;
} VP_ROUTINES;

static const VP_ROUTINES VpRoutineTable[] = {
	{ ExAcquireRundownProtection, ExReleaseRundownProtection },
	{ ExfAcquireRundownProtection, ExfReleaseRundownProtection },
};

/* A device extension that embeds its cache-aware object, last. */
typedef struct _VP_DEVICE_EXTENSION {
	ULONG Signature;
	EX_RUNDOWN_REF RemoveRundown;
	PEX_RUNDOWN_REF_CACHE_AWARE IoRundown;
	SIZE_T IoRundownSize;
	ULONG_PTR IoRundownStorage[];
} VP_DEVICE_EXTENSION, *PVP_DEVICE_EXTENSION;

/* A driver-global ref that nobody initialises: zero-filled, like all .bss. */
static EX_RUNDOWN_REF VpGlobalRundown;

_IRQL_requires_max_(APC_LEVEL)
static PVP_DEVICE_EXTENSION
VpCreateDevice(
	VOID
	)
{
	SIZE_T RundownSize = ExSizeOfRundownProtectionCacheAware();
	PVP_DEVICE_EXTENSION Extension;

	Extension = ExAllocatePoolZero(NonPagedPoolNx,
				       FIELD_OFFSET(VP_DEVICE_EXTENSION, IoRundownStorage) +
				       RundownSize,
				       VP_TAG_DEVICE);
	if (Extension == NULL)
		return NULL;

	Extension->Signature = VP_TAG_DEVICE;
	VpRundownInitialize(&Extension->RemoveRundown);
	Extension->IoRundown = (PEX_RUNDOWN_REF_CACHE_AWARE)Extension->IoRundownStorage;
	Extension->IoRundownSize = RundownSize;
	ExInitializeRundownProtectionCacheAware(Extension->IoRundown, RundownSize);
	return Extension;
}

/* One I/O request: both refs, as a dispatch routine takes them. */
_Must_inspect_result_
_IRQL_requires_max_(DISPATCH_LEVEL)
static BOOLEAN
VpStartIo(
	_In_ PVP_DEVICE_EXTENSION Extension
	)
{
	if (!VpRundownAcquire(&Extension->RemoveRundown))
		return FALSE;
	if (!ExAcquireRundownProtectionCacheAware(Extension->IoRundown)) {
		VpRundownRelease(&Extension->RemoveRundown);
		return FALSE;
	}
	return TRUE;
}

_IRQL_requires_max_(DISPATCH_LEVEL)
static VOID
VpCompleteIo(
	_In_ PVP_DEVICE_EXTENSION Extension
	)
{
	ExReleaseRundownProtectionCacheAware(Extension->IoRundown);
	VpRundownRelease(&Extension->RemoveRundown);
}

/* IRP_MN_REMOVE_DEVICE: no new I/O, wait for what is in flight, free. */
_IRQL_requires_(PASSIVE_LEVEL)
static VOID
VpRemoveDevice(
	_In_ PVP_DEVICE_EXTENSION Extension
	)
{
	ExWaitForRundownProtectionReleaseCacheAware(Extension->IoRundown);
	ExRundownCompletedCacheAware(Extension->IoRundown);
	VpRundownReleaseAndWait(&Extension->RemoveRundown);
	ExRundownCompleted(&Extension->RemoveRundown);
	ExFreePoolWithTag(Extension, VP_TAG_DEVICE);
}

/* ------------------------------------------------------------------------
 * The checks.
 */

static_assert(__same_type(struct _EX_RUNDOWN_REF, EX_RUNDOWN_REF));
static_assert(__same_type(struct _EX_RUNDOWN_REF *, PEX_RUNDOWN_REF));
static_assert(__same_type(struct _EX_RUNDOWN_REF_CACHE_AWARE *,
			  PEX_RUNDOWN_REF_CACHE_AWARE));
static_assert(__same_type(VP_CACHE_AWARE_RUNDOWN, PEX_RUNDOWN_REF_CACHE_AWARE));

/*
 * A pool tag has the value MSVC gives it: the first character in the
 * highest byte.  (Checked at run time: sparse evaluates multi-character
 * constants in another way.)
 */
static void verbatim_pool_tags_keep_their_values(struct kunit *test)
{
	PEX_RUNDOWN_REF_CACHE_AWARE CacheAware;

	KUNIT_EXPECT_EQ(test, VP_TAG_RUNDOWN, 0x6b646e52);
	KUNIT_EXPECT_EQ(test, VP_TAG_DEVICE, 0x76447056);
	CacheAware = ExAllocateCacheAwareRundownProtection(PagedPool,
							   VP_TAG_RUNDOWN);
	KUNIT_ASSERT_NOT_NULL(test, CacheAware);
	ExFreeCacheAwareRundownProtection(CacheAware);
}

/* The tags name the types: a tag-typed object works with every routine. */
static void verbatim_struct_tags_name_the_types(struct kunit *test)
{
	VP_RUNDOWN_REF *Ref = kunit_kzalloc(test, sizeof(VP_RUNDOWN_REF),
					    GFP_KERNEL);
	VP_CACHE_AWARE_RUNDOWN CacheAware;

	KUNIT_ASSERT_NOT_NULL(test, Ref);
	KUNIT_EXPECT_EQ(test, sizeof(VP_RUNDOWN_REF), sizeof(EX_RUNDOWN_REF));
	VpRundownInitialize(Ref);
	KUNIT_EXPECT_TRUE(test, VpRundownAcquire(Ref));
	VpRundownRelease(Ref);
	VpRundownReleaseAndWait(Ref);
	KUNIT_EXPECT_FALSE(test, VpRundownAcquire(Ref));

	CacheAware = ExAllocateCacheAwareRundownProtection(NonPagedPoolNx,
							   VP_TAG_RUNDOWN);
	KUNIT_ASSERT_NOT_NULL(test, CacheAware);
	KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtectionCacheAware(CacheAware));
	ExReleaseRundownProtectionCacheAware(CacheAware);
	ExWaitForRundownProtectionReleaseCacheAware(CacheAware);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionCacheAware(CacheAware));
	ExFreeCacheAwareRundownProtection(CacheAware);
}

/* Count and Ptr hold the Windows values of every quiescent state. */
static void verbatim_count_and_ptr_hold_windows_values(struct kunit *test)
{
	PEX_RUNDOWN_REF RunRef = kunit_kmalloc(test, sizeof(*RunRef), GFP_KERNEL);
	ULONG_PTR Holders;

	KUNIT_ASSERT_NOT_NULL(test, RunRef);
	memset(RunRef, 0xa5, sizeof(*RunRef));
	ExInitializeRundownProtection(RunRef);
	KUNIT_EXPECT_TRUE(test, VpRundownIsIdle(RunRef));
	KUNIT_EXPECT_NULL(test, RunRef->Ptr);

	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(RunRef));
	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtectionEx(RunRef, 2));
	KUNIT_ASSERT_TRUE(test, ExfAcquireRundownProtection(RunRef));
	Holders = RunRef->Count >> EX_RUNDOWN_COUNT_SHIFT;
	KUNIT_EXPECT_EQ(test, Holders, 4UL);
	KUNIT_EXPECT_EQ(test, RunRef->Count, 4 * EX_RUNDOWN_COUNT_INC);
	KUNIT_EXPECT_PTR_EQ(test, RunRef->Ptr,
			    (PVOID)(4 * EX_RUNDOWN_COUNT_INC));
	KUNIT_EXPECT_FALSE(test, VpRundownIsIdle(RunRef));

	ExReleaseRundownProtectionEx(RunRef, 3);
	KUNIT_EXPECT_EQ(test, RunRef->Count, EX_RUNDOWN_COUNT_INC);
	ExfReleaseRundownProtection(RunRef);
	KUNIT_EXPECT_TRUE(test, VpRundownIsIdle(RunRef));

	ExWaitForRundownProtectionRelease(RunRef);
	KUNIT_EXPECT_TRUE(test, VpRundownIsRunDown(RunRef));
	KUNIT_EXPECT_PTR_EQ(test, RunRef->Ptr, (PVOID)EX_RUNDOWN_ACTIVE);
	ExRundownCompleted(RunRef);
	KUNIT_EXPECT_EQ(test, RunRef->Count, EX_RUNDOWN_ACTIVE);
	ExReInitializeRundownProtection(RunRef);
	KUNIT_EXPECT_EQ(test, RunRef->Count, 0UL);
}

/* Writing EX_RUNDOWN_ACTIVE to Count makes a ref that every routine sees run down. */
static void verbatim_count_active_is_run_down(struct kunit *test, PEX_RUNDOWN_REF RunRef)
{
	const VP_ROUTINES *Routines;

	VpRundownInitializeDisabled(RunRef);
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtection(RunRef));
	KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtectionEx(RunRef, 1));
	KUNIT_EXPECT_FALSE(test, ExfAcquireRundownProtectionEx(RunRef, 0));
	for (Routines = VpRoutineTable;
	     Routines < VpRoutineTable + ARRAY_SIZE(VpRoutineTable); Routines++)
		KUNIT_EXPECT_FALSE(test, Routines->Acquire(RunRef));
	/* The wait finds it run down and returns at once. */
	ExWaitForRundownProtectionRelease(RunRef);
	ExRundownCompleted(RunRef);
	KUNIT_EXPECT_TRUE(test, VpRundownIsRunDown(RunRef));

	/* Enabled later, it is an ordinary ref. */
	VpRundownReinitialize(RunRef);
	KUNIT_EXPECT_TRUE(test, VpRundownIsIdle(RunRef));
	KUNIT_EXPECT_TRUE(test, VpRundownAcquire(RunRef));
	KUNIT_EXPECT_EQ(test, RunRef->Count, EX_RUNDOWN_COUNT_INC);
	VpRundownRelease(RunRef);
	VpRundownReleaseAndWait(RunRef);
	KUNIT_EXPECT_TRUE(test, VpRundownIsRunDown(RunRef));
}

/*
 * In allocated memory: without lock debugging the ref is its word alone;
 * with it, the lockdep map comes from ExInitializeRundownProtection().
 */
static void verbatim_count_active_in_pool(struct kunit *test)
{
	PEX_RUNDOWN_REF RunRef = ExAllocatePoolZero(NonPagedPoolNx,
						    sizeof(*RunRef),
						    VP_TAG_RUNDOWN);

	KUNIT_ASSERT_NOT_NULL(test, RunRef);
	if (IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC))
		ExInitializeRundownProtection(RunRef);
	verbatim_count_active_is_run_down(test, RunRef);
	ExFreePoolWithTag(RunRef, VP_TAG_RUNDOWN);
}

/* A static ref needs no initialisation, also with lock debugging. */
static void verbatim_count_active_static(struct kunit *test)
{
	verbatim_count_active_is_run_down(test, &VpGlobalRundown);
}

/* Zero-filled memory is a live ref with no holders. */
static void verbatim_zero_filled_is_live(struct kunit *test)
{
	PEX_RUNDOWN_REF Refs[2] = { &VpGlobalRundown, NULL };
	ULONG Index;

	/* .bss as the loader leaves it. */
	memset(&VpGlobalRundown, 0, sizeof(VpGlobalRundown));
	if (!IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC)) {
		Refs[1] = ExAllocatePoolZero(NonPagedPoolNx, sizeof(*Refs[1]),
					     VP_TAG_RUNDOWN);
		KUNIT_ASSERT_NOT_NULL(test, Refs[1]);
	}
	for (Index = 0; Index < ARRAY_SIZE(Refs) && Refs[Index]; Index++) {
		PEX_RUNDOWN_REF RunRef = Refs[Index];

		KUNIT_EXPECT_TRUE(test, VpRundownIsIdle(RunRef));
		KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtection(RunRef));
		KUNIT_EXPECT_TRUE(test, ExfAcquireRundownProtectionEx(RunRef, 2));
		KUNIT_EXPECT_EQ(test, RunRef->Count, 3 * EX_RUNDOWN_COUNT_INC);
		ExReleaseRundownProtectionEx(RunRef, 3);
		ExWaitForRundownProtectionRelease(RunRef);
		KUNIT_EXPECT_FALSE(test, ExAcquireRundownProtection(RunRef));
	}
	ExFreePoolWithTag(Refs[1], VP_TAG_RUNDOWN);
	if (IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC))
		kunit_info(test, "lock debugging: zero-filled pool memory needs ExInitializeRundownProtection(); checked the static ref only\n");
}

/* Routine addresses, compared at run time (distinct functions, to GCC). */
static bool verbatim_same_routine(const void *a, const void *b)
{
	OPTIMIZER_HIDE_VAR(a);
	OPTIMIZER_HIDE_VAR(b);
	return a == b;
}

/* Each Exf routine is its Ex routine: the same address, the same effect. */
static void verbatim_exf_names_are_the_routines(struct kunit *test)
{
	EX_RUNDOWN_REF RunRef;
	PEX_RUNDOWN_REF_CACHE_AWARE CacheAware;

	KUNIT_EXPECT_TRUE(test, verbatim_same_routine(&ExfAcquireRundownProtection,
						      &ExAcquireRundownProtection));
	KUNIT_EXPECT_TRUE(test, verbatim_same_routine(&ExfReleaseRundownProtectionCacheAware,
						      &ExReleaseRundownProtectionCacheAware));

	ExfInitializeRundownProtection(&RunRef);
	KUNIT_EXPECT_EQ(test, RunRef.Count, 0UL);
	KUNIT_EXPECT_TRUE(test, ExfAcquireRundownProtection(&RunRef));
	KUNIT_EXPECT_TRUE(test, ExfAcquireRundownProtectionEx(&RunRef, 2));
	KUNIT_EXPECT_EQ(test, RunRef.Count, 3 * EX_RUNDOWN_COUNT_INC);
	ExfReleaseRundownProtectionEx(&RunRef, 2);
	ExfReleaseRundownProtection(&RunRef);
	ExfWaitForRundownProtectionRelease(&RunRef);
	KUNIT_EXPECT_FALSE(test, ExfAcquireRundownProtection(&RunRef));
	ExfRundownCompleted(&RunRef);
	KUNIT_EXPECT_EQ(test, RunRef.Count, EX_RUNDOWN_ACTIVE);
	ExfReInitializeRundownProtection(&RunRef);
	KUNIT_EXPECT_TRUE(test, ExfAcquireRundownProtection(&RunRef));
	ExfReleaseRundownProtection(&RunRef);
	ExfWaitForRundownProtectionRelease(&RunRef);

	CacheAware = ExAllocateCacheAwareRundownProtection(NonPagedPool,
							   VP_TAG_RUNDOWN);
	KUNIT_ASSERT_NOT_NULL(test, CacheAware);
	KUNIT_EXPECT_TRUE(test, ExfAcquireRundownProtectionCacheAware(CacheAware));
	KUNIT_EXPECT_TRUE(test, ExfAcquireRundownProtectionCacheAwareEx(CacheAware, 3));
	ExfReleaseRundownProtectionCacheAwareEx(CacheAware, 3);
	ExfReleaseRundownProtectionCacheAware(CacheAware);
	ExfWaitForRundownProtectionReleaseCacheAware(CacheAware);
	KUNIT_EXPECT_FALSE(test, ExfAcquireRundownProtectionCacheAware(CacheAware));
	ExfRundownCompletedCacheAware(CacheAware);
	ExfWaitForRundownProtectionReleaseCacheAware(CacheAware);
	ExfReInitializeRundownProtectionCacheAware(CacheAware);
	KUNIT_EXPECT_TRUE(test, ExfAcquireRundownProtectionCacheAware(CacheAware));
	ExfReleaseRundownProtectionCacheAware(CacheAware);
	ExfWaitForRundownProtectionReleaseCacheAware(CacheAware);
	ExFreeCacheAwareRundownProtection(CacheAware);
}

/* Pointers to the routines, taken by name, reach the exported functions. */
static void verbatim_routine_table(struct kunit *test)
{
	const VP_ROUTINES *Routines;
	EX_RUNDOWN_REF RunRef;

	VpRundownInitialize(&RunRef);
	for (Routines = VpRoutineTable;
	     Routines < VpRoutineTable + ARRAY_SIZE(VpRoutineTable); Routines++) {
		KUNIT_EXPECT_TRUE(test, Routines->Acquire(&RunRef));
		KUNIT_EXPECT_EQ(test, RunRef.Count, EX_RUNDOWN_COUNT_INC);
		Routines->Release(&RunRef);
		KUNIT_EXPECT_TRUE(test, VpRundownIsIdle(&RunRef));
	}
	VpRundownReleaseAndWait(&RunRef);
}

/* The device extension: I/O in flight, then remove. */
static void verbatim_device_extension(struct kunit *test)
{
	PVP_DEVICE_EXTENSION Extension = VpCreateDevice();
	BOOLEAN Started;

	KUNIT_ASSERT_NOT_NULL(test, Extension);
	KUNIT_EXPECT_EQ(test, Extension->Signature, (ULONG)VP_TAG_DEVICE);
	KUNIT_EXPECT_TRUE(test, VpRundownIsIdle(&Extension->RemoveRundown));
	KUNIT_ASSERT_TRUE(test, VpStartIo(Extension));
	Started = VpStartIo(Extension);
	KUNIT_EXPECT_TRUE(test, Started);
	KUNIT_EXPECT_EQ(test, Extension->RemoveRundown.Count,
			2 * EX_RUNDOWN_COUNT_INC);
	if (Started)
		VpCompleteIo(Extension);
	VpCompleteIo(Extension);
	KUNIT_EXPECT_TRUE(test, VpRundownIsIdle(&Extension->RemoveRundown));

	/* A reference taken for a queued request blocks nothing once released. */
	KUNIT_EXPECT_TRUE(test, ExAcquireRundownProtectionCacheAwareEx(Extension->IoRundown, 2));
	ExReleaseRundownProtectionCacheAwareEx(Extension->IoRundown, 2);
	VpRemoveDevice(Extension);
}

/*
 * Lock debugging: the initialisers give this file one class (the WDK
 * declarations above rule out a class per call site; kunit/wdm_owner_test.c
 * has the switch that brings those back), make refs that another thread
 * may release, whose acquires lockdep therefore does not hold, and record
 * the caller as the place of initialisation.
 */
static void verbatim_lockdep_classes_per_file(struct kunit *test)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	EX_RUNDOWN_REF RunRef[2];
	char Site[KSYM_SYMBOL_LEN];

	ExInitializeRundownProtection(&RunRef[0]);
	VpRundownInitialize(&RunRef[1]);
	KUNIT_EXPECT_PTR_EQ(test, RunRef[0].dep_map.key, RunRef[1].dep_map.key);
	KUNIT_EXPECT_TRUE(test, RunRef[0].flags & RUNDOWN_NON_OWNER);
	KUNIT_ASSERT_TRUE(test, ExAcquireRundownProtection(&RunRef[0]));
	KUNIT_EXPECT_EQ(test, lock_is_held(&RunRef[0].dep_map), 0);
	ExReleaseRundownProtection(&RunRef[0]);
	ExWaitForRundownProtectionRelease(&RunRef[0]);
	ExWaitForRundownProtectionRelease(&RunRef[1]);

	sprint_symbol_no_offset(Site, RunRef[0].init_site);
	KUNIT_EXPECT_TRUE_MSG(test, strstarts(Site, __func__),
			      "initialised at %s", Site);
#else
	kunit_skip(test, "needs CONFIG_DEBUG_LOCK_ALLOC");
#endif
}

static struct kunit_case rundown_wdm_verbatim_cases[] = {
	KUNIT_CASE(verbatim_pool_tags_keep_their_values),
	KUNIT_CASE(verbatim_struct_tags_name_the_types),
	KUNIT_CASE(verbatim_count_and_ptr_hold_windows_values),
	KUNIT_CASE(verbatim_count_active_in_pool),
	KUNIT_CASE(verbatim_count_active_static),
	KUNIT_CASE(verbatim_zero_filled_is_live),
	KUNIT_CASE(verbatim_exf_names_are_the_routines),
	KUNIT_CASE(verbatim_routine_table),
	KUNIT_CASE(verbatim_device_extension),
	KUNIT_CASE(verbatim_lockdep_classes_per_file),
	{}
};

static struct kunit_suite rundown_wdm_verbatim_suite = {
	.name = "rundown_wdm_verbatim",
	.test_cases = rundown_wdm_verbatim_cases,
};

kunit_test_suite(rundown_wdm_verbatim_suite);
