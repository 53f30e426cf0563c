#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a rundown_bench console log into results.csv, a plot and tables.

Reads the "rundown_bench: raw|mem|sum|begin|mech|end" lines of the log
(bench/main.c documents them) and the CSV rows and table of static.py, and
writes:

  --csv   mechanism,metric,threads,median,min,max,unit
  --svg   ns per pair and throughput scaling against threads (gnuplot)
  --text  the tables, the targets of the benchmark issue and the run's
          conditions (also printed)

Metrics derived here from the per-run values of the log:
  pairs_per_s  threads * 1e9 / ns_per_pair, for each run
  scaling      pairs_per_s at N threads / pairs_per_s at 1 thread, for each
               run (the thread counts of one run are measured back to back)
Ratios between mechanisms are taken run by run as well, then the median.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

LINE_RE = re.compile(r'rundown_bench: (\w+) (.*)$')

# The run-down flavours the targets are about: the Windows names.
CA, PLAIN = 'rundown_ca_wdm', 'rundown_plain_wdm'
CA_L, PLAIN_L = 'rundown_ca', 'rundown_plain'


def fnum(v):
    if isinstance(v, int):
        return '%d' % v
    if abs(v) >= 1000:
        return '%.0f' % v
    return '%.3f' % v


class Run:
    def __init__(self):
        self.params = {}
        self.mechs = []
        self.api = {}
        self.irqs = {}
        self.raw = {}         # (mech, metric, threads) -> (unit, [values])
        self.mem = {}         # mech -> {field: int}
        self.end = None

    def parse(self, path):
        with open(path, errors='replace') as f:
            for line in f:
                m = LINE_RE.search(line.rstrip('\n'))
                if not m:
                    continue
                kind, rest = m.groups()
                if kind == 'begin':
                    self.params = dict(kv.split('=', 1)
                                       for kv in rest.split())
                elif kind == 'mech':
                    name, rest = rest.split(' ', 1)
                    self.mechs.append(name)
                    self.irqs[name] = re.search(r'irqs=(\w+)', rest).group(1)
                    self.api[name] = rest.split('api=', 1)[1]
                elif kind == 'raw':
                    mech, metric, threads, unit, *vals = rest.split()
                    self.raw[(mech, metric, int(threads))] = (
                        unit, [float(v) for v in vals])
                elif kind == 'mem':
                    mech, *kvs = rest.split()
                    self.mem[mech] = {k: int(v) for k, v in
                                      (kv.split('=') for kv in kvs)}
                elif kind == 'end':
                    self.end = rest
        if not self.raw and not self.mem:
            sys.exit('report: no rundown_bench results in ' + path)

    def values(self, mech, metric, threads):
        return self.raw.get((mech, metric, threads), (None, None))[1]

    def threads(self):
        return sorted({t for (_, metric, t) in self.raw
                       if metric == 'ns_per_pair'})


def stats(vals):
    return statistics.median(vals), min(vals), max(vals)


def derive(run):
    """CSV rows: (mechanism, metric, threads, median, min, max, unit)."""
    rows = []
    threads = run.threads()
    for mech in run.mechs:
        base = run.values(mech, 'ns_per_pair', 1)
        for t in threads:
            ns = run.values(mech, 'ns_per_pair', t)
            if not ns:
                continue
            rows.append((mech, 'ns_per_pair', t, *stats(ns), 'ns'))
            tput = [t * 1e9 / v for v in ns]
            rows.append((mech, 'pairs_per_s', t, *stats(tput), 'pairs/s'))
            if base:
                sc = [t * b / v for b, v in zip(base, ns)]
                rows.append((mech, 'scaling', t, *stats(sc), 'x'))
            conc = run.values(mech, 'concurrency', t)
            if conc:
                rows.append((mech, 'concurrency', t, *stats(conc),
                             'fraction'))
        for metric, t in (('teardown_ns_idle', 1), ('teardown_ns_holder', 2),
                          ('teardown_per_s', 1)):
            raw = run.raw.get((mech, metric, t))
            if raw:
                rows.append((mech, metric, t, *stats(raw[1]), raw[0]))
        mem = run.mem.get(mech)
        if mem:
            cpus = mem['possible_cpus']
            for metric, key in (('mem_bytes', 'total'),
                                ('mem_slab_bytes', 'total_slab')):
                rows.append((mech, metric, cpus, mem[key], mem[key],
                             mem[key], 'B'))
    return rows


