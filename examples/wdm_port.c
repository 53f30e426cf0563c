// SPDX-License-Identifier: GPL-2.0
/*
 * wdm_port: a Windows driver ported to Linux with run-down protection.
 *
 * The scenario of a file-system filter that hands every I/O request to a
 * scan provider (think "the antivirus driver"), written the way the Windows
 * driver was: only the Windows names of <rundown/wdm.h>.
 *
 *  - The provider is an object with a magic, a generation number and a
 *    Scan() callback.  It is guarded by cache-aware run-down protection,
 *    because every request on every CPU takes it.
 *  - One requester thread per online CPU, bound to it, sends "I/O
 *    requests": acquire, call Provider->Scan(), release.  An acquire that
 *    is refused because a replacement is in progress counts as refused.
 *  - One replacement thread replaces the provider several times: wait for
 *    run-down, poison the old provider (it stays poisoned until the next
 *    replacement, so a stale access would see the poison rather than freed
 *    memory), build a new one, publish it, reinitialise the run-down ref.
 *  - The requesters hold the driver's own unload protection, a plain
 *    EX_RUNDOWN_REF, like open handles: the unload path waits for it
 *    before it tears anything down.
 *
 * A stale access is one that sees the poison or a generation that has
 * already been replaced; run-down protection makes it impossible, and the
 * module checks that it never happens.  Everything runs from module_init,
 * which prints a summary and a last line for scripts:
 *
 *   wdm_port: result ok served=N refused=N replacements=N stale=0
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/poison.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <rundown/wdm.h>

static unsigned int duration_ms = 3000;
module_param(duration_ms, uint, 0444);
MODULE_PARM_DESC(duration_ms, "How long the requesters send I/O (ms, default 3000)");

static unsigned int replacements = 5;
module_param(replacements, uint, 0444);
MODULE_PARM_DESC(replacements, "How many times the provider is replaced (default 5)");

#define AV_PROVIDER_ALIVE	0x53434e52	/* "SCNR" */
#define AV_POOL_TAG		0x6e616353	/* 'nacS' */
#define PORT_MAX_REPLACEMENTS	1000

struct _AV_PROVIDER;
struct _PORT_REQUESTER;

/* The provider's callback, declared the way Windows declares DRIVER_DISPATCH. */
typedef BOOLEAN AV_SCAN_ROUTINE(struct _AV_PROVIDER *Provider,
				struct _PORT_REQUESTER *Requester);

/* The scan provider: what run-down protection guards. */
typedef struct _AV_PROVIDER {
	ULONG Magic;
	ULONG Generation;
	AV_SCAN_ROUTINE *Scan;
} AV_PROVIDER, *PAV_PROVIDER;

/* One requester thread; only that thread writes the counters. */
typedef struct _PORT_REQUESTER {
	struct task_struct *Thread;
	ULONG Cpu;
	u64 Served;
	u64 Refused;
	u64 Stale;
} PORT_REQUESTER, *PPORT_REQUESTER;

/* The driver's global state, its "device extension". */
typedef struct _PORT_EXTENSION {
	PEX_RUNDOWN_REF_CACHE_AWARE ProviderRundown;
	PAV_PROVIDER Provider;
	PAV_PROVIDER Retired;
	ULONG RetiredGeneration;
	ULONG ReplacementsDone;
	EX_RUNDOWN_REF UnloadRundown;
	BOOLEAN Unloading;
	PPORT_REQUESTER *Requesters;
	struct task_struct *Replacer;
	struct completion ReplacerDone;
} PORT_EXTENSION;

static PORT_EXTENSION Port;

/* A stale access: the poison, or a generation already replaced. */
static BOOLEAN AvProviderIsLive(PAV_PROVIDER Provider)
{
	return READ_ONCE(Provider->Magic) == AV_PROVIDER_ALIVE &&
	       READ_ONCE(Provider->Generation) >
	       READ_ONCE(Port.RetiredGeneration);
}

/* The provider's callback: "scan" the request. */
static BOOLEAN AvScan(PAV_PROVIDER Provider, PPORT_REQUESTER Requester)
{
	return AvProviderIsLive(Provider);
}

