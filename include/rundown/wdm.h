/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Windows run-down protection names for Linux kernel modules.
 *
 * Declares ExInitializeRundownProtection() and the rest of the Windows
 * Ex*RundownProtection* family, their Exf* entry points, plus the types they
 * use.  Every routine is the Linux function of include/rundown/rundown.h
 * under its Windows name; the kernel-doc in rundown/ref.c and
 * rundown/pcpu_ref.c gives each one's context, and rundown.h lists how
 * misuse is handled.
 *
 * IRQL mapping: "<= DISPATCH_LEVEL" routines (all acquires and releases, and
 * the cache-aware ReInitialize and RundownCompleted) never sleep and may be
 * called from hardirq, softirq or with a spinlock held.  The waits may
 * sleep.  Memory from any kernel allocator is "nonpaged".
 *
 * Windows spellings that compile unchanged after this header:
 *
 *  - the WDK's struct tags: struct _EX_RUNDOWN_REF is EX_RUNDOWN_REF and
 *    struct _EX_RUNDOWN_REF_CACHE_AWARE is the cache-aware object;
 *  - EX_RUNDOWN_REF's Count and Ptr members: the ref's word, with the
 *    Windows values in every quiescent state (0: live, no holders;
 *    n << EX_RUNDOWN_COUNT_SHIFT: n holders; EX_RUNDOWN_ACTIVE: run down).
 *    What the word holds while a wait is in progress is rundown's own.
 *    Without lock debugging the ref is that word alone, so zero-filled
 *    memory is a live ref and "Count = EX_RUNDOWN_ACTIVE" a run-down one;
 *    with it the ref also holds a lockdep map, which a ref in allocated
 *    memory gets only from ExInitializeRundownProtection();
 *  - the WDK declarations of the routines, SAL annotations and
 *    NTKERNELAPI, FASTCALL and NTAPI included, repeated after this header:
 *    the annotations and calling conventions are defined empty below
 *    unless the port defines them first;
 *  - the Exf* names of the fastcall routines.
 *
 * Calls of the plain and cache-aware acquire and release compile to the
 * inline fast paths of rundown.h, and the initialisers give the calls of
 * each translation unit a lockdep class of their own.  Both come from
 * function-like macros that only rename the routine to a static inline
 * function of the same type, so that a call of the name reaches the inline
 * function and a repeated WDK declaration declares it again, which C
 * allows.  A pointer to a routine, or a call of its parenthesised name,
 * reaches the exported function.
 *
 * Lockdep (lock debugging kernels only): a wait by a thread that holds
 * locks is checked against the holders of the ref.  A Windows driver may
 * release protection in another thread than the one that acquired it, so
 * acquires are not tracked (rundown.h's "non-owner" refs); lockdep never
 * sees such a ref held, so the class it is in does not change what lockdep
 * can report.  A port that defines RUNDOWN_WDM_OWNER_CHECKS before
 * including this header promises that every release runs in the acquiring
 * task; lockdep then also reports a wait by a holder and AB-BA cycles.
 * Those reports need a class per initialisation site (with one class per
 * file, holding one ref while waiting for another of the same file would
 * read as recursive locking), so this switch turns
 * ExInitializeRundownProtection(), ExInitializeRundownProtectionCacheAware()
 * and ExAllocateCacheAwareRundownProtection() into statement macros, and
 * the WDK declarations of those three can then no longer follow this
 * header.
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
#include <linux/compiler.h>
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
 * The annotations of the WDK declarations: SAL, the old IN/OUT/OPTIONAL
 * markers and the calling conventions, all empty.  A port's own definition,
 * made before this header, wins.  Its calling conventions must be empty
 * too, since the exported functions use the kernel's; an annotation may
 * carry an attribute (_Must_inspect_result_ as __must_check), which the
 * renamed inline functions below then get.
 */
#ifndef _In_
#define _In_
#endif
#ifndef _In_opt_
#define _In_opt_
#endif
#ifndef _Out_
#define _Out_
#endif
#ifndef _Out_opt_
#define _Out_opt_
#endif
#ifndef _Inout_
#define _Inout_
#endif
#ifndef _Inout_opt_
#define _Inout_opt_
#endif
#ifndef _Must_inspect_result_
#define _Must_inspect_result_
#endif
#ifndef _Post_satisfies_
#define _Post_satisfies_(cond)
#endif
#ifndef _IRQL_requires_
#define _IRQL_requires_(irql)
#endif
#ifndef _IRQL_requires_max_
#define _IRQL_requires_max_(irql)
#endif
#ifndef _IRQL_requires_min_
#define _IRQL_requires_min_(irql)
#endif
#ifndef __drv_strictTypeMatch
#define __drv_strictTypeMatch(mode)
#endif
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif
#ifndef NTKERNELAPI
#define NTKERNELAPI
#endif
#ifndef NTAPI
#define NTAPI
#endif
#ifndef FASTCALL
#define FASTCALL
#endif

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
 * The entry points Windows exports for its fastcall routines, each the
 * same function as the Ex name without the "f" (rundown/wdm.c).
 */
VOID ExfInitializeRundownProtection(PEX_RUNDOWN_REF RunRef);
VOID ExfReInitializeRundownProtection(PEX_RUNDOWN_REF RunRef);
BOOLEAN ExfAcquireRundownProtection(PEX_RUNDOWN_REF RunRef);
BOOLEAN ExfAcquireRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count);
VOID ExfReleaseRundownProtection(PEX_RUNDOWN_REF RunRef);
VOID ExfReleaseRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count);
VOID ExfWaitForRundownProtectionRelease(PEX_RUNDOWN_REF RunRef);
VOID ExfRundownCompleted(PEX_RUNDOWN_REF RunRef);
VOID ExfReInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
BOOLEAN ExfAcquireRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
BOOLEAN ExfAcquireRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
						ULONG Count);
