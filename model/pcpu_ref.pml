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

bool armed = false;		/* waiter queued by prepare_to_wait() */
bool woken = false;		/* wake_up_var() reached the waiter */

/*
 * wake_up_var() after a release that saw WAITING.  The releaser's smp_mb()
 * orders its slot update before this check of the wait queue; the waiter's
 * set_current_state() orders its arming before its read of the slots.
 */
inline wake_waiter()
{
	atomic { if :: armed -> woken = true :: else -> skip fi }
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
			slot[rcpu] = slot[rcpu] - 1;
			in_section[rcpu] = false;
#ifndef MUTANT_NO_WAKE
			if
			:: s == WAITING -> wake_waiter()
			:: else -> skip
			fi
#endif
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
		/* rundown_sleep_until(): wait_var_event() on the slot sum */
		do
		:: true ->
			armed = true;	/* prepare_to_wait() */
			sum = 0;
			c = 0;		/* rundown_pcpu_holders(): one slot at a time */
			do
			:: c < NCPU -> sum = sum + slot[c]; c++
			:: else -> break
			od;
			assert(sum >= 0);
			if
			:: sum == 0 -> armed = false; break
			:: else ->
				woken;	/* schedule() until wake_up_var() */
				atomic { woken = false; armed = false }
			fi
		od;
		state = DEAD;
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