static PAV_PROVIDER AvCreateProvider(ULONG Generation)
{
	PAV_PROVIDER Provider = kzalloc(sizeof(*Provider), GFP_KERNEL);

	if (!Provider)
		return NULL;
	Provider->Magic = AV_PROVIDER_ALIVE;
	Provider->Generation = Generation;
	Provider->Scan = AvScan;
	return Provider;
}

/* Poison a provider that nobody may use any more; freed one step later. */
static VOID AvRetireProvider(PAV_PROVIDER Provider)
{
	WRITE_ONCE(Port.RetiredGeneration, Provider->Generation);
	memset(Provider, POISON_FREE, sizeof(*Provider));
	kfree(Port.Retired);
	Port.Retired = Provider;
}

/* One I/O request: the hot path, on the requester's own CPU. */
static VOID PortSendRequest(PPORT_REQUESTER Requester)
{
	PAV_PROVIDER Provider;

	if (!ExAcquireRundownProtectionCacheAware(Port.ProviderRundown)) {
		/* A replacement is in progress: fail the request. */
		Requester->Refused++;
		return;
	}
	Provider = READ_ONCE(Port.Provider);
	if (AvProviderIsLive(Provider) && Provider->Scan(Provider, Requester))
		Requester->Served++;
	else
		Requester->Stale++;
	ExReleaseRundownProtectionCacheAware(Port.ProviderRundown);
}

/* Sleep until kthread_stop(): a kthread must not exit on its own. */
static VOID PortWaitForStop(VOID)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

/* Holds unload protection (acquired for it by its creator) until unload. */
static int PortRequesterThread(PVOID Context)
{
	PPORT_REQUESTER Requester = Context;

	while (!READ_ONCE(Port.Unloading)) {
		PortSendRequest(Requester);
		cond_resched();
	}
	ExReleaseRundownProtection(&Port.UnloadRundown);
	PortWaitForStop();
	return 0;
}

/* Replace the provider once; FALSE if no new provider could be built. */
static BOOLEAN PortReplaceProvider(VOID)
{
	PAV_PROVIDER Old = Port.Provider;
	PAV_PROVIDER New = AvCreateProvider(Old->Generation + 1);

	if (!New)
		return FALSE;

	/* From here on requests are refused; wait for those in flight. */
	ExWaitForRundownProtectionReleaseCacheAware(Port.ProviderRundown);
	AvRetireProvider(Old);
	/* Keep the poisoned provider visible for a moment. */
	usleep_range(1000, 2000);
	WRITE_ONCE(Port.Provider, New);
	/* Publishes the new provider: acquires succeed again. */
	ExReInitializeRundownProtectionCacheAware(Port.ProviderRundown);
	return TRUE;
}

static int PortReplacerThread(PVOID Context)
{
	unsigned int Interval = max(duration_ms / (replacements + 1), 1U);

	while (Port.ReplacementsDone < replacements) {
		msleep(Interval);
		if (!PortReplaceProvider())
			break;
		Port.ReplacementsDone++;
	}
	msleep(Interval);
	complete(&Port.ReplacerDone);
	PortWaitForStop();
	return 0;
}

static int PortStartRequester(ULONG Cpu)
{
	PPORT_REQUESTER Requester = kzalloc(sizeof(*Requester), GFP_KERNEL);

	if (!Requester)
		return -ENOMEM;
	Requester->Cpu = Cpu;
	Requester->Thread = kthread_create(PortRequesterThread, Requester,
					   "wdm_port/%u", Cpu);
	if (IS_ERR(Requester->Thread)) {
		int Status = PTR_ERR(Requester->Thread);

		kfree(Requester);
		return Status;
	}
	kthread_bind(Requester->Thread, Cpu);
	/* Like an open handle: released by the thread when it stops. */
	ExAcquireRundownProtection(&Port.UnloadRundown);
	Port.Requesters[Cpu] = Requester;
	wake_up_process(Requester->Thread);
	return 0;
}

/*
 * The unload path: no new "opens", wait for every requester to leave the
 * driver, stop the threads, then tear the provider down.
 */