VOID ExfReleaseRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);
VOID ExfReleaseRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE RunRef, ULONG Count);
VOID ExfWaitForRundownProtectionReleaseCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRef);
VOID ExfRundownCompletedCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);

/*
 * What a call of the acquires and releases compiles to: the Linux function,
 * inline where rundown.h has it inline.  Each has the type of its WDK
 * declaration, so that the declaration, renamed by the macro below, is a
 * valid redeclaration of it.
 */
static __always_inline BOOLEAN __rundown_wdm_acquire(PEX_RUNDOWN_REF RunRef)
{
	return rundown_acquire(RunRef);
}

static __always_inline VOID __rundown_wdm_release(PEX_RUNDOWN_REF RunRef)
{
	rundown_release(RunRef);
}

static __always_inline BOOLEAN
__rundown_wdm_pcpu_acquire(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware)
{
	return rundown_pcpu_acquire(RunRefCacheAware);
}

static __always_inline VOID
__rundown_wdm_pcpu_release(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware)
{
	rundown_pcpu_release(RunRefCacheAware);
}

#define ExAcquireRundownProtection(...)	__rundown_wdm_acquire(__VA_ARGS__)
#define ExReleaseRundownProtection(...)	__rundown_wdm_release(__VA_ARGS__)
#define ExAcquireRundownProtectionCacheAware(...)	\
	__rundown_wdm_pcpu_acquire(__VA_ARGS__)
#define ExReleaseRundownProtectionCacheAware(...)	\
	__rundown_wdm_pcpu_release(__VA_ARGS__)

#ifdef RUNDOWN_WDM_OWNER_CHECKS

/* A lockdep class per initialisation site: statement macros. */
#define ExInitializeRundownProtection(RunRef)				\
	do {								\
		static struct lock_class_key __rundown_key;		\
									\
		__rundown_init((RunRef), #RunRef, &__rundown_key, 0);	\
	} while (0)

#define ExInitializeRundownProtectionCacheAware(RunRefCacheAware, RunRefSize) \
	do {								\
		static struct lock_class_key __rundown_key;		\
									\
		__rundown_pcpu_init((RunRefCacheAware), (RunRefSize),	\
				    #RunRefCacheAware, &__rundown_key, 0); \
	} while (0)

#define ExAllocateCacheAwareRundownProtection(PoolType, PoolTag)	\
	({								\
		static struct lock_class_key __rundown_key;		\
									\
		(void)(PoolType);					\
		(void)(PoolTag);					\
		__rundown_pcpu_alloc(GFP_KERNEL,			\
				     "EX_RUNDOWN_REF_CACHE_AWARE",	\
				     &__rundown_key, 0);		\
	})

#else /* !RUNDOWN_WDM_OWNER_CHECKS */

/*
 * A lockdep class per translation unit: each file that includes this
 * header has its own copy of these functions and of their keys.  Being
 * inline, they record the caller as the ref's initialisation site (for
 * hung-wait reports).
 */
static __always_inline VOID __rundown_wdm_init(PEX_RUNDOWN_REF RunRef)
{
	static struct lock_class_key __rundown_key;

	__rundown_init(RunRef, "EX_RUNDOWN_REF", &__rundown_key,
		       RUNDOWN_NON_OWNER);
}

static __always_inline VOID
__rundown_wdm_pcpu_init(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
			SIZE_T RunRefSize)
{
	static struct lock_class_key __rundown_key;

	__rundown_pcpu_init(RunRefCacheAware, RunRefSize,
			    "EX_RUNDOWN_REF_CACHE_AWARE", &__rundown_key,
			    RUNDOWN_NON_OWNER);
}

/* Kernel memory is never paged: every pool type is GFP_KERNEL memory. */
static __always_inline PEX_RUNDOWN_REF_CACHE_AWARE
__rundown_wdm_pcpu_alloc(POOL_TYPE PoolType, ULONG PoolTag)
{
	static struct lock_class_key __rundown_key;

	return __rundown_pcpu_alloc(GFP_KERNEL, "EX_RUNDOWN_REF_CACHE_AWARE",
				    &__rundown_key, RUNDOWN_NON_OWNER);
}

#define ExInitializeRundownProtection(...)	__rundown_wdm_init(__VA_ARGS__)
#define ExInitializeRundownProtectionCacheAware(...)	\
	__rundown_wdm_pcpu_init(__VA_ARGS__)
#define ExAllocateCacheAwareRundownProtection(...)	\
	__rundown_wdm_pcpu_alloc(__VA_ARGS__)

#endif /* RUNDOWN_WDM_OWNER_CHECKS */

#endif /* _RUNDOWN_WDM_H */
