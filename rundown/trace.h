/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the rundown module: events/rundown/ in tracefs, usable
 * from trace-cmd and perf ("trace-cmd record -e rundown").
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM rundown

#if !defined(_RUNDOWN_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _RUNDOWN_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(rundown_acquire_refused,
	TP_PROTO(const void *ref, bool pcpu, unsigned int count),
	TP_ARGS(ref, pcpu, count),
	TP_STRUCT__entry(
		__field(const void *, ref)
		__field(bool, pcpu)
		__field(unsigned int, count)
	),
	TP_fast_assign(
		__entry->ref = ref;
		__entry->pcpu = pcpu;
		__entry->count = count;
	),
	TP_printk("ref=%p %s count=%u", __entry->ref,
		  __entry->pcpu ? "pcpu" : "plain", __entry->count)
);

TRACE_EVENT(rundown_wait_start,
	TP_PROTO(const void *ref, bool pcpu, long holders),
	TP_ARGS(ref, pcpu, holders),
	TP_STRUCT__entry(
		__field(const void *, ref)
		__field(bool, pcpu)
		__field(long, holders)
	),
	TP_fast_assign(
		__entry->ref = ref;
		__entry->pcpu = pcpu;
		__entry->holders = holders;
	),
	TP_printk("ref=%p %s holders=%ld", __entry->ref,
		  __entry->pcpu ? "pcpu" : "plain", __entry->holders)
);

TRACE_EVENT(rundown_wait_end,
	TP_PROTO(const void *ref, bool pcpu, long holders, u64 duration_ns),
	TP_ARGS(ref, pcpu, holders, duration_ns),
	TP_STRUCT__entry(
		__field(const void *, ref)
		__field(bool, pcpu)
		__field(long, holders)
		__field(u64, duration_ns)
	),
	TP_fast_assign(
		__entry->ref = ref;
		__entry->pcpu = pcpu;
		__entry->holders = holders;
		__entry->duration_ns = duration_ns;
	),
	TP_printk("ref=%p %s holders_met=%ld duration_ns=%llu", __entry->ref,
		  __entry->pcpu ? "pcpu" : "plain", __entry->holders,
		  __entry->duration_ns)
);

#endif /* _RUNDOWN_TRACE_H */

/* An out-of-tree module: look for this header next to its sources. */
#undef TRACE_INCLUDE_PATH
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
