/*
 * Promela model of the plain run-down protocol of rundown/ref.c: one word,
 * and a wait block on the waiter's stack while a wait is in progress.  See
 * model/README.md for the mapping to the C code, what is checked, and the
 * broken variants (MUTANT_*) that spin must reject.
 *
 * NHOLDER holder threads, each of which ROUNDS times acquires a count and
 * releases it (counts 0..1 for the first holder, 1..2 for the others); an
 * owner that waits, reinitialises and waits again (WAITS waits); and
 * WAITERS other threads that wait once each.
 *
 * Every update of the word and of a wait block's count is a fully ordered
 * atomic read-modify-write, so the model is sequentially consistent, with
 * one exception: the first waiter's final store of RUNDOWN_ACTIVE goes
 * through an explicit store buffer, because it and wake_up_var()'s lockless
 * check of the wait queue are a store-buffering pair.
 */

#ifndef NHOLDER
#define NHOLDER	2
#endif
#ifndef ROUNDS
#define ROUNDS	2
#endif
#ifndef WAITS
#define WAITS	2
#endif
#ifndef WAITERS
#define WAITERS	1
#endif

#define NWAIT	(1 + WAITERS)

/*
 * The word: holders << 1 while live (bit 0 clear), ACTIVE when run down,
 * and while a wait is in progress the address of the waiter's block with
 * bit 0 set.  Waiter i's block is always at the same address, BLOCK(i):
 * the same thread calling rundown_wait() from the same place reuses its
 * stack frame.
 */
#define ACTIVE		1
#define BLOCK(i)	(3 + 2 * (i))
#define BLOCK_OF(w)	(((w) - 3) / 2)
#define TAGGED(w)	((w) % 2 == 1)

short word = 0;			/* ref->count */

/* The waiters' stack frames: struct rundown_wait_block. */
short wb_count[NWAIT];		/* wb->count */
bool wb_done[NWAIT];		/* wb->done completed */

/* The CPU of the first waiter, the tasks, the wait queue of ref. */
bool sb_full = false;		/* the ACTIVE store is still in the store buffer */
bool queued[NWAIT];		/* on the wait queue of ref (wait_var_event) */
bool wq_woken[NWAIT];		/* woken by wake_up_var() */

/* Ghost state for the assertions. */
byte gen = 0;			/* generation: LIVE phase g is ended by wait g */
byte done_gen = 0;		/* waits 0 .. done_gen-1 have returned */
bool wb_live[NWAIT];		/* the frame is in the wait that published it */
byte wb_gen[NWAIT];		/* the generation whose wait it is */
byte inside = 0;		/* holders with a count > 0 between acquire and release */

/*
 * A release of a hold from generation g: every access to the word asserts
 * that the wait of g has not returned (the owner may free the ref), every
 * access to a wait block that the block is still in the wait of g.
 * TOUCH_ONLY=1 keeps only the assertions on the word, TOUCH_ONLY=2 only
 * those on the wait block.
 */
#if !defined(TOUCH_ONLY) || TOUCH_ONLY == 1
#define TOUCH(g)	assert(done_gen <= (g))
#else
#define TOUCH(g)	skip
#endif
#if !defined(TOUCH_ONLY) || TOUCH_ONLY == 2
#define TOUCH_WB(b, g)	assert(wb_live[b] && wb_gen[b] == (g))
#else
#define TOUCH_WB(b, g)	skip
#endif
/* The misuse checks, left out when only one kind of access is asserted. */
#ifndef TOUCH_ONLY
#define MISUSE(c)	assert(!(c))
#else
#define MISUSE(c)	skip
#endif

/* rundown_release_many(ref, n) for a hold acquired in generation g. */
inline release(n, g, w, b, left, ok)
{
	/* The cmpxchg loop on the word; it takes effect at its last access. */
	atomic {
		w = word;
		TOUCH(g);
		if :: n > 0 -> inside-- :: else -> skip fi;
		if
		:: !TAGGED(w) ->
			MISUSE(w < 2 * n);	/* reported and refused in C */
			word = w - 2 * n
		:: else ->
			MISUSE(w == ACTIVE)	/* "already run down" */
		fi
	};
	if
	:: TAGGED(w) && w != ACTIVE ->
		/* rundown_release_waiting() */
		b = BLOCK_OF(w);
		atomic { TOUCH_WB(b, g); left = wb_count[b] };
		do
		:: atomic {
			TOUCH_WB(b, g);
			MISUSE(left < n);	/* refused in C */
			if
			:: wb_count[b] == left -> wb_count[b] = left - n; break
			:: else -> left = wb_count[b]
			fi
		   }
		od;
		if
		:: left == n ->
			/* complete(&wb->done) */
			atomic { TOUCH_WB(b, g); wb_done[b] = true }
		:: else -> skip
		fi
	:: else -> skip
	fi;
	atomic { w = 0; b = 0; left = 0; n = 0; g = 0; ok = false }
}

