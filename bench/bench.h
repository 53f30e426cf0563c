/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rundown_bench: what the harness (main.c) needs to know about the
 * mechanisms it measures (mech.c).
 */
#ifndef _RUNDOWN_BENCH_H
#define _RUNDOWN_BENCH_H

#include <linux/types.h>

/**
 * struct bench_mem - memory one protected object costs
 * @embedded: bytes inside the user's own structure
 * @allocated: bytes allocated separately, as requested
 * @allocated_slab: the same, as charged by the allocator (ksize())
 * @percpu: bytes of per-CPU memory, over all possible CPUs
 */
struct bench_mem {
	size_t embedded;
	size_t allocated;
	size_t allocated_slab;
	size_t percpu;
};

/**
 * struct bench_td_ops - teardown of one object of a mechanism
 * @create: allocate and initialise a live object; NULL on failure
 * @get: acquire protection (a holder); true on success
 * @put: release what @get acquired
 * @wait_started: true once the teardown has started, as a holder sees it
 * @teardown: the timed part: run down / kill and wait until no holder is
 *	left, or take the write lock
 * @destroy: finish the object after @teardown and free it
 */
struct bench_td_ops {
	void *(*create)(void);
	bool (*get)(void *obj);
	void (*put)(void *obj);
	bool (*wait_started)(void *obj);
	void (*teardown)(void *obj);
	void (*destroy)(void *obj);
};

/**
 * struct bench_mech - one mechanism under test
 * @name: name in the output; its acquire+release function in mech.c is
 *	bench_pair_<name>, for scripts that read the object code
 * @api: the acquire and release calls, for the output
 * @irqs_on: the fast path must run with interrupts enabled (may sleep)
 * @section: run that many acquire+release pairs on the live object
 * @td: teardown operations, or NULL if teardown is not measured
 * @mem: fill in the memory one object costs
 */
struct bench_mech {
	const char *name;
	const char *api;
	bool irqs_on;
	void (*section)(long n);
	const struct bench_td_ops *td;
	void (*mem)(struct bench_mem *mem);
};

extern const struct bench_mech *const bench_mechs[];
extern const unsigned int bench_nr_mechs;

int bench_mech_init(void);
void bench_mech_exit(void);
long bench_mech_failures(void);
void bench_ballast(long n);

#endif /* _RUNDOWN_BENCH_H */
