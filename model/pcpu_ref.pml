/*
 * Promela model of the cache-aware run-down protocol of rundown/pcpu_ref.c,
 * as implemented.  See model/README.md for how each part maps to the C code
 * and what is checked.
 *
 * NCPU CPUs, NHOLDER holder threads that acquire on one CPU and release on
 * a CPU chosen nondeterministically (so cross-CPU releases happen), and one
 * owner that runs the wait, checks, reinitialises and waits again.
 */

#ifndef NCPU
#define NCPU	3
#endif
#ifndef NHOLDER
#define NHOLDER	2
#endif
#ifndef ROUNDS
#define ROUNDS	2	/* acquire attempts per holder */
#endif
#ifndef WAITS
#define WAITS	2	/* waits by the owner, with a reinit in between */
#endif

#define LIVE	0
#define WAITING	1
#define DEAD	2

byte state = LIVE;		/* ref->state */
short slot[NCPU];		/* ref->slots[cpu].count (wraps in C) */
bool in_section[NCPU];		/* an irq-disabled fast-path section runs */

byte inside = 0;		/* holders between acquire and release */
bool closed = false;		/* the owner's IPI round is complete */

bool published = false;		/* ref->waiter != NULL */
bool armed = false;		/* waiter in TASK_UNINTERRUPTIBLE */
bool woken = false;		/* wake_up_process() set it running again */
bool returned = false;		/* the wait returned: the object may be freed */
bool late = false;		/* ref->late_release */

/*
 * rundown_pcpu_release_waiting() after its slot update, still inside the
 * section: read ref->waiter and wake_up_process() it.  The releaser's
 * smp_mb() orders its slot update before the read of ref->waiter; the
 * waiter's set_current_state() orders its store to ref->waiter and its
 * arming before its read of the slots.
 */
inline wake_waiter()
{
	atomic {
		/* Safety 3: no release touches the object after the wait returned. */
		assert(!returned);
		if :: published && armed -> woken = true :: else -> skip fi
	}
}

proctype holder(byte id)
{
	byte cpu, rcpu, s, round = 0;

	do
	:: round < ROUNDS ->
		round++;
		/* acquire on some CPU: local_irq_save(); read state */
		if
		:: cpu = 0
		:: cpu = 1
#if NCPU > 2
		:: cpu = 2
#endif
		fi;
		atomic { !in_section[cpu]; in_section[cpu] = true; s = state };
		if
		:: s == LIVE ->
			atomic {
				slot[cpu] = slot[cpu] + 1; /* rundown_pcpu_add() */
				/* Safety 1: no acquire succeeds once all CPUs are closed. */
				assert(!closed);
				inside++;
				in_section[cpu] = false	/* local_irq_restore() */
			};
			/* ... the holder uses the object, maybe migrates ... */
			inside--;	/* before its release, in program order */
			/* release on some CPU, possibly another one */
			if
			:: rcpu = 0
			:: rcpu = 1
#if NCPU > 2
			:: rcpu = 2
#endif
			fi;
			atomic { !in_section[rcpu]; in_section[rcpu] = true; s = state };
			assert(s != DEAD);	/* would be misuse in C */
			if
			:: s == WAITING -> late = true
			:: else -> skip
			fi;
			slot[rcpu] = slot[rcpu] - 1;
#ifndef MUTANT_NO_WAKE
			if
			:: s == WAITING -> wake_waiter()
			:: else -> skip
			fi;
#endif
			in_section[rcpu] = false
		:: else ->
			in_section[cpu] = false	/* acquire fails, no write */
		fi
	:: else -> break
	od
}

/* The owner: rundown_pcpu_wait(), checks, rundown_pcpu_reinit(), again. */
proctype owner()
{
	byte c, n = 0;
	short sum;

	do
	:: n < WAITS ->
		n++;
		returned = false;		/* a new wait begins */
		state = WAITING;		/* rundown_pcpu_close() */
		/* on_each_cpu(): taken on each CPU between two sections */
		c = 0;
		do
#ifndef MUTANT_NO_IPI
		:: c < NCPU -> atomic { !in_section[c] -> c++ }
#else
		:: c < NCPU -> c++
#endif
		:: else -> break
		od;
		closed = true;
		sum = 0;
		c = 0;			/* rundown_pcpu_holders() */
		do
		:: c < NCPU -> sum = sum + slot[c]; c++
		:: else -> break
		od;
		assert(sum >= 0);
		if
		:: sum > 0 ->
			/* rundown_pcpu_drain() */
			published = true;
			do
			:: true ->
				armed = true;	/* set_current_state() */
				sum = 0;
				c = 0;	/* one slot at a time */
				do
				:: c < NCPU -> sum = sum + slot[c]; c++
				:: else -> break
				od;
				assert(sum >= 0);
				if
				:: sum == 0 -> atomic { armed = false; woken = false }; break
				:: else ->
					woken;	/* schedule() until woken */
					atomic { woken = false; armed = false }
				fi
			od;
			published = false
		:: else -> skip
		fi;
		/* second on_each_cpu() if a release saw WAITING: wait them out */
		if
		:: late ->
			c = 0;
			do
#ifndef MUTANT_NO_SECOND_FENCE
			:: c < NCPU -> atomic { !in_section[c] -> c++ }
#else
			:: c < NCPU -> c++
#endif
			:: else -> break
			od
		:: else -> skip
		fi;
		late = false;
		state = DEAD;
		returned = true;
		/* Safety 2: the wait never returns while a holder is inside. */
		assert(inside == 0);
		/* rundown_pcpu_reinit(): one store; slots keep their residue */
		closed = false;
		state = LIVE
	:: else -> break
	od
}

init
{
	byte i;

	atomic {
		i = 0;
		do
		:: i < NHOLDER -> run holder(i); i++
		:: else -> break
		od;
		run owner()
	}
}
