/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Windows run-down protection names for Linux kernel modules.
 *
 * Declares ExInitializeRundownProtection() and the rest of the Windows
 * Ex*RundownProtection* family, plus the types they use.  Every routine is
 * the Linux function of include/rundown/rundown.h under its Windows name;
 * the kernel-doc in rundown/ref.c and rundown/pcpu_ref.c gives each one's
 * context, and rundown.h lists how misuse is handled.
 *
 * IRQL mapping: "<= DISPATCH_LEVEL" routines (all acquires and releases, and
 * the cache-aware ReInitialize and RundownCompleted) never sleep and may be
 * called from hardirq, softirq or with a spinlock held.  The waits may
 * sleep.  Memory from any kernel allocator is "nonpaged".
 *
 * Base types: a port that already defines BOOLEAN, ULONG, SIZE_T, VOID,
 * PVOID and POOL_TYPE itself defines RUNDOWN_WDM_HAVE_BASE_TYPES before it
 * includes this header; the header then checks that those types have the
 * sizes the exported routines use (BOOLEAN 8 bits, ULONG 32 bits, SIZE_T
 * pointer-sized) and defines only the run-down types.
 */
#ifndef _RUNDOWN_WDM_H
#define _RUNDOWN_WDM_H

#include <linux/build_bug.h>
#include <linux/types.h>
#include <rundown/rundown.h>

#ifndef RUNDOWN_WDM_HAVE_BASE_TYPES
typedef u8 BOOLEAN;
typedef u32 ULONG;
typedef size_t SIZE_T;
typedef void VOID;
typedef void *PVOID;

#ifndef TRUE
#define TRUE	1
#endif
#ifndef FALSE
#define FALSE	0
#endif

typedef enum _POOL_TYPE {
	NonPagedPool = 0,
	NonPagedPoolExecute = NonPagedPool,
	PagedPool = 1,
	NonPagedPoolMustSucceed = 2,
	DontUseThisType = 3,
	NonPagedPoolCacheAligned = 4,
	PagedPoolCacheAligned = 5,
	NonPagedPoolCacheAlignedMustS = 6,
	MaxPoolType = 7,
	NonPagedPoolNx = 512,
} POOL_TYPE;
#endif /* RUNDOWN_WDM_HAVE_BASE_TYPES */

static_assert(sizeof(BOOLEAN) == 1, "BOOLEAN must be 8 bits");
static_assert(sizeof(ULONG) == 4, "ULONG must be 32 bits");
static_assert(sizeof(SIZE_T) == sizeof(void *), "SIZE_T must be pointer-sized");

typedef struct rundown_ref EX_RUNDOWN_REF, *PEX_RUNDOWN_REF;
typedef struct rundown_pcpu_ref EX_RUNDOWN_REF_CACHE_AWARE,
	*PEX_RUNDOWN_REF_CACHE_AWARE;

#define EX_RUNDOWN_ACTIVE	RUNDOWN_ACTIVE
#define EX_RUNDOWN_COUNT_SHIFT	RUNDOWN_COUNT_SHIFT
#define EX_RUNDOWN_COUNT_INC	RUNDOWN_COUNT_INC

VOID ExInitializeRundownProtection(PEX_RUNDOWN_REF RunRef);
VOID ExReInitializeRundownProtection(PEX_RUNDOWN_REF RunRef);
BOOLEAN ExAcquireRundownProtection(PEX_RUNDOWN_REF RunRef);
BOOLEAN ExAcquireRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count);
VOID ExReleaseRundownProtection(PEX_RUNDOWN_REF RunRef);
VOID ExReleaseRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count);
VOID ExWaitForRundownProtectionRelease(PEX_RUNDOWN_REF RunRef);
VOID ExRundownCompleted(PEX_RUNDOWN_REF RunRef);

SIZE_T ExSizeOfRundownProtectionCacheAware(void);
VOID ExInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
					     SIZE_T RunRefSize);
PEX_RUNDOWN_REF_CACHE_AWARE ExAllocateCacheAwareRundownProtection(POOL_TYPE PoolType,
								  ULONG PoolTag);
VOID ExFreeCacheAwareRundownProtection(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
VOID ExReInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
BOOLEAN ExAcquireRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
BOOLEAN ExAcquireRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
					       ULONG Count);
VOID ExReleaseRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
VOID ExReleaseRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE RunRef, ULONG Count);
VOID ExWaitForRundownProtectionReleaseCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRef);
VOID ExRundownCompletedCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);

#endif /* _RUNDOWN_WDM_H */
