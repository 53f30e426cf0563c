// SPDX-License-Identifier: GPL-2.0
/*
 * rundown_bench: run-down protection against the Linux mechanisms that do
 * the same job, side by side in one run.
 *
 * Loading the module runs the whole benchmark from its init function and
 * prints the results; the module then stays loaded doing nothing until it
 * is removed.
 *
 * Fast path (metric "fast"), in the manner of kernel/rcu/refscale.c: one
 * reader kthread per CPU, each bound to its CPU.  For every run, mechanism
 * and thread count T (in that nesting: every run sees all mechanisms under
 * the same conditions, and the thread counts of one mechanism back to back
 * so that their ratio can be taken run by run), the first T readers meet at
 * a start barrier, run one untimed section to warm up and go on running
 * sections until all have warmed up, then run one timed section of @loops
 * acquire+release pairs of a live object with interrupts disabled (unless
 * the mechanism may sleep, or irqsoff=0), and keep running sections until
 * all are done so that the last one still sees full contention.  The timed
 * section reads the clock @chunks times; a reader's time is its median
 * chunk times @chunks, over the chunks during which all other readers ran
 * too (see bench_reader_ns(): a busy host deschedules virtual CPUs, and
 * a reader left alone measures no contention).  An experiment in which
 * fewer than half the chunks were concurrent is repeated, up to @retries
 * times; metric "concurrency" reports that fraction.  chunks=1 times one
 * interval, as refscale does.  The result of an experiment is the sum of
 * the readers' times divided by T * loops: ns per pair, per thread.
 *
 * With one thread, each CPU's reader measures in turn and the figure is
 * their mean, as the figure for N threads is a mean over N CPUs: the
 * virtual CPUs of a busy host need not be equally fast.
 *
 * Ballast: while T readers measure, the readers of the other CPUs run the
 * empty loop, which shares nothing.  So every thread count runs on equally
 * busy CPUs: otherwise the 1-thread figure gets an idle SMT sibling, a
 * higher clock or, under emulation, a host that is less busy, and the
 * scaling figures measure that instead of the mechanism (ballast=0 leaves
 * the other CPUs idle, as refscale does).
 *
 * Teardown (metric "teardown"), for the mechanisms that have one: the
 * time from the start of the wait (or kill, or write lock) to its return,
 * (a) with no holder and (b) with one holder on another CPU that releases
 * as soon as it sees the teardown has started.  Each run takes the median
 * of @td_samples objects.  Metric "tput": objects created, used once, torn
 * down and freed per second, for @td_ms ms per run.  Metric "mem": the
 * memory one object costs.
 *
 * Output, one line each, prefixed "rundown_bench: ":
 *   raw <mechanism> <metric> <threads> <unit> <value of run 1> ...
 *   sum <mechanism> <metric> <threads> <median> <min> <max> <unit>
 *   mem <mechanism> embedded=<B> allocated=<B> slab=<B> percpu=<B> ...
 * bench/report.py turns them into bench/results.csv.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/wait.h>

#include "bench.h"

#define BENCH_MAX_RUNS		50
#define BENCH_MAX_CHUNKS	64
#define BENCH_HOLDER_SECS	10

static int nthreads;
module_param(nthreads, int, 0444);
MODULE_PARM_DESC(nthreads, "Reader threads, one per CPU (0: all online CPUs)");

static bool sweep = true;
module_param(sweep, bool, 0444);
MODULE_PARM_DESC(sweep, "Measure every thread count from 1 to nthreads, not only nthreads");

static int loops = 20000;
module_param(loops, int, 0444);
MODULE_PARM_DESC(loops, "Acquire+release pairs per timed section");

static int runs = 15;
module_param(runs, int, 0444);
MODULE_PARM_DESC(runs, "Runs of every measurement (median, min and max are reported)");

static char *mechanisms = "all";
module_param(mechanisms, charp, 0444);
MODULE_PARM_DESC(mechanisms, "Comma-separated mechanisms to measure, or \"all\"");

static char *metrics = "all";
module_param(metrics, charp, 0444);
MODULE_PARM_DESC(metrics, "Comma-separated metrics: fast, teardown, tput, mem, or \"all\"");

static int chunks = 20;
module_param(chunks, int, 0444);
MODULE_PARM_DESC(chunks, "Clock reads per timed section; a reader's time is the median chunk times chunks (1: one interval, as refscale)");

static int retries = 2;
module_param(retries, int, 0444);
MODULE_PARM_DESC(retries, "Repeat an experiment up to this many times while less than half its chunks ran concurrently");

static bool ballast = true;
module_param(ballast, bool, 0444);
MODULE_PARM_DESC(ballast, "Keep the CPUs that an experiment's readers leave idle busy with the empty loop, so that every thread count sees the same CPU and host state");

static bool irqsoff = true;
module_param(irqsoff, bool, 0444);
MODULE_PARM_DESC(irqsoff, "Time the fast path with interrupts disabled, as refscale does (mechanisms that may sleep always run with them enabled)");

static int td_samples = 5;
module_param(td_samples, int, 0444);
MODULE_PARM_DESC(td_samples, "Teardowns per run and case; the run's value is their median");

static int td_ms = 200;
module_param(td_ms, int, 0444);
MODULE_PARM_DESC(td_ms, "Milliseconds per run of the teardown throughput measurement");

#define BENCH_FAST	BIT(0)
#define BENCH_TEARDOWN	BIT(1)
#define BENCH_TPUT	BIT(2)
#define BENCH_MEM	BIT(3)

static const char *const bench_metric_names[] = {
	"fast", "teardown", "tput", "mem",
};

/**
 * struct bench_reader - one fast-path reader kthread
 * @task: the kthread
 * @wq: where it waits for the next experiment
 * @go: experiment number it is asked to run (written by the main thread)
 * @seen: experiment number it ran last
 * @cpu: the CPU it is bound to
 * @measure: it measures in this experiment (else it is ballast)
 * @ts: clock at the start of its last timed section and at the end of
 *	each of its chunks
 */
