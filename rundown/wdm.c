// SPDX-License-Identifier: GPL-2.0
/*
 * The Windows names of run-down protection.
 *
 * Each Ex* routine is the Linux function of the same meaning under its
 * Windows name and signature: one implementation, two names.  The contexts
 * and misuse handling are those documented on the Linux functions in
 * rundown/ref.c and rundown/pcpu_ref.c.
 */

#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/lockdep.h>
#include <rundown/wdm.h>

/*
 * wdm.h renames calls of the initialisers (a lockdep class per file or per
 * call site) and of the acquires and releases (the inline fast paths); the
 * exported functions below serve callers through a pointer or the
 * parenthesised name (the initialisers with one class each).
 */
#undef ExInitializeRundownProtection
#undef ExInitializeRundownProtectionCacheAware
#undef ExAllocateCacheAwareRundownProtection
#undef ExAcquireRundownProtection
#undef ExReleaseRundownProtection
#undef ExAcquireRundownProtectionCacheAware
#undef ExReleaseRundownProtectionCacheAware

/* One lockdep class for all refs initialised through these functions. */
static struct lock_class_key rundown_wdm_key;
static struct lock_class_key rundown_wdm_ca_key;

/**
 * ExInitializeRundownProtection() - initialise plain run-down protection
 * @RunRef: the ref
 *
 * rundown_init() under its Windows name.
 *
 * Context: Any context.
 */
void ExInitializeRundownProtection(PEX_RUNDOWN_REF RunRef)
{
	__rundown_init(RunRef, "EX_RUNDOWN_REF", &rundown_wdm_key,
		       RUNDOWN_NON_OWNER);
}
EXPORT_SYMBOL_GPL(ExInitializeRundownProtection);

/**
 * ExReInitializeRundownProtection() - make a run-down ref usable again
 * @RunRef: the ref
 *
 * rundown_reinit() under its Windows name.
 *
 * Context: Any context: never sleeps.
 */
void ExReInitializeRundownProtection(PEX_RUNDOWN_REF RunRef)
{
	rundown_reinit(RunRef);
}
EXPORT_SYMBOL_GPL(ExReInitializeRundownProtection);

/**
 * ExAcquireRundownProtection() - acquire run-down protection
 * @RunRef: the ref
 *
 * Context: Any context: never sleeps (DISPATCH_LEVEL and above).
 * Return: TRUE if protection was acquired, FALSE if run-down has started.
 */
BOOLEAN ExAcquireRundownProtection(PEX_RUNDOWN_REF RunRef)
{
	return rundown_acquire(RunRef);
}
EXPORT_SYMBOL_GPL(ExAcquireRundownProtection);

/**
 * ExAcquireRundownProtectionEx() - acquire run-down protection @Count times
 * @RunRef: the ref
 * @Count: references to take; 0 only tests whether run-down has started
 *
 * Context: Any context: never sleeps.
 * Return: TRUE if protection was acquired, FALSE if run-down has started.
 */
BOOLEAN ExAcquireRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count)
{
	return rundown_acquire_many(RunRef, Count);
}
EXPORT_SYMBOL_GPL(ExAcquireRundownProtectionEx);

/**
 * ExReleaseRundownProtection() - release run-down protection
 * @RunRef: the ref
 *
 * Context: Any context: never sleeps.
 */
void ExReleaseRundownProtection(PEX_RUNDOWN_REF RunRef)
{
	rundown_release(RunRef);
}
EXPORT_SYMBOL_GPL(ExReleaseRundownProtection);

/**
 * ExReleaseRundownProtectionEx() - release run-down protection @Count times
 * @RunRef: the ref
 * @Count: references to drop
 *
 * Context: Any context: never sleeps.
 */
void ExReleaseRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count)
{
	rundown_release_many(RunRef, Count);
}
EXPORT_SYMBOL_GPL(ExReleaseRundownProtectionEx);

/**
 * ExWaitForRundownProtectionRelease() - run down and wait for the holders
 * @RunRef: the ref
 *
 * Context: Process context; may sleep (PASSIVE_LEVEL or APC_LEVEL).
 */
void ExWaitForRundownProtectionRelease(PEX_RUNDOWN_REF RunRef)
{
	rundown_wait(RunRef);
}
EXPORT_SYMBOL_GPL(ExWaitForRundownProtectionRelease);

/**
 * ExRundownCompleted() - mark run-down as completed
 * @RunRef: the ref
 *
 * Context: Any context: never sleeps.
 */