def read_static(path):
    rows = []
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                mech, metric, t, med, lo, hi, unit = line.strip().split(',')
                rows.append((mech, metric, int(t), int(med), int(lo),
                             int(hi), unit))
    return rows


def write_csv(path, rows):
    with open(path, 'w') as f:
        f.write('mechanism,metric,threads,median,min,max,unit\n')
        for r in rows:
            f.write('%s,%s,%d,%s,%s,%s,%s\n' %
                    (r[0], r[1], r[2], fnum(r[3]), fnum(r[4]), fnum(r[5]),
                     r[6]))


def ratio(run, a, b, metric, t):
    """Median over runs of a/b, with min and max, or None."""
    va, vb = run.values(a, metric, t), run.values(b, metric, t)
    if not va or not vb:
        return None
    return stats([x / y for x, y in zip(va, vb)])


def cell(row):
    if row is None:
        return '-'
    return '%s [%s..%s]' % (fnum(row[3]), fnum(row[4]), fnum(row[5]))


def tables(run, rows, static_table, host):
    idx = {(r[0], r[1], r[2]): r for r in rows}
    out = []
    threads = run.threads()
    p = run.params
    out.append('rundown_bench on %s: %s online CPUs, %s possible; '
               'loops=%s runs=%s td_samples=%s td_ms=%s' %
               (p.get('kernel', '?'), p.get('online_cpus', '?'),
                p.get('possible_cpus', '?'), p.get('loops', '?'),
                p.get('runs', '?'), p.get('td_samples', '?'),
                p.get('td_ms', '?')))
    out.append('values: median [min..max] over runs; TCG: absolute times '
               'mean little, compare within the run; "concurrent": median '
               'fraction of timed chunks during which all threads ran')
    out.append('')

    w = max(len(m) for m in run.mechs) + 1
    head = '%-*s' % (w, 'ns per acquire+release')
    for t in threads:
        head += ' %26s' % ('%d thread%s' % (t, 's' if t > 1 else ''))
    if len(threads) > 1:
        head += ' %24s %10s' % ('scaling at %d' % threads[-1], 'concurrent')
    out.append(head)
    for mech in run.mechs:
        if not run.values(mech, 'ns_per_pair', threads[0] if threads else 1):
            continue
        line = '%-*s' % (w, mech)
        for t in threads:
            line += ' %26s' % cell(idx.get((mech, 'ns_per_pair', t)))
        if len(threads) > 1:
            line += ' %24s' % cell(idx.get((mech, 'scaling', threads[-1])))
            conc = idx.get((mech, 'concurrency', threads[-1]))
            line += ' %10s' % ('%.2f' % conc[3] if conc else '-')
        line += '  irqs %s' % run.irqs.get(mech, '?')
        out.append(line)
    out.append('')

    td = [m for m in run.mechs if (m, 'teardown_ns_idle', 1) in idx or
          (m, 'teardown_per_s', 1) in idx]
    if td:
        out.append('%-*s %26s %26s %30s' % (w, 'teardown', 'no holder (ns)',
                                            'one holder (ns)',
                                            'objects per second'))
        for mech in td:
            out.append('%-*s %26s %26s %30s' % (
                w, mech, cell(idx.get((mech, 'teardown_ns_idle', 1))),
                cell(idx.get((mech, 'teardown_ns_holder', 2))),
                cell(idx.get((mech, 'teardown_per_s', 1)))))
        out.append('')

    if run.mem:
        out.append('%-*s %9s %10s %10s %8s %8s %10s' % (
            w, 'memory per object (B)', 'embedded', 'allocated', '(slab)',
            'per-CPU', 'total', 'total slab'))
        for mech in run.mechs:
            m = run.mem.get(mech)
            if m:
                out.append('%-*s %9d %10d %10d %8d %8d %10d' % (
                    w, mech, m['embedded'], m['allocated'], m['slab'],
                    m['percpu'], m['total'], m['total_slab']))
        out.append('  (per-CPU and cache-aware sizes for %s possible CPUs)' %
                   p.get('possible_cpus', '?'))
        out.append('')

    if static_table:
        out.append('static fast path (objdump; one acquire+release through '
                   'the bench module\'s bench_pair_* function, then each '
                   'exported rundown function alone)')
        out.append(static_table.rstrip())
        out.append('')

    out.extend(targets(run, idx))
    out.append('')
    out.append(conditions(host, run))
    return '\n'.join(out) + '\n'