proctype holder(byte lo; byte hi)
{
	byte n, g, b, round = 0;
	bool ok;
	short left, w;

	do
	:: round < ROUNDS ->
		atomic {
			round++;
			if
			:: lo == 0 -> n = 0
			:: lo <= 1 && hi >= 1 -> n = 1
			:: hi >= 2 -> n = 2
			fi;
			/* rundown_acquire_many(): the cmpxchg loop, as one step */
			w = word; g = gen;
			if
			:: !TAGGED(w) && n > 0 -> word = w + 2 * n; ok = true; inside++
			:: !TAGGED(w) && n == 0 -> ok = true	/* only tests bit 0 */
			:: else -> ok = false
			fi;
			w = 0
		};
		if
		:: ok && n == 0 ->
			/* nothing held: rundown_release_many(ref, 0) returns at once */
#ifdef MUTANT_ZERO_RELEASE
			release(n, g, w, b, left, ok)
#else
			atomic { ok = false; g = 0 }
#endif
		:: ok && n > 0 ->
			/* ... the holder uses the object ... */
			release(n, g, w, b, left, ok)
		:: else ->
			atomic { n = 0; g = 0 }
		fi
	:: else -> break
	od
}

inline flush()
{
	atomic { if :: sb_full -> word = ACTIVE; sb_full = false :: else -> skip fi }
}

/*
 * The end of rundown_wait() by the first waiter, after the completion:
 *	atomic_long_set_release(&ref->count, ACTIVE); smp_mb(); wake_up_var(ref);
 */
inline end_wait(i)
{
	sb_full = true;			/* the store, buffered */
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

/* rundown_wait_other(): wait_var_event(ref, ref->count != old). */
inline wait_other(me, old, s)
{
	s = old;
	do
	:: s != old -> break
	:: else ->
		atomic { queued[me] = true; wq_woken[me] = false };
		atomic { s = word; if :: s != old -> queued[me] = false :: else -> skip fi };
		if
		:: s == old -> wq_woken[me]	/* schedule() until woken */
		:: else -> skip
		fi
	od
}

/* rundown_wait() by waiter me (0 is the owner). */
proctype waiter(byte me; byte waits; bool reinit)
{
	short old, s;
	byte g, i, n = 0;
	bool first, pub;

	do
	:: n < waits ->
		n++;
		wb_done[me] = false;		/* init_completion(&wb.done) */
		/* rundown_close(), old starting at 0 */
		do
		:: TAGGED(old) -> break
		:: old == 0 ->
			atomic {
				if
				:: word == 0 ->
					/* no holders: plain ACTIVE, the wait is over */
					word = ACTIVE; g = gen; first = true;
					assert(inside == 0);
					done_gen = g + 1
				:: else -> old = word; g = gen
				fi
			};
			if :: first -> break :: else -> skip fi
		:: old > 0 && !TAGGED(old) ->
			wb_count[me] = old / 2;
			atomic {
				if
				:: word == old ->
					word = BLOCK(me); g = gen; first = true; pub = true;
					wb_live[me] = true; wb_gen[me] = g
				:: else -> old = word; g = gen
				fi
			};
			if :: first -> break :: else -> skip fi
		od;
		if
		:: pub ->
			/* rundown_wait_holders(): wait_for_completion() */
			atomic {
				wb_done[me];
				/* Safety 2: the wait never returns while a holder is inside. */
				assert(inside == 0);
				wb_live[me] = false;
				done_gen = g + 1
			};
			end_wait(i)
		:: first && !pub ->
			skip	/* closed with no holders */
		:: !first && old != ACTIVE ->
			/* another thread's wait: returns once it is over */
			wait_other(me, old, s);
			assert(done_gen > g)
		:: !first && old == ACTIVE ->
			/* already run down */
			assert(done_gen > g)
		fi;
		atomic { old = 0; s = 0; g = 0; first = false; pub = false };
		/* rundown_reinit() */
		if
		:: reinit && n < waits ->
			atomic {
				if
				:: word == ACTIVE -> gen++; word = 0
				:: else -> skip
				fi
			}
		:: else -> skip
		fi
	:: else -> break
	od
}

/* Counts of holder i: 0..1 for the first, 1..2 for the others. */
#define LO(i)	(i == 0 -> 0 : 1)
#define HI(i)	(i == 0 -> 1 : 2)

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
