/*
 * Promela model of the cache-aware run-down protocol of rundown/pcpu_ref.c.
 * See model/README.md for how each part maps to the C code, what is
 * checked, and which broken variants (MUTANT_*) spin must reject.
 *
 * NCPU CPUs; NHOLDER holder threads, each of which ROUNDS times acquires a
 * count on one CPU and releases it on a CPU chosen nondeterministically (so
 * cross-CPU releases happen), the count chosen from 0..1 by the first
 * holder, 1..MAXCOUNT by the second, 0..MAXCOUNT by the others (by every
 * holder with ALLCOUNTS); an owner that waits, reinitialises and waits
 * again (WAITS waits); and WAITERS other threads that call the wait once
 * each, so that two waits run concurrently (either may be the one that
 * closes the ref; the other sleeps on the wait queue until the first has
 * finished).
 *
 * Spin explores interleavings under sequential consistency, with one
 * exception: the first waiter's final store of DEAD goes through an explicit
 * store buffer, because that store and wake_up_var()'s lockless check of the
 * wait queue are a store-buffering pair (see end_wait()).
 */

#ifndef NCPU
#define NCPU	2
#endif
#ifndef NHOLDER
#define NHOLDER	2
#endif
#ifndef ROUNDS
#define ROUNDS	2	/* acquire attempts per holder */
#endif
#ifndef MAXCOUNT
#define MAXCOUNT 2	/* holders pick a count in 0..MAXCOUNT */
#endif
#ifndef WAITS
#define WAITS	2	/* waits by the owner, with a reinit in between */
#endif
#ifndef WAITERS
#define WAITERS	1	/* other threads that wait once, concurrently */
#endif

#define NWAIT	(1 + WAITERS)	/* threads that call the wait */

#define LIVE	0
#define WAITING	1
#define DEAD	2

/* ---- the object ---- */
byte state = LIVE;		/* ref->state, as seen by every other CPU */
short slot[NCPU];		/* ref->slots[cpu].count (wraps in C) */
bool late = false;		/* ref->late_release */
bool published = false;		/* ref->waiter != NULL */

/* ---- the CPUs, the tasks and the wait queue ---- */
bool in_section[NCPU];		/* an irq-disabled fast-path section runs */
bool armed = false;		/* the draining waiter is TASK_UNINTERRUPTIBLE */
bool woken = false;		/* wake_up_process() set it running again */
bool sb_full = false;		/* the DEAD store is still in the store buffer */
bool queued[NWAIT];		/* on the wait queue of &ref->state */
bool wq_woken[NWAIT];		/* woken by wake_up_var() */

/* ---- ghost state for the assertions ---- */
byte gen = 0;			/* generation: LIVE phase g is ended by wait g */
byte done_gen = 0;		/* waits 0 .. done_gen-1 have stored DEAD */
byte inside = 0;		/* holders with a count > 0 between acquire and release */
bool closed = false;		/* the IPI round of the current wait is complete */

/*
 * Every access a release makes to the object asserts that the wait of the
 * generation its acquire belonged to has not returned: from then on the
 * owner may free the object (or has reinitialised it for new holders).
 * The wait counts as returned from its store of DEAD on, the earliest
 * point at which a concurrent waiter may return.  TOUCH_ONLY=k keeps only
 * the assertion at access k (1 the state read, 2 the late_release write,
 * 3 the slot update, 4 the read of ref->waiter and the wake-up), to show
 * which accesses a broken variant gets wrong.
 */
#define TOUCH(g)	assert(done_gen <= (g))
#if !defined(TOUCH_ONLY) || TOUCH_ONLY == 1
#define TOUCH_STATE(g)	TOUCH(g)
#else
#define TOUCH_STATE(g)	skip
#endif
#if !defined(TOUCH_ONLY) || TOUCH_ONLY == 2
#define TOUCH_LATE(g)	TOUCH(g)
#else
#define TOUCH_LATE(g)	skip
#endif
#if !defined(TOUCH_ONLY) || TOUCH_ONLY == 3
#define TOUCH_SLOT(g)	TOUCH(g)
#else
#define TOUCH_SLOT(g)	skip
#endif
#if !defined(TOUCH_ONLY) || TOUCH_ONLY == 4
#define TOUCH_WAITER(g)	TOUCH(g)
#else
#define TOUCH_WAITER(g)	skip
#endif

/* Pick a CPU whose interrupts are enabled and disable them. */
inline enter_section(c)
{
	if
	:: !in_section[0] -> c = 0
	:: !in_section[1] -> c = 1
#if NCPU > 2
	:: !in_section[2] -> c = 2
#endif
	fi;
	in_section[c] = true
}

/*
 * rundown_pcpu_release_many(ref, n) on some CPU c for a hold acquired in
 * generation g.  A count of 0 returns at once and touches nothing.
 * The last step of each path also clears the holder's locals, so that
 * states differing only in dead locals are one state.
 */