def verdict(ok):
    return 'MET' if ok else 'MISSED'


def targets(run, idx):
    out = ['targets (ratios within this one run)']
    threads = run.threads()
    n = threads[-1] if threads else 1

    # (a) scaling
    sc = idx.get((CA, 'scaling', 2))
    if sc:
        others = ', '.join('%s %.2fx' % (m, idx[(m, 'scaling', 2)][3])
                           for m in (PLAIN, 'refcount', 'kernfs_active',
                                     'atomic_long', 'percpu_ref', 'this_cpu')
                           if (m, 'scaling', 2) in idx)
        shared = [idx[(m, 'scaling', 2)][3] for m in (PLAIN, 'refcount')
                  if (m, 'scaling', 2) in idx]
        flat = bool(shared) and max(shared) < 1.5
        out.append('(a) %s: %s throughput at 2 threads = %.2fx its 1-thread '
                   'throughput [%.2f..%.2f] (target >= 1.9x); shared-word '
                   'mechanisms %s (target: visibly below, < 1.5x): %s' %
                   (verdict(sc[3] >= 1.9 and flat), CA, sc[3], sc[4], sc[5],
                    'do not scale' if flat else 'DO scale', others))
        ceil = [(m, idx[(m, 'scaling', 2)][3]) for m in ('this_cpu', 'empty')
                if (m, 'scaling', 2) in idx]
        if ceil:
            out.append('    the ceiling of this run: floors that share '
                       'nothing scale %s; %s reaches %.0f%% of the better '
                       'one' % (', '.join('%s %.2fx' % c for c in ceil), CA,
                                100 * sc[3] / max(c[1] for c in ceil)))
        conc = [idx[(m, 'concurrency', 2)][3] for m in run.mechs
                if (m, 'concurrency', 2) in idx]
        if conc and min(conc) < 0.8:
            out.append('    warning: in some 2-thread experiments the '
                       'threads mostly did not run at the same time '
                       '(lowest median concurrency %.2f): the host was busy, '
                       'the scaling figures are less reliable' % min(conc))
    else:
        out.append('(a) n/a: no 2-thread measurement')

    # (b) cost against percpu_ref, static shape
    for mech in (CA, CA_L):
        for t in sorted({1, n}):
            r = ratio(run, mech, 'percpu_ref', 'ns_per_pair', t)
            if r:
                out.append('(b) %s: %s / percpu_ref ns per pair at %d '
                           'thread%s = %.3f [%.3f..%.3f] (target <= 1)' %
                           (verdict(r[0] <= 1.0), mech, t,
                            's' if t > 1 else '', *r))
    acq = idx.get(('ExAcquireRundownProtectionCacheAware', 'static_locked',
                   1))
    rel = idx.get(('ExReleaseRundownProtectionCacheAware', 'static_locked',
                   1))
    if acq and rel:
        out.append('(b) %s: locked instructions: acquire %d, release %d '
                   '(target <= 1 each); fences: acquire %d, release %d; '
                   'stores other than stack and %%gs: acquire %d, release %d '
                   '(the CPU\'s own slot)' % (
                       verdict(acq[3] <= 1 and rel[3] <= 1), acq[3], rel[3],
                       idx[('ExAcquireRundownProtectionCacheAware',
                            'static_fences', 1)][3],
                       idx[('ExReleaseRundownProtectionCacheAware',
                            'static_fences', 1)][3],
                       idx[('ExAcquireRundownProtectionCacheAware',
                            'static_st_mem', 1)][3],
                       idx[('ExReleaseRundownProtectionCacheAware',
                            'static_st_mem', 1)][3]))

    # (c) plain against refcount
    for mech in (PLAIN, PLAIN_L):
        for t in sorted({1, n}):
            r = ratio(run, mech, 'refcount', 'ns_per_pair', t)
            if r:
                out.append('(c) %s: %s / refcount ns per pair at %d '
                           'thread%s = %.3f [%.3f..%.3f] (target <= 1.1)' %
                           (verdict(r[0] <= 1.1), mech, t,
                            's' if t > 1 else '', *r))

    # (d) teardown
    r = ratio(run, 'percpu_ref', CA, 'teardown_ns_idle', 1)
    if r:
        ca = idx[(CA, 'teardown_ns_idle', 1)]
        pr = idx[('percpu_ref', 'teardown_ns_idle', 1)]
        out.append('(d) %s: teardown with no holder: percpu_ref %s ns / %s '
                   '%s ns = %.1fx [%.1f..%.1f] (target >= 10x)' %
                   (verdict(r[0] >= 10), fnum(pr[3]), CA, fnum(ca[3]), *r))
    r = ratio(run, CA, 'percpu_ref', 'teardown_per_s', 1)
    if r:
        out.append('(d) %s: teardown throughput: %s / percpu_ref = %.1fx '
                   '[%.1f..%.1f] (%s vs %s objects/s; target > 1)' %
                   (verdict(r[0] > 1), CA, *r,
                    fnum(idx[(CA, 'teardown_per_s', 1)][3]),
                    fnum(idx[('percpu_ref', 'teardown_per_s', 1)][3])))

    # (e) memory
    ca, pr = run.mem.get(CA), run.mem.get('percpu_ref')
    if ca and pr:
        cpus = ca['possible_cpus']
        out.append('(e) memory with %d possible CPUs: %s %d B (slab %d B) = '
                   'header + (nr_cpu_ids + 1) x 64 B lines; percpu_ref %d B '
                   '(slab %d B) = %d embedded + %d data + 8 x %d per-CPU' %
                   (cpus, CA, ca['total'], ca['total_slab'], pr['total'],
                    pr['total_slab'], pr['embedded'], pr['allocated'],
                    cpus))
    # What the virtual CPUs are: a word that both write must move between
    # their caches; if that costs nothing, they share a cache (SMT
    # siblings of one host core, or one core) and no shared-word
    # mechanism can show its contention in this run.
    al = idx.get(('atomic_long', 'ns_per_pair', n))
    al1 = idx.get(('atomic_long', 'ns_per_pair', 1))
    if al and al1 and n > 1:
        slow = al[3] / al1[3]
        out.append('environment: a shared atomic_long costs %.2fx per pair at '
                   '%d threads what it costs at 1 thread: %s' %
                   (slow, n, 'the cache line moves between the virtual CPUs'
                    if slow >= 1.3 else 'the cache line does NOT move '
                    'between the virtual CPUs (they share a cache, e.g. SMT '
                    'siblings of one host core): shared-word contention is '
                    'invisible in this run'))
    if run.end:
        out.append('benchmark end: ' + run.end)
    return out