void ExRundownCompleted(PEX_RUNDOWN_REF RunRef)
{
	rundown_completed(RunRef);
}
EXPORT_SYMBOL_GPL(ExRundownCompleted);

/**
 * ExSizeOfRundownProtectionCacheAware() - size of a cache-aware object
 *
 * Context: Any context.
 * Return: the buffer size ExInitializeRundownProtectionCacheAware() wants.
 */
SIZE_T ExSizeOfRundownProtectionCacheAware(void)
{
	return rundown_pcpu_size();
}
EXPORT_SYMBOL_GPL(ExSizeOfRundownProtectionCacheAware);

/**
 * ExInitializeRundownProtectionCacheAware() - initialise in caller memory
 * @RunRefCacheAware: buffer of @RunRefSize bytes
 * @RunRefSize: its size, normally ExSizeOfRundownProtectionCacheAware()
 *
 * Context: Any context.
 */
void ExInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
					     SIZE_T RunRefSize)
{
	__rundown_pcpu_init(RunRefCacheAware, RunRefSize,
			    "EX_RUNDOWN_REF_CACHE_AWARE", &rundown_wdm_ca_key,
			    RUNDOWN_NON_OWNER);
}
EXPORT_SYMBOL_GPL(ExInitializeRundownProtectionCacheAware);

/**
 * ExAllocateCacheAwareRundownProtection() - allocate a cache-aware object
 * @PoolType: any POOL_TYPE; kernel memory is never paged, so all are alike
 * @PoolTag: ignored
 *
 * Context: Process context; may sleep.
 * Return: the new object, or NULL if memory could not be allocated.
 */
PEX_RUNDOWN_REF_CACHE_AWARE ExAllocateCacheAwareRundownProtection(POOL_TYPE PoolType,
								  ULONG PoolTag)
{
	return __rundown_pcpu_alloc(GFP_KERNEL, "EX_RUNDOWN_REF_CACHE_AWARE",
				    &rundown_wdm_ca_key, RUNDOWN_NON_OWNER);
}
EXPORT_SYMBOL_GPL(ExAllocateCacheAwareRundownProtection);

/**
 * ExFreeCacheAwareRundownProtection() - free an allocated cache-aware object
 * @RunRefCacheAware: an object from ExAllocateCacheAwareRundownProtection()
 *
 * Context: Any context.
 */
void ExFreeCacheAwareRundownProtection(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware)
{
	rundown_pcpu_free(RunRefCacheAware);
}
EXPORT_SYMBOL_GPL(ExFreeCacheAwareRundownProtection);

/**
 * ExReInitializeRundownProtectionCacheAware() - make it usable again
 * @RunRefCacheAware: the object
 *
 * Context: Any context: never sleeps, callable with spinlocks held.
 */
void ExReInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware)
{
	rundown_pcpu_reinit(RunRefCacheAware);
}
EXPORT_SYMBOL_GPL(ExReInitializeRundownProtectionCacheAware);

/**
 * ExAcquireRundownProtectionCacheAware() - acquire cache-aware protection
 * @RunRefCacheAware: the object
 *
 * Context: Any context except NMI: never sleeps.
 * Return: TRUE if protection was acquired, FALSE if run-down has started.
 */
BOOLEAN ExAcquireRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware)
{
	return rundown_pcpu_acquire(RunRefCacheAware);
}
EXPORT_SYMBOL_GPL(ExAcquireRundownProtectionCacheAware);

/**
 * ExAcquireRundownProtectionCacheAwareEx() - acquire @Count times
 * @RunRefCacheAware: the object
 * @Count: references to take
 *
 * Context: Any context except NMI: never sleeps.
 * Return: TRUE if protection was acquired, FALSE if run-down has started.
 */
BOOLEAN ExAcquireRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
					       ULONG Count)
{
	return rundown_pcpu_acquire_many(RunRefCacheAware, Count);
}
EXPORT_SYMBOL_GPL(ExAcquireRundownProtectionCacheAwareEx);

/**
 * ExReleaseRundownProtectionCacheAware() - release cache-aware protection
 * @RunRefCacheAware: the object
 *
 * Context: Any context except NMI: never sleeps.
 */
void ExReleaseRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware)
{
	rundown_pcpu_release(RunRefCacheAware);
}
EXPORT_SYMBOL_GPL(ExReleaseRundownProtectionCacheAware);

/**
 * ExReleaseRundownProtectionCacheAwareEx() - release @Count times
 * @RunRef: the object
 * @Count: references to drop
 *
 * Context: Any context except NMI: never sleeps.
 */
void ExReleaseRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE RunRef, ULONG Count)
{
	rundown_pcpu_release_many(RunRef, Count);
}
EXPORT_SYMBOL_GPL(ExReleaseRundownProtectionCacheAwareEx);

/**
 * ExWaitForRundownProtectionReleaseCacheAware() - run down and wait
 * @RunRef: the object
 *
 * Context: Process context; may sleep.
 */
void ExWaitForRundownProtectionReleaseCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRef)
{
	rundown_pcpu_wait(RunRef);
}
EXPORT_SYMBOL_GPL(ExWaitForRundownProtectionReleaseCacheAware);

/**
 * ExRundownCompletedCacheAware() - mark cache-aware run-down as completed
 * @RunRefCacheAware: the object
 *
 * Context: Any context: never sleeps.
 */
void ExRundownCompletedCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware)
{
	rundown_pcpu_completed(RunRefCacheAware);
}
EXPORT_SYMBOL_GPL(ExRundownCompletedCacheAware);

/*
 * The Exf* names: Windows exports its fastcall routines under these names
 * and gives the Ex* names to them as aliases; here each is an alias of the
 * Ex* function above (the same address, so the same kernel-doc applies).
 */
VOID ExfInitializeRundownProtection(PEX_RUNDOWN_REF RunRef)
	__alias(ExInitializeRundownProtection);
EXPORT_SYMBOL_GPL(ExfInitializeRundownProtection);

VOID ExfReInitializeRundownProtection(PEX_RUNDOWN_REF RunRef)
	__alias(ExReInitializeRundownProtection);
EXPORT_SYMBOL_GPL(ExfReInitializeRundownProtection);

BOOLEAN ExfAcquireRundownProtection(PEX_RUNDOWN_REF RunRef)
	__alias(ExAcquireRundownProtection);
EXPORT_SYMBOL_GPL(ExfAcquireRundownProtection);

BOOLEAN ExfAcquireRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count)
	__alias(ExAcquireRundownProtectionEx);
EXPORT_SYMBOL_GPL(ExfAcquireRundownProtectionEx);

VOID ExfReleaseRundownProtection(PEX_RUNDOWN_REF RunRef)
	__alias(ExReleaseRundownProtection);
EXPORT_SYMBOL_GPL(ExfReleaseRundownProtection);

VOID ExfReleaseRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count)
	__alias(ExReleaseRundownProtectionEx);
EXPORT_SYMBOL_GPL(ExfReleaseRundownProtectionEx);

VOID ExfWaitForRundownProtectionRelease(PEX_RUNDOWN_REF RunRef)
	__alias(ExWaitForRundownProtectionRelease);
EXPORT_SYMBOL_GPL(ExfWaitForRundownProtectionRelease);

VOID ExfRundownCompleted(PEX_RUNDOWN_REF RunRef)
	__alias(ExRundownCompleted);
EXPORT_SYMBOL_GPL(ExfRundownCompleted);

VOID ExfReInitializeRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware)
	__alias(ExReInitializeRundownProtectionCacheAware);
EXPORT_SYMBOL_GPL(ExfReInitializeRundownProtectionCacheAware);

BOOLEAN ExfAcquireRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware)
	__alias(ExAcquireRundownProtectionCacheAware);
EXPORT_SYMBOL_GPL(ExfAcquireRundownProtectionCacheAware);

BOOLEAN ExfAcquireRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware,
						ULONG Count)
	__alias(ExAcquireRundownProtectionCacheAwareEx);
EXPORT_SYMBOL_GPL(ExfAcquireRundownProtectionCacheAwareEx);

VOID ExfReleaseRundownProtectionCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware)
	__alias(ExReleaseRundownProtectionCacheAware);
EXPORT_SYMBOL_GPL(ExfReleaseRundownProtectionCacheAware);

VOID ExfReleaseRundownProtectionCacheAwareEx(PEX_RUNDOWN_REF_CACHE_AWARE RunRef, ULONG Count)
	__alias(ExReleaseRundownProtectionCacheAwareEx);
EXPORT_SYMBOL_GPL(ExfReleaseRundownProtectionCacheAwareEx);

VOID ExfWaitForRundownProtectionReleaseCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRef)
	__alias(ExWaitForRundownProtectionReleaseCacheAware);
EXPORT_SYMBOL_GPL(ExfWaitForRundownProtectionReleaseCacheAware);

VOID ExfRundownCompletedCacheAware(PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware)
	__alias(ExRundownCompletedCacheAware);
EXPORT_SYMBOL_GPL(ExfRundownCompletedCacheAware);