struct bench_reader {
	struct task_struct *task;
	wait_queue_head_t wq;
	unsigned long go;
	unsigned long seen;
	int cpu;
	bool measure;
	u64 ts[BENCH_MAX_CHUNKS + 1];
} ____cacheline_aligned_in_smp;

/**
 * struct bench_holder - the holder kthread of the teardown measurements
 * @task: the kthread
 * @wq: where it waits for an object to hold
 * @mech: mechanism of @obj
 * @obj: object to acquire, then release once its teardown has started
 * @request: an object is waiting to be held
 * @held: @obj is held
 * @done: @obj was released
 * @errors: acquires that failed and teardowns that were not seen to start
 * @cpu: the CPU it is bound to
 */
struct bench_holder {
	struct task_struct *task;
	wait_queue_head_t wq;
	const struct bench_mech *mech;
	void *obj;
	bool request;
	bool held;
	bool done;
	unsigned int errors;
	int cpu;
};

/*
 * What the readers of the current experiment share: those that measure run
 * @mech, the others (if any) are ballast until @stop.
 */
static struct {
	const struct bench_mech *mech;
	bool stop;
	atomic_t started ____cacheline_aligned_in_smp;
	atomic_t warm;
	atomic_t cool;
	atomic_t measuring;
	atomic_t done;
} bench_sync;

static DECLARE_WAIT_QUEUE_HEAD(bench_main_wq);
static struct bench_reader *bench_readers;
static struct bench_holder bench_holder;
static int *bench_cpus;
static int bench_ncpus;
static int bench_nreaders;
static unsigned int bench_errors;

/* Selected mechanisms, and the metrics asked for. */
static const struct bench_mech **bench_sel;
static unsigned int bench_nsel;
static unsigned int bench_metrics;