def conditions(host, run):
    kv = dict(x.split('=', 1) for x in host.split()) if host else {}
    if not kv:
        return ''
    cpus, hz = int(kv['cpus']), int(kv['hz'])
    wall = max(int(kv['wall_s']), 1)
    busy = int(kv['busy_ticks']) / hz / wall / cpus * 100
    qemu = int(kv['qemu_ticks']) / hz / wall / cpus * 100
    return ('host: %d CPUs; during the %d s QEMU run they were %.0f%% busy: '
            '%.0f%% this QEMU, %.0f%% other processes; load average %s '
            'before, %s after; guest -smp %s, QEMU niceness %s, '
            'kernel %s' %
            (cpus, wall, busy, qemu, max(busy - qemu, 0),
             kv['loadavg_before'], kv['loadavg_after'], kv['smp'],
             kv.get('nice', '?'), kv['kernel']))


# Line styles: run-down protection bold, other mechanisms plain, floors and
# baselines dashed.
COLORS = ['#d62728', '#ff7f0e', '#8c564b', '#e377c2', '#1f77b4', '#2ca02c',
          '#17becf', '#9467bd', '#bcbd22', '#7f7f7f', '#000000', '#393b79',
          '#637939', '#843c39', '#5254a3', '#8ca252']
FLOORS = ('atomic_long', 'this_cpu', 'this_cpu_irq', 'empty')


