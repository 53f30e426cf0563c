/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where rundown_bench deals with differences between kernel
 * versions.  Everything else is written against the 6.12 API; a mechanism
 * that an older kernel lacks is left out of the run, not emulated.
 *
 * bench/Kbuild finds the features in the target kernel's headers and
 * defines BENCH_HAVE_<feature> to 1 for each one present:
 *
 *   BENCH_HAVE_RCUREF      rcuref_t (6.4)
 *   BENCH_HAVE_PREF_DATA   struct percpu_ref_data, percpu_ref's out-of-line
 *                          part (5.9)
 *   BENCH_HAVE_SRCU_USAGE  struct srcu_usage, Tree SRCU's separately
 *                          allocated update-side state (6.4)
 */
#ifndef _RUNDOWN_BENCH_COMPAT_H
#define _RUNDOWN_BENCH_COMPAT_H

#include <linux/percpu-refcount.h>
#include <linux/slab.h>
#include <linux/srcu.h>

#ifndef BENCH_HAVE_RCUREF
#define BENCH_HAVE_RCUREF 0
#endif
#ifndef BENCH_HAVE_PREF_DATA
#define BENCH_HAVE_PREF_DATA 0
#endif
#ifndef BENCH_HAVE_SRCU_USAGE
#define BENCH_HAVE_SRCU_USAGE 0
#endif

#if BENCH_HAVE_RCUREF
#include <linux/rcuref.h>
#endif

#if BENCH_HAVE_PREF_DATA
static inline void bench_pref_data(struct percpu_ref *ref, size_t *size,
				   size_t *slab)
{
	*size = sizeof(*ref->data);
	*slab = ref->data ? ksize(ref->data) : *size;
}
#else
static inline void bench_pref_data(struct percpu_ref *ref, size_t *size,
				   size_t *slab)
{
	*size = 0;
	*slab = 0;
}
#endif

/* Tree SRCU keeps a struct srcu_data per possible CPU. */
#ifdef CONFIG_TREE_SRCU
#define BENCH_SRCU_PCPU_SIZE	sizeof(struct srcu_data)
#else
#define BENCH_SRCU_PCPU_SIZE	0
#endif

#if defined(CONFIG_TREE_SRCU) && BENCH_HAVE_SRCU_USAGE
static inline void bench_srcu_usage(struct srcu_struct *ssp, size_t *size,
				    size_t *slab)
{
	*size = sizeof(*ssp->srcu_sup);
	*slab = ssp->srcu_sup ? ksize(ssp->srcu_sup) : *size;
}
#else
static inline void bench_srcu_usage(struct srcu_struct *ssp, size_t *size,
				    size_t *slab)
{
	*size = 0;
	*slab = 0;
}
#endif

#endif /* _RUNDOWN_BENCH_COMPAT_H */