inline release(n, g, c, s)
{
	atomic {
		enter_section(c);	/* local_irq_save() */
		if :: n > 0 -> inside-- :: else -> skip fi;
		s = state;		/* READ_ONCE(ref->state) */
		TOUCH_STATE(g);
#ifndef TOUCH_ONLY
		assert(s != DEAD)	/* misuse; reported in C */
#endif
	};
	if
	:: s == WAITING ->
		/* rundown_pcpu_release_waiting() */
		atomic { TOUCH_LATE(g); late = true };	/* then smp_mb() */
		atomic { TOUCH_SLOT(g); slot[c] = slot[c] - n };
#ifndef MUTANT_NO_WAKE
		/* smp_mb(); READ_ONCE(ref->waiter); wake_up_process() */
		atomic {
			TOUCH_WAITER(g);
			if :: published && armed -> woken = true :: else -> skip fi;
			in_section[c] = false;	/* local_irq_restore() */
			c = 0; s = 0; n = 0; g = 0
		}
#else
		atomic { in_section[c] = false; c = 0; s = 0; n = 0; g = 0 }
#endif
	:: else ->
		atomic {
			TOUCH_SLOT(g);
			slot[c] = slot[c] - n;
			in_section[c] = false;
			c = 0; s = 0; n = 0; g = 0
		}
	fi
}

/* A holder thread: ROUNDS acquire attempts, each of a count in lo..hi. */
proctype holder(byte lo; byte hi)
{
	byte c, s, n, g, round = 0;

	do
	:: round < ROUNDS ->
		atomic {
			round++;
			if
			:: lo == 0 -> n = 0
			:: lo <= 1 && hi >= 1 -> n = 1
			:: hi >= 2 -> n = 2
			fi;
			if
			:: n == 0 ->
				/* rundown_pcpu_acquire_many(ref, 0): only tests LIVE */
				s = state; g = gen;
				assert(s != LIVE || !closed)
			:: else ->
				/* local_irq_save(); smp_load_acquire(&ref->state) */
				enter_section(c); s = state; g = gen
			fi
		};
		if
		:: n == 0 && s == LIVE ->
			/* ... nothing held; the matching release of 0 ... */
#ifdef MUTANT_ZERO_RELEASE
			release(n, g, c, s)
#else
			atomic { s = 0; g = 0 }
#endif
		:: n == 0 && s != LIVE ->
			atomic { s = 0; g = 0 }
		:: n > 0 && s == LIVE ->
			atomic {
				slot[c] = slot[c] + n;	/* rundown_pcpu_add() */
				/* Safety 1: no acquire succeeds once all CPUs are closed. */
				assert(!closed);
				inside++;
				in_section[c] = false;	/* local_irq_restore() */
				c = 0
			};
			/* ... the holder uses the object, maybe migrates ... */
			release(n, g, c, s)
		:: n > 0 && s != LIVE ->
			/* acquire fails, no write */
			atomic { in_section[c] = false; c = 0; s = 0; n = 0; g = 0 }
		fi
	:: else -> break
	od
}

/* on_each_cpu(rundown_pcpu_fence): taken on each CPU between two sections. */
inline ipi_round(c)
{
	c = 0;
	do
	:: c < NCPU -> atomic { !in_section[c] -> c++ }
	:: else -> c = 0; break
	od
}

/* rundown_pcpu_holders(): one slot at a time. */
inline sum_slots(c, sum)
{
	atomic { sum = slot[0]; c = 1 };
	do
	:: c < NCPU -> atomic { sum = sum + slot[c]; c++ }
	:: else -> break
	od;
	atomic { assert(sum >= 0); c = 0 }
}

/* Drain the store buffer of the first waiter's CPU. */
inline flush()
{
	atomic { if :: sb_full -> state = DEAD; sb_full = false :: else -> skip fi }
}

/*
 * The end of rundown_pcpu_wait() by the first waiter g:
 *	smp_mb(); WRITE_ONCE(ref->state, DEAD); smp_mb(); wake_up_var(&ref->state);
 * wake_up_var() reads the wait queue without its lock (waitqueue_active())
 * and takes the lock only if it is not empty; taking it drains the store
 * buffer (a locked instruction).  The second waiter adds itself to the queue
 * and then, after a full barrier, reads the state: without the barrier
 * between the store and the check, both may read the old values.
 */