static BOOLEAN PortStop(VOID)
{
	BOOLEAN LateOpenRefused;
	ULONG Cpu;

	WRITE_ONCE(Port.Unloading, TRUE);
	ExWaitForRundownProtectionRelease(&Port.UnloadRundown);
	LateOpenRefused = !ExAcquireRundownProtection(&Port.UnloadRundown);
	if (!LateOpenRefused)
		ExReleaseRundownProtection(&Port.UnloadRundown);

	for (Cpu = 0; Cpu < nr_cpu_ids; Cpu++) {
		if (Port.Requesters[Cpu])
			kthread_stop(Port.Requesters[Cpu]->Thread);
	}

	ExWaitForRundownProtectionReleaseCacheAware(Port.ProviderRundown);
	AvRetireProvider(Port.Provider);
	kfree(Port.Retired);
	Port.Retired = NULL;
	Port.Provider = NULL;
	ExFreeCacheAwareRundownProtection(Port.ProviderRundown);
	return LateOpenRefused;
}

static VOID PortReport(unsigned int Threads, s64 ElapsedMs,
		       BOOLEAN LateOpenRefused)
{
	u64 Served = 0, Refused = 0, Stale = 0;
	BOOLEAN Ok;
	ULONG Cpu;

	for (Cpu = 0; Cpu < nr_cpu_ids; Cpu++) {
		PPORT_REQUESTER Requester = Port.Requesters[Cpu];

		if (!Requester)
			continue;
		Served += Requester->Served;
		Refused += Requester->Refused;
		Stale += Requester->Stale;
		kfree(Requester);
	}
	Ok = !Stale && Served && LateOpenRefused &&
	     Port.ReplacementsDone == replacements;

	pr_info("%u requester threads (one per online CPU) sent I/O for %lld ms\n",
		Threads, ElapsedMs);
	pr_info("requests served:   %llu\n", Served);
	pr_info("requests refused:  %llu (while the provider was replaced)\n",
		Refused);
	pr_info("replacements done: %u of %u\n", Port.ReplacementsDone,
		replacements);
	pr_info("stale accesses:    %llu (must be 0)\n", Stale);
	pr_info("unload protection: open after unload wait %s\n",
		LateOpenRefused ? "refused" : "ACCEPTED");
	pr_info("result %s served=%llu refused=%llu replacements=%u stale=%llu\n",
		Ok ? "ok" : "not ok", Served, Refused, Port.ReplacementsDone,
		Stale);
}

static int __init PortDriverEntry(void)
{
	unsigned int Threads = 0;
	BOOLEAN LateOpenRefused;
	ktime_t Start;
	ULONG Cpu;
	int Status;

	if (replacements > PORT_MAX_REPLACEMENTS || !duration_ms)
		return -EINVAL;

	Port.Requesters = kcalloc(nr_cpu_ids, sizeof(*Port.Requesters),
				  GFP_KERNEL);
	if (!Port.Requesters)
		return -ENOMEM;
	ExInitializeRundownProtection(&Port.UnloadRundown);
	init_completion(&Port.ReplacerDone);
	Port.ProviderRundown =
		ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, AV_POOL_TAG);
	Port.Provider = AvCreateProvider(1);
	if (!Port.ProviderRundown || !Port.Provider) {
		kfree(Port.Provider);
		ExFreeCacheAwareRundownProtection(Port.ProviderRundown);
		kfree(Port.Requesters);
		return -ENOMEM;
	}

	pr_info("replacing the scan provider %u times while every CPU sends I/O\n",
		replacements);
	Start = ktime_get();
	for_each_online_cpu(Cpu) {
		Status = PortStartRequester(Cpu);
		if (Status)
			goto Stop;
		Threads++;
	}

	Port.Replacer = kthread_run(PortReplacerThread, NULL, "wdm_port/replace");
	if (IS_ERR(Port.Replacer)) {
		Status = PTR_ERR(Port.Replacer);
		goto Stop;
	}
	wait_for_completion(&Port.ReplacerDone);
	kthread_stop(Port.Replacer);
	Status = 0;
Stop:
	LateOpenRefused = PortStop();
	PortReport(Threads, ktime_ms_delta(ktime_get(), Start), LateOpenRefused);
	kfree(Port.Requesters);
	return Status;
}

static VOID __exit PortDriverUnload(VOID)
{
	pr_info("unloaded\n");
}

module_init(PortDriverEntry);
module_exit(PortDriverUnload);

MODULE_DESCRIPTION("Example: a Windows driver port using cache-aware run-down protection");
MODULE_AUTHOR("The rundown developers");
MODULE_LICENSE("GPL");