def style(i, mech):
    lw = 3 if mech.startswith('rundown') else 1.5
    dt = 2 if mech in FLOORS else 1
    return 'lw %g dt %d pt %d ps 0.8 lc rgb "%s"' % (
        lw, dt, i % 13 + 1, COLORS[i % len(COLORS)])


def plot(run, rows, path):
    idx = {(r[0], r[1], r[2]): r for r in rows}
    threads = run.threads()
    mechs = [m for m in run.mechs if (m, 'ns_per_pair', 1) in idx]
    if not threads or not mechs:
        return
    term = ('pngcairo size 1500,650 font "sans,10"' if path.endswith('.png')
            else 'svg size 1500,650 dynamic font "sans,10"')
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, 'data')
        with open(data, 'w') as f:
            for i, mech in enumerate(mechs):
                f.write('# %s\n' % mech)
                # Spread the mechanisms a little, so that their error
                # bars do not hide each other.
                dx = (i - (len(mechs) - 1) / 2) * 0.012
                for t in threads:
                    ns = idx.get((mech, 'ns_per_pair', t))
                    sc = idx.get((mech, 'scaling', t))
                    if ns and sc:
                        f.write('%g %g %g %g %g %g %g\n' %
                                (t + dx, ns[3], ns[4], ns[5], sc[3], sc[4],
                                 sc[5]))
                f.write('\n\n')
        script = [
            'set terminal ' + term,
            'set termoption noenhanced',
            'set output "%s"' % path,
            'set multiplot layout 1,2 margins 0.06,0.86,0.1,0.86 '
            'spacing 0.08 title "rundown_bench on %s, %s guest CPUs, '
            'QEMU TCG: median and min..max of %s runs" font ",12"'
            % (run.params.get('kernel', ''),
               run.params.get('online_cpus', ''),
               run.params.get('runs', '')),
            'set xlabel "threads"', 'set xtics 1', 'set grid',
            'set xrange [0.8:%g]' % (threads[-1] + 0.2),
            'unset key', 'set logscale y', 'set yrange [5:*]',
            'set ylabel "ns per acquire+release"',
            'set title "cost per pair (log scale)"']
        cmds = ['"%s" index %d using 1:2:3:4 with yerrorlines %s '
                'title "%s"' % (data, i, style(i, m), m)
                for i, m in enumerate(mechs)]
        script.append('plot ' + ', '.join(cmds))
        script += ['unset logscale y', 'set yrange [0:*]',
                   'set ylabel "throughput / 1-thread throughput"',
                   'set title "throughput scaling (dashed black: ideal)"',
                   'set key at screen 0.995,0.86 top right font ",9" '
                   'spacing 1.1']
        cmds = ['x with lines dt 3 lw 1 lc rgb "black" title "ideal"']
        cmds += ['"%s" index %d using 1:5:6:7 with yerrorlines %s '
                 'title "%s"' % (data, i, style(i, m), m)
                 for i, m in enumerate(mechs)]
        script.append('plot ' + ', '.join(cmds))
        script.append('unset multiplot')
        subprocess.run(['gnuplot'], input='\n'.join(script) + '\n',
                       text=True, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--log', required=True)
    ap.add_argument('--csv', required=True)
    ap.add_argument('--svg')
    ap.add_argument('--text')
    ap.add_argument('--static-csv')
    ap.add_argument('--static-table')
    ap.add_argument('--host', default='')
    args = ap.parse_args()

    run = Run()
    run.parse(args.log)
    rows = derive(run) + read_static(args.static_csv)
    write_csv(args.csv, rows)
    static_table = ''
    if args.static_table and os.path.exists(args.static_table):
        with open(args.static_table) as f:
            static_table = f.read()
    text = tables(run, rows, static_table, args.host)
    sys.stdout.write(text)
    if args.text:
        with open(args.text, 'w') as f:
            f.write(text)
    if args.svg:
        plot(run, rows, args.svg)


if __name__ == '__main__':
    main()