inline end_wait(g, i)
{
	atomic {
		/* Safety 2: the wait never returns while a holder is inside. */
		assert(inside == 0);
		sb_full = true;		/* WRITE_ONCE(ref->state, DEAD), buffered */
		done_gen = g + 1	/* from here on, the wait has returned */
	};
#ifndef MUTANT_NO_WAKE_BARRIER
	flush();			/* smp_mb() */
#else
	if :: flush() :: skip fi;	/* the buffer may drain by itself */
#endif
	/* waitqueue_active(): one lockless read of the queue's head */
	atomic {
		i = 0;
		do
		:: i < NWAIT && !queued[i] -> i++
		:: else -> break
		od
	};
	if
	:: i < NWAIT ->
		/* __wake_up(): lock (drains the buffer), wake and dequeue all */
		atomic {
			flush();
			i = 0;
			do
			:: i < NWAIT ->
				if
				:: queued[i] -> wq_woken[i] = true; queued[i] = false
				:: else -> skip
				fi;
				i++
			:: else -> break
			od;
			i = 0
		}
	:: else -> i = 0
	fi;
	flush()				/* the store becomes visible eventually */
}

/*
 * wait_var_event(&ref->state, READ_ONCE(ref->state) != WAITING) by waiter
 * me, which found the wait of generation g in progress.  The check before
 * the loop is the read in rundown_pcpu_close() that saw WAITING.
 */
inline wait_other(me, g, s)
{
	do
	:: s != WAITING -> break
	:: else ->
		/*
		 * prepare_to_wait_event(): add to the queue under its lock,
		 * set_current_state() (a full barrier)
		 */
		atomic { queued[me] = true; wq_woken[me] = false };
		/* the condition; finish_wait() if it holds */
		atomic { s = state; if :: s != WAITING -> queued[me] = false :: else -> skip fi };
		if
		:: s == WAITING -> wq_woken[me]	/* schedule() until woken */
		:: else -> skip
		fi
	od;
	/* It returns only once the wait it joined has stored DEAD. */
	assert(done_gen > g)
}

/*
 * rundown_pcpu_wait() by waiter me (0 is the owner); WAITS waits with
 * rundown_pcpu_reinit() in between if reinit is set.
 */
proctype waiter(byte me; byte waits; bool reinit)
{
	byte c, s, g, i, n = 0;
	short sum;
	bool first;

	do
	:: n < waits ->
		n++;
		/* rundown_pcpu_close() */
		atomic { s = state; g = gen; first = false };
		do
		:: s == WAITING -> break
#ifndef MUTANT_INVERTED_RUNDOWN_TEST
		:: s == LIVE ->
#else
		:: s == DEAD ->	/* mutant: tries to close a DEAD ref */
#endif
			/* try_cmpxchg(&ref->state, &s, WAITING) */
			atomic {
				if
				:: state == s -> state = WAITING; g = gen; first = true
				:: else -> s = state; g = gen
				fi
			};
			if :: first -> break :: else -> skip fi
		:: else -> break
		od;
		if
		:: first ->
			/* on_each_cpu(): every section ends, later ones see WAITING */
#ifndef MUTANT_NO_IPI
			ipi_round(c);
#endif
			closed = true;
			sum_slots(c, sum);
			if
			:: sum > 0 ->
				/* rundown_pcpu_drain() */
				published = true;	/* ref->waiter = current */
				do
				:: true ->
					armed = true;	/* set_current_state() */
					sum_slots(c, sum);
					if
					:: sum == 0 -> atomic { armed = false; woken = false }; break
					:: else ->
						woken;	/* schedule() until woken */
						atomic { woken = false; armed = false }
					fi
				od
			:: else -> skip
			fi;
			/* smp_rmb(); second on_each_cpu() if a release saw WAITING */
			if
			:: late ->
#ifndef MUTANT_NO_SECOND_FENCE
				ipi_round(c);
#endif
				late = false
			:: else -> skip
			fi;
			published = false;	/* ref->waiter = NULL */
			end_wait(g, i)
		:: !first && s == WAITING ->
			wait_other(me, g, s)
		:: else ->
			/* "already run down": returns at once */
			assert(done_gen > g)
		fi;
		atomic { s = 0; g = 0; first = false; sum = 0 };
		/* rundown_pcpu_reinit(): one store if DEAD, else misuse */
		if
		:: reinit && n < waits ->
			atomic {
				if
				:: state == DEAD -> closed = false; gen++; state = LIVE
				:: else -> skip
				fi
			}
		:: else -> skip
		fi
	:: else -> break
	od
}

/* Counts of holder i: 0..1, 1..MAXCOUNT, then 0..MAXCOUNT. */
#ifndef ALLCOUNTS
#define LO(i)	(i == 1 -> 1 : 0)
#define HI(i)	(i == 0 -> 1 : MAXCOUNT)
#else
#define LO(i)	0
#define HI(i)	MAXCOUNT
#endif

init
{
	byte i;

	atomic {
		i = 0;
		do
		:: i < NHOLDER -> run holder(LO(i), HI(i)); i++
		:: else -> break
		od;
		run waiter(0, WAITS, true);
		i = 1;
		do
		:: i < NWAIT -> run waiter(i, 1, false); i++
		:: else -> i = 0; break
		od
	}
}
