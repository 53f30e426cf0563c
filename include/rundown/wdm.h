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
 * The WDK's struct tags name the same types: struct _EX_RUNDOWN_REF is
 * EX_RUNDOWN_REF and struct _EX_RUNDOWN_REF_CACHE_AWARE the cache-aware
 * object.  EX_RUNDOWN_REF's Count and Ptr members are the ref's word, with
 * the Windows values in every quiescent state (0: live, no holders;
 * n << EX_RUNDOWN_COUNT_SHIFT: n holders; EX_RUNDOWN_ACTIVE: run down);
 * what the word holds while a wait is in progress is rundown's own.
 * Without lock debugging the ref is that word alone, so zero-filled memory
 * is a live ref and "Count = EX_RUNDOWN_ACTIVE" a run-down one; with it the
 * ref also holds a lockdep map, which a ref in allocated memory gets only
 * from ExInitializeRundownProtection().
 *
 * Lockdep (lock debugging kernels only): every call site of
 * ExInitializeRundownProtection(), ExInitializeRundownProtectionCacheAware()
 * and ExAllocateCacheAwareRundownProtection() is its own lock class, and a
 * wait by a thread that holds locks is checked against the holders.  A
 * Windows driver may release protection in another thread than the one
 * that acquired it, so acquires are not tracked (rundown.h's "non-owner"
 * refs) unless the port defines RUNDOWN_WDM_OWNER_CHECKS before including
 * this header, promising that every release runs in the acquiring task;
 * lockdep then also reports a wait by a holder and AB-BA cycles.
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
#include <linux/stddef.h>
#include <linux/types.h>
#include <rundown/rundown.h>

#ifndef RUNDOWN_WDM_HAVE_BASE_TYPES
typedef u8 BOOLEAN;
typedef u32 ULONG;
typedef unsigned long ULONG_PTR;
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

/*
 * The WDK's struct tags name rundown's types: "struct _EX_RUNDOWN_REF" is
 * struct rundown_ref, and "struct _EX_RUNDOWN_REF_CACHE_AWARE" the opaque
 * struct rundown_pcpu_ref.
 */
#define _EX_RUNDOWN_REF			rundown_ref
#define _EX_RUNDOWN_REF_CACHE_AWARE	rundown_pcpu_ref

typedef struct _EX_RUNDOWN_REF EX_RUNDOWN_REF, *PEX_RUNDOWN_REF;
typedef struct _EX_RUNDOWN_REF_CACHE_AWARE EX_RUNDOWN_REF_CACHE_AWARE,
	*PEX_RUNDOWN_REF_CACHE_AWARE;

/* Count and Ptr are the word that rundown's functions work on. */
static_assert(offsetof(EX_RUNDOWN_REF, Count) == 0);
static_assert(offsetof(EX_RUNDOWN_REF, Ptr) == 0);
static_assert(offsetof(EX_RUNDOWN_REF, count) == 0);
static_assert(sizeof_field(EX_RUNDOWN_REF, Count) == sizeof(void *));
static_assert(sizeof_field(EX_RUNDOWN_REF, Ptr) == sizeof(void *));
static_assert(sizeof_field(EX_RUNDOWN_REF, count) == sizeof(void *));
static_assert(__alignof__(EX_RUNDOWN_REF) >= __alignof__(void *));
#ifndef CONFIG_DEBUG_LOCK_ALLOC
static_assert(sizeof(EX_RUNDOWN_REF) == sizeof(void *),
	      "EX_RUNDOWN_REF is one word without lock debugging");
#endif

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

/*
 * A call of the plain acquire or release compiles to the inline fast path
 * of rundown.h, as it does under the Linux names: a function-like macro
 * only replaces a name followed by "(", so a pointer to either routine, or
 * a call of the parenthesised name, still reaches the exported function,
 * which does the same thing.
 */
#define ExAcquireRundownProtection(RunRef)	\
	((BOOLEAN)rundown_acquire(RunRef))
#define ExReleaseRundownProtection(RunRef)	rundown_release(RunRef)

#ifdef RUNDOWN_WDM_OWNER_CHECKS
#define RUNDOWN_WDM_INIT_FLAGS	0
#else
#define RUNDOWN_WDM_INIT_FLAGS	RUNDOWN_NON_OWNER
#endif

/* Give each initialisation site its own lockdep class. */
#define ExInitializeRundownProtection(RunRef)				\
	do {								\
		static struct lock_class_key __rundown_key;		\
									\
		__rundown_init((RunRef), #RunRef, &__rundown_key,	\
			       RUNDOWN_WDM_INIT_FLAGS);			\
	} while (0)

#define ExInitializeRundownProtectionCacheAware(RunRefCacheAware, RunRefSize) \
	do {								\
		static struct lock_class_key __rundown_key;		\
									\
		__rundown_pcpu_init((RunRefCacheAware), (RunRefSize),	\
				    #RunRefCacheAware, &__rundown_key,	\
				    RUNDOWN_WDM_INIT_FLAGS);		\
	} while (0)

#define ExAllocateCacheAwareRundownProtection(PoolType, PoolTag)	\
	({								\
		static struct lock_class_key __rundown_key;		\
									\
		(void)(PoolType);					\
		(void)(PoolTag);					\
		__rundown_pcpu_alloc(GFP_KERNEL,			\
				     "EX_RUNDOWN_REF_CACHE_AWARE",	\
				     &__rundown_key,			\
				     RUNDOWN_WDM_INIT_FLAGS);		\
	})

#endif /* _RUNDOWN_WDM_H */