/* ---- the fast path ---- */

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Median of @n values (sorts them). */
static u64 bench_median(u64 *v, int n)
{
	sort(v, n, sizeof(*v), bench_cmp_u64, NULL);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Wait until every participant has decremented @a. */
static void bench_meet(atomic_t *a)
{
	if (atomic_dec_return(a))
		while (atomic_read_acquire(a))
			cpu_relax();
}

static bool bench_reader_woken(struct bench_reader *rd)
{
	/* Pairs with the release in bench_experiment_once(). */
	return smp_load_acquire(&rd->go) != rd->seen || kthread_should_stop();
}

static int bench_reader_fn(void *arg)
{
	struct bench_reader *rd = arg;
	const struct bench_mech *m;
	long per_chunk = loops / chunks;
	unsigned long flags = 0;
	bool irqs_off;
	int c;

	set_user_nice(current, MAX_NICE);
	for (;;) {
		wait_event_idle(rd->wq, bench_reader_woken(rd));
		if (kthread_should_stop())
			break;
		rd->seen = rd->go;
		m = bench_sync.mech;
		irqs_off = irqsoff && !m->irqs_on;
		WARN_ON_ONCE(raw_smp_processor_id() != rd->cpu);

		bench_meet(&bench_sync.started);
		if (!rd->measure) {
			/* Ballast: keep this CPU busy, touching nothing shared. */
			while (!smp_load_acquire(&bench_sync.stop))
				bench_ballast(per_chunk);
			goto done;
		}

		/*
		 * Warm up until everyone has, waiting in short sections so
		 * that the timed sections start within a chunk of each other.
		 */
		m->section(loops);
		if (atomic_dec_return(&bench_sync.warm))
			while (atomic_read_acquire(&bench_sync.warm))
				m->section(per_chunk);

		/* Timed in chunks: see bench_reader_ns(). */
		if (irqs_off)
			local_irq_save(flags);
		rd->ts[0] = ktime_get_mono_fast_ns();
		for (c = 1; c <= chunks; c++) {
			m->section(per_chunk);
			rd->ts[c] = ktime_get_mono_fast_ns();
		}
		if (irqs_off)
			local_irq_restore(flags);

		/* Keep the contention up until the last one is done. */
		if (atomic_dec_return(&bench_sync.cool))
			while (atomic_read_acquire(&bench_sync.cool))
				m->section(per_chunk);
		if (atomic_dec_and_test(&bench_sync.measuring))
			/* The ballast may stop: pairs with its acquire. */
			smp_store_release(&bench_sync.stop, true);
done:
		if (atomic_dec_and_test(&bench_sync.done))
			wake_up(&bench_main_wq);
	}
	return 0;
}

/* Did @rd start its section or end a chunk in (@start, @end]? */
static bool bench_ran_during(const struct bench_reader *rd, u64 start, u64 end)
{
	int c;

	for (c = 0; c <= chunks; c++)
		if (rd->ts[c] > start && rd->ts[c] <= end)
			return true;
	return false;
}

/*
 * Reader @i's time for its section, from its chunks.  A chunk counts only
 * if every other reader of the experiment read the clock during it, that
 * is ran at the same time: under emulation the host may deschedule a virtual
 * CPU, and the others then run alone.  The time is the median of those
 * chunks times @chunks (of all chunks if too few were concurrent); @conc
 * counts the concurrent ones.
 */
static u64 bench_reader_ns(int i, unsigned int *conc)
{
	const struct bench_reader *rd = &bench_readers[i];
	u64 d[BENCH_MAX_CHUNKS];
	int c, j, n = 0;
	bool all;

	for (c = 0; c < chunks; c++) {
		all = true;
		for (j = 0; j < bench_nreaders && all; j++)
			if (j != i && bench_readers[j].measure)
				all = bench_ran_during(&bench_readers[j],
						       rd->ts[c], rd->ts[c + 1]);
		if (all)
			d[n++] = rd->ts[c + 1] - rd->ts[c];
	}
	*conc += n;
	if (n >= max(chunks / 4, 1))
		return bench_median(d, n) * chunks;
	for (c = 0; c < chunks; c++)
		d[c] = rd->ts[c + 1] - rd->ts[c];
	return bench_median(d, chunks) * chunks;
}

/*
 * One experiment: readers @first to @first + @nr - 1 (modulo their number)
 * time @m.  Return picoseconds per pair; set @conc to the fraction of
 * chunks, in thousandths, that ran concurrently with all other readers.
 */
static u64 bench_experiment_once(const struct bench_mech *m, int nr,
				 int first, u64 *conc)
{
	int i, woken = 0;
	unsigned int n = 0;
	u64 sum = 0;

	for (i = 0; i < bench_nreaders; i++)
		bench_readers[i].measure =
			(i - first + bench_nreaders) % bench_nreaders < nr;

	bench_sync.mech = m;
	bench_sync.stop = false;
	atomic_set(&bench_sync.warm, nr);
	atomic_set(&bench_sync.cool, nr);
	atomic_set(&bench_sync.measuring, nr);
	/*
	 * Ballast on each CPU that no reader of this experiment uses (with
	 * one reader per CPU; more readers than CPUs get none).
	 */
	for (i = 0; i < bench_nreaders; i++)
		if (bench_readers[i].measure ||
		    (ballast && bench_nreaders <= bench_ncpus))
			woken++;
	atomic_set(&bench_sync.started, woken);
	atomic_set(&bench_sync.done, woken);
	for (i = 0; i < bench_nreaders; i++) {
		if (!bench_readers[i].measure &&
		    !(ballast && bench_nreaders <= bench_ncpus))
			continue;
		/* Publish the above before the reader starts. */
		smp_store_release(&bench_readers[i].go, bench_readers[i].go + 1);
		wake_up(&bench_readers[i].wq);
	}
	wait_event(bench_main_wq, !atomic_read(&bench_sync.done));
	for (i = 0; i < bench_nreaders; i++)
		if (bench_readers[i].measure)
			sum += bench_reader_ns(i, &n);
	*conc = div_u64((u64)n * 1000, nr * chunks);
	return div64_u64(sum * 1000, (u64)nr * (loops / chunks) * chunks);
}

/*
 * One experiment with @nr readers, repeated while most of its chunks did
 * not run concurrently.  With one reader, the time is the mean over the
 * readers of every CPU in turn: the figure for N readers is a mean over N
 * CPUs too, and the CPUs of a virtual machine need not be equally fast.
 */
static u64 bench_experiment(const struct bench_mech *m, int nr, u64 *conc)
{
	int try, first, nfirst = nr == 1 ? min(bench_nreaders, bench_ncpus) : 1;
	u64 ps, best_ps, c, best_c, sum_ps = 0, sum_c = 0;

	for (first = 0; first < nfirst; first++) {
		best_ps = 0;
		best_c = 0;
		for (try = 0; try <= retries; try++) {
			ps = bench_experiment_once(m, nr, first, &c);
			if (!try || c > best_c) {
				best_ps = ps;
				best_c = c;
			}
			if (best_c >= 500)
				break;
		}
		sum_ps += best_ps;
		sum_c += best_c;
	}
	*conc = div_u64(sum_c, nfirst);
	return div_u64(sum_ps, nfirst);
}

static void bench_stop_readers(void)
{
	int i;

	for (i = 0; i < bench_nreaders; i++)
		if (!IS_ERR_OR_NULL(bench_readers[i].task))
			kthread_stop(bench_readers[i].task);
	kfree(bench_readers);
	bench_readers = NULL;
}

static int bench_start_readers(int nr)
{
	struct task_struct *task;
	int i;

	bench_readers = kcalloc(nr, sizeof(*bench_readers), GFP_KERNEL);
	if (!bench_readers)
		return -ENOMEM;
	bench_nreaders = nr;
	for (i = 0; i < nr; i++) {
		struct bench_reader *rd = &bench_readers[i];

		init_waitqueue_head(&rd->wq);
		rd->cpu = bench_cpus[i % bench_ncpus];
		task = kthread_create(bench_reader_fn, rd, "rdbench/%d", i);
		if (IS_ERR(task)) {
			bench_stop_readers();
			return PTR_ERR(task);
		}
		kthread_bind(task, rd->cpu);
		rd->task = task;
		wake_up_process(task);
	}
	return 0;
}

/* ---- teardown ---- */

static bool bench_holder_woken(struct bench_holder *h)
{
	/* Pairs with the release in bench_td_once(). */
	return smp_load_acquire(&h->request) || kthread_should_stop();
}

static int bench_holder_fn(void *arg)
{
	struct bench_holder *h = arg;
	const struct bench_td_ops *td;
	unsigned long deadline;
	bool held;

	for (;;) {
		wait_event_idle(h->wq, bench_holder_woken(h));
		if (kthread_should_stop())
			break;
		WRITE_ONCE(h->request, false);
		td = h->mech->td;

		held = td->get(h->obj);
		if (!held)
			h->errors++;
		/* Pairs with the acquire in bench_td_once(). */
		smp_store_release(&h->held, true);
		wake_up(&bench_main_wq);

		/* Release as soon as the teardown is seen to have started. */
		deadline = jiffies + BENCH_HOLDER_SECS * HZ;
		while (!td->wait_started(h->obj)) {
			if (time_after(jiffies, deadline)) {
				h->errors++;
				break;
			}
			cpu_relax();
			cond_resched();
		}
		if (held)
			td->put(h->obj);
		/* The object is the waiter's again: pairs with its acquire. */
		smp_store_release(&h->done, true);
		wake_up(&bench_main_wq);
	}
	return 0;
}

/* Tear down one object (held by the holder thread if @holder): ns. */
static u64 bench_td_once(const struct bench_mech *m, bool holder)
{
	const struct bench_td_ops *td = m->td;
	struct bench_holder *h = &bench_holder;
	void *obj;
	u64 start, ns;

	obj = td->create();
	if (!obj) {
		bench_errors++;
		return 0;
	}
	/* Used once before, as in real life. */
	if (td->get(obj))
		td->put(obj);
	else
		bench_errors++;

	if (holder) {
		h->mech = m;
		h->obj = obj;
		h->held = false;
		h->done = false;
		/* Publish the above to the holder; pairs with its acquire. */
		smp_store_release(&h->request, true);
		wake_up(&h->wq);
		/* Pairs with the holder's release: it holds @obj now. */
		wait_event(bench_main_wq, smp_load_acquire(&h->held));
	}

	start = ktime_get_ns();
	td->teardown(obj);
	ns = ktime_get_ns() - start;

	if (holder)
		/* Pairs with the holder's release: it is done with @obj. */
		wait_event(bench_main_wq, smp_load_acquire(&h->done));
	td->destroy(obj);
	return ns;
}

/* Median teardown time of td_samples objects. */
static u64 bench_td_latency(const struct bench_mech *m, bool holder, u64 *buf)
{
	int i;

	for (i = 0; i < td_samples; i++) {
		buf[i] = bench_td_once(m, holder);
		cond_resched();
	}
	return bench_median(buf, td_samples);
}

/* Objects created, used once, torn down and freed per second, * 1000. */
static u64 bench_td_tput(const struct bench_mech *m)
{
	const struct bench_td_ops *td = m->td;
	u64 start = ktime_get_ns(), now;
	u64 n = 0;
	void *obj;

	do {
		obj = td->create();
		if (!obj) {
			bench_errors++;
			return 0;
		}
		if (td->get(obj))
			td->put(obj);
		else
			bench_errors++;
		td->teardown(obj);
		td->destroy(obj);
		n++;
		cond_resched();
		now = ktime_get_ns();
	} while (now - start < (u64)td_ms * NSEC_PER_MSEC || n < 3);
	return div64_u64(n * NSEC_PER_SEC * 1000, now - start);
}

/* ---- output ---- */

/* Print a value in thousandths with three decimals. */
static int bench_fmt(char *buf, size_t size, u64 v, bool milli)
{
	if (!milli)
		return scnprintf(buf, size, " %llu", v);
	return scnprintf(buf, size, " %llu.%03llu", div_u64(v, 1000),
			 v % 1000);
}

/* One raw line with every run's value, one summary line. */
static void bench_print(const char *mech, const char *metric, int threads,
			const char *unit, u64 *v, int n, bool milli)
{
	char line[16 + BENCH_MAX_RUNS * 24], s[3][24];
	u64 lo = U64_MAX, hi = 0, med;
	int i, len = 0;

	for (i = 0; i < n; i++) {
		len += bench_fmt(line + len, sizeof(line) - len, v[i], milli);
		lo = min(lo, v[i]);
		hi = max(hi, v[i]);
	}
	pr_info("raw %s %s %d %s%s\n", mech, metric, threads, unit, line);
	med = bench_median(v, n);
	bench_fmt(s[0], sizeof(s[0]), med, milli);
	bench_fmt(s[1], sizeof(s[1]), lo, milli);
	bench_fmt(s[2], sizeof(s[2]), hi, milli);
	pr_info("sum %s %s %d%s%s%s %s\n", mech, metric, threads, s[0], s[1],
		s[2], unit);
}

static void bench_print_mem(const struct bench_mech *m)
{
	struct bench_mem mem = {};
	size_t total, slab;

	m->mem(&mem);
	if (!mem.allocated_slab)
		mem.allocated_slab = mem.allocated;
	total = mem.embedded + mem.allocated + mem.percpu;
	slab = mem.embedded + mem.allocated_slab + mem.percpu;
	pr_info("mem %s embedded=%zu allocated=%zu slab=%zu percpu=%zu total=%zu total_slab=%zu possible_cpus=%u\n",
		m->name, mem.embedded, mem.allocated, mem.allocated_slab,
		mem.percpu, total, slab, num_possible_cpus());
	pr_info("sum %s mem_bytes %u %zu %zu %zu B\n", m->name,
		num_possible_cpus(), total, total, total);
	pr_info("sum %s mem_slab_bytes %u %zu %zu %zu B\n", m->name,
		num_possible_cpus(), slab, slab, slab);
}

/* ---- the phases ---- */

static int bench_fast(void)
{
	int nthr = sweep ? bench_nreaders : 1, t, r, i, threads;
	unsigned long gp;
	u64 *res, *conc;
	size_t n = array3_size(bench_nsel, nthr, runs);

	res = kcalloc(n, sizeof(*res), GFP_KERNEL);
	conc = kcalloc(n, sizeof(*conc), GFP_KERNEL);
	if (!res || !conc) {
		kfree(res);
		kfree(conc);
		return -ENOMEM;
	}

	for (r = 0; r < runs; r++) {
		gp = get_state_synchronize_rcu();
		pr_info("fast path: run %d of %d\n", r + 1, runs);
		for (i = 0; i < bench_nsel; i++) {
			for (t = 0; t < nthr; t++) {
				threads = sweep ? t + 1 : bench_nreaders;
				n = (i * nthr + t) * runs + r;
				res[n] = bench_experiment(bench_sel[i], threads,
							  &conc[n]);
			}
		}
		/* RCU grace periods slow the readers that use RCU down. */
		pr_info("fast path: run %d: RCU gp_seq advanced by %lu\n",
			r + 1, get_state_synchronize_rcu() - gp);
	}

	for (i = 0; i < bench_nsel; i++) {
		for (t = 0; t < nthr; t++) {
			threads = sweep ? t + 1 : bench_nreaders;
			n = (i * nthr + t) * runs;
			bench_print(bench_sel[i]->name, "ns_per_pair", threads,
				    "ns", &res[n], runs, true);
			if (threads > 1)
				bench_print(bench_sel[i]->name, "concurrency",
					    threads, "fraction", &conc[n], runs,
					    true);
		}
	}
	kfree(conc);
	kfree(res);
	return 0;
}

static int bench_teardown(void)
{
	struct bench_holder *h = &bench_holder;
	u64 *idle, *hold, *tput, *buf;
	const struct bench_mech *m;
	int i, r, err = -ENOMEM;

	idle = kcalloc(array_size(bench_nsel, runs), sizeof(*idle), GFP_KERNEL);
	hold = kcalloc(array_size(bench_nsel, runs), sizeof(*hold), GFP_KERNEL);
	tput = kcalloc(array_size(bench_nsel, runs), sizeof(*tput), GFP_KERNEL);
	buf = kcalloc(td_samples, sizeof(*buf), GFP_KERNEL);
	if (!idle || !hold || !tput || !buf)
		goto out;

	/* The waiter on the first CPU, the holder on the second. */
	init_waitqueue_head(&h->wq);
	h->cpu = bench_cpus[1 % bench_ncpus];
	h->task = kthread_create(bench_holder_fn, h, "rdbench/holder");
	if (IS_ERR(h->task)) {
		err = PTR_ERR(h->task);
		goto out;
	}
	kthread_bind(h->task, h->cpu);
	wake_up_process(h->task);
	set_cpus_allowed_ptr(current, cpumask_of(bench_cpus[0]));

	/* Warm up: one of each, not counted. */
	for (i = 0; i < bench_nsel; i++) {
		m = bench_sel[i];
		if (!m->td)
			continue;
		bench_td_once(m, false);
		bench_td_once(m, true);
	}

	for (r = 0; r < runs; r++) {
		pr_info("teardown: run %d of %d\n", r + 1, runs);
		for (i = 0; i < bench_nsel; i++) {
			m = bench_sel[i];
			if (!m->td)
				continue;
			if (bench_metrics & BENCH_TEARDOWN) {
				idle[i * runs + r] = bench_td_latency(m, false, buf);
				hold[i * runs + r] = bench_td_latency(m, true, buf);
			}
			if (bench_metrics & BENCH_TPUT)
				tput[i * runs + r] = bench_td_tput(m);
		}
	}

	set_cpus_allowed_ptr(current, cpu_possible_mask);
	kthread_stop(h->task);
	bench_errors += h->errors;

	for (i = 0; i < bench_nsel; i++) {
		m = bench_sel[i];
		if (!m->td)
			continue;
		if (bench_metrics & BENCH_TEARDOWN) {
			bench_print(m->name, "teardown_ns_idle", 1, "ns",
				    &idle[i * runs], runs, false);
			bench_print(m->name, "teardown_ns_holder", 2, "ns",
				    &hold[i * runs], runs, false);
		}
		if (bench_metrics & BENCH_TPUT)
			bench_print(m->name, "teardown_per_s", 1, "objects/s",
				    &tput[i * runs], runs, true);
	}
	err = 0;
out:
	kfree(buf);
	kfree(tput);
	kfree(hold);
	kfree(idle);
	return err;
}

/* ---- parameters ---- */

/* Parse a comma-separated list: call @fn on each item. */
static int bench_parse_list(const char *list, int (*fn)(const char *item))
{
	char *copy, *cur, *item;
	int err = 0;

	copy = kstrdup(list, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	cur = copy;
	while (!err && (item = strsep(&cur, ",")))
		if (*item)
			err = fn(strim(item));
	kfree(copy);
	return err;
}

static int bench_add_mech(const char *name)
{
	unsigned int i, j;

	for (i = 0; i < bench_nr_mechs; i++) {
		if (strcmp(name, "all") && strcmp(name, bench_mechs[i]->name))
			continue;
		for (j = 0; j < bench_nsel; j++)
			if (bench_sel[j] == bench_mechs[i])
				break;
		if (j == bench_nsel)
			bench_sel[bench_nsel++] = bench_mechs[i];
		if (strcmp(name, "all"))
			return 0;
	}
	if (!strcmp(name, "all"))
		return 0;
	pr_err("unknown mechanism \"%s\"\n", name);
	for (i = 0; i < bench_nr_mechs; i++)
		pr_err("known mechanism: %s\n", bench_mechs[i]->name);
	return -EINVAL;
}

static int bench_add_metric(const char *name)
{
	unsigned int i;

	if (!strcmp(name, "all")) {
		bench_metrics = BENCH_FAST | BENCH_TEARDOWN | BENCH_TPUT |
				BENCH_MEM;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(bench_metric_names); i++) {
		if (!strcmp(name, bench_metric_names[i])) {
			bench_metrics |= BIT(i);
			return 0;
		}
	}
	pr_err("unknown metric \"%s\"; known: fast, teardown, tput, mem, all\n",
	       name);
	return -EINVAL;
}

static int bench_check_params(void)
{
	int err;

	if (runs < 1 || runs > BENCH_MAX_RUNS || chunks < 1 || retries < 0 ||
	    chunks > BENCH_MAX_CHUNKS || loops < chunks || td_samples < 1 ||
	    td_ms < 0 || nthreads < 0) {
		pr_err("need 1 <= runs <= %d, 1 <= chunks <= %d, loops >= chunks, td_samples >= 1, td_ms >= 0, nthreads >= 0\n",
		       BENCH_MAX_RUNS, BENCH_MAX_CHUNKS);
		return -EINVAL;
	}
	bench_sel = kcalloc(bench_nr_mechs, sizeof(*bench_sel), GFP_KERNEL);
	if (!bench_sel)
		return -ENOMEM;
	err = bench_parse_list(mechanisms, bench_add_mech);
	if (!err)
		err = bench_parse_list(metrics, bench_add_metric);
	if (!err && (!bench_nsel || !bench_metrics)) {
		pr_err("nothing to measure\n");
		err = -EINVAL;
	}
	return err;
}

static int bench_online_cpus(void)
{
	int cpu;

	bench_cpus = kcalloc(nr_cpu_ids, sizeof(*bench_cpus), GFP_KERNEL);
	if (!bench_cpus)
		return -ENOMEM;
	cpus_read_lock();
	for_each_online_cpu(cpu)
		bench_cpus[bench_ncpus++] = cpu;
	cpus_read_unlock();
	return 0;
}

static int __init rundown_bench_init(void)
{
	unsigned int i;
	long failures;
	int err;

	err = bench_check_params();
	if (!err)
		err = bench_online_cpus();
	if (!err)
		err = bench_mech_init();
	if (err)
		goto out_free;

	pr_info("begin kernel=%s online_cpus=%d possible_cpus=%u nr_cpu_ids=%u nthreads=%d sweep=%d loops=%d chunks=%d retries=%d ballast=%d runs=%d irqsoff=%d td_samples=%d td_ms=%d HZ=%d\n",
		utsname()->release, bench_ncpus, num_possible_cpus(),
		nr_cpu_ids, nthreads ? nthreads : bench_ncpus, sweep, loops,
		chunks, retries, ballast, runs, irqsoff, td_samples, td_ms, HZ);
	for (i = 0; i < bench_nsel; i++)
		pr_info("mech %s irqs=%s teardown=%s api=%s\n",
			bench_sel[i]->name,
			irqsoff && !bench_sel[i]->irqs_on ? "off" : "on",
			bench_sel[i]->td ? "yes" : "no", bench_sel[i]->api);

	if (bench_metrics & BENCH_FAST) {
		err = bench_start_readers(nthreads ? nthreads : bench_ncpus);
		if (!err) {
			err = bench_fast();
			bench_stop_readers();
		}
		if (err)
			goto out_exit;
	}
	if (bench_metrics & (BENCH_TEARDOWN | BENCH_TPUT)) {
		err = bench_teardown();
		if (err)
			goto out_exit;
	}
	if (bench_metrics & BENCH_MEM)
		for (i = 0; i < bench_nsel; i++)
			bench_print_mem(bench_sel[i]);

	failures = bench_mech_failures();
	pr_info("end errors=%u failed_acquires=%ld\n", bench_errors, failures);
out_exit:
	bench_mech_exit();
out_free:
	kfree(bench_cpus);
	kfree(bench_sel);
	return err;
}

static void __exit rundown_bench_exit(void)
{
}

module_init(rundown_bench_init);
module_exit(rundown_bench_exit);

MODULE_DESCRIPTION("Benchmark of run-down protection against percpu_ref, SRCU, percpu-rwsem, refcount_t, rcuref and kernfs active references");
MODULE_AUTHOR("The rundown developers");
MODULE_LICENSE("GPL");
