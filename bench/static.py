#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Static fast-path cost of each mechanism, read from the built objects.

For every bench_pair_<mechanism> function of rundown_bench.ko (one
acquire+release pair each) and for the exported acquire and release
functions of rundown.ko, walk the fast path in "objdump -dr" output and
count what it executes:

  insns     instructions executed, calls and jumps included, not counting
            NOPs (ftrace and jump-label sites, which are NOPs at run time)
            and ENDBR64; a return thunk counts as the RET it stands for
  locked    LOCK-prefixed read-modify-writes and XCHG with memory (not the
            LOCK ADD/OR $0 to the stack that smp_mb() is)
  fences    MFENCE/LFENCE/SFENCE and LOCK ADD/OR $0,(%rsp) full barriers
  calls     calls and tail calls to other functions
  irqflags  PUSHF/POPF/CLI/STI, including paravirt call sites that are
            patched to them at boot (save_fl, irq_disable, irq_enable)
  st_pcpu   stores through %gs (this CPU's per-CPU data)
  st_mem    other stores that are not to the stack

The fast path is the path a call takes when nothing special happens:
conditional branches fall through (compilers lay out likely code so, and
the kernel's likely()/unlikely() make sure of it), unconditional jumps are
followed, calls into rundown_bench.ko and rundown.ko are followed and
counted into the caller, and so are calls into vmlinux when --vmlinux and
--ksyms give the kernel image and its symbol addresses.  Interrupts are
assumed enabled on entry (local_irq_restore() then executes STI).

Usage: static.py [--vmlinux FILE --ksyms FILE] [--csv FILE] [--pahole-btf
FILE] rundown_bench.ko rundown.ko
"""

import argparse
import re
import subprocess
import sys

PAIR_PREFIX = 'bench_pair_'

# Exported acquire/release functions of rundown.ko analysed one by one.
EXPORTED = [
    'ExAcquireRundownProtection', 'ExReleaseRundownProtection',
    'ExAcquireRundownProtectionCacheAware',
    'ExReleaseRundownProtectionCacheAware',
    'rundown_acquire_many', 'rundown_release_many',
    'rundown_pcpu_acquire', 'rundown_pcpu_release',
]

# Fields of struct paravirt_patch_template (6.12, x86-64) and what the
# call sites are patched to on bare metal and under QEMU/KVM.
PV_DEFAULT = {0xf0: 'save_fl', 0xf8: 'irq_disable', 0x100: 'irq_enable'}
PV_NATIVE = {
    'save_fl': ['pushf', 'pop %rax'],
    'irq_disable': ['cli'],
    'irq_enable': ['sti'],
}

# Static calls whose target depends on the preemption model.
STATIC_CALLS = {
    'might_resched': {'none': '__cond_resched', 'voluntary': '__cond_resched'},
    'cond_resched': {'none': '__cond_resched', 'voluntary': '__cond_resched'},
}

INSN_RE = re.compile(r'^\s*([0-9a-f]+):\t(.*)$')
RELOC_RE = re.compile(r'^\s*([0-9a-f]+): (R_X86_64_\w+)\s+(\S+)$')
FUNC_RE = re.compile(r'^([0-9a-f]+) <([^>]+)>:$')
SECTION_RE = re.compile(r'^Disassembly of section (\S+):$')
# Instructions that do not write their memory operand.
READ_ONLY_RE = re.compile(r'^((cmp|test|bt|lea)[bwlq]?|push.*|pop.*|'
                          r'prefetch.*|call.*)$')
PREFIXES = {'lock', 'rep', 'repz', 'repnz', 'repe', 'repne', 'notrack',
            'bnd', 'cs', 'ds', 'es', 'ss', 'fs', 'gs', 'data16', 'addr32'}


class Insn:
    def __init__(self, addr, text):
        self.addr = addr
        self.text = text.split('#')[0].strip()
        self.comment = text.split('#', 1)[1].strip() if '#' in text else ''
        words = self.text.split(None, 1)
        self.prefixes = []
        while words and words[0] in PREFIXES:
            self.prefixes.append(words[0])
            words = words[1].split(None, 1) if len(words) > 1 else []
        self.mnem = words[0] if words else ''
        self.ops = words[1] if len(words) > 1 else ''
        self.reloc = None
        self.size = 0


class Func:
    def __init__(self, module, section, name, addr):
        self.module = module
        self.section = section
        self.name = name
        self.addr = addr
        self.insns = []
        self.index = {}


def objdump(path, extra=()):
    return subprocess.run(['objdump', '-dr', '--no-show-raw-insn', *extra,
                           path], check=True, capture_output=True,
                          text=True).stdout


def parse(text, module):
    """Functions of an objdump listing, keyed by name."""
    funcs = {}
    section = None
    func = None
    for line in text.splitlines():
        m = SECTION_RE.match(line)
        if m:
            section = m.group(1)
            func = None
            continue
        m = FUNC_RE.match(line)
        if m:
            func = Func(module, section, m.group(2), int(m.group(1), 16))
            funcs.setdefault(func.name, func)
            continue
        m = RELOC_RE.match(line)
        if m and func and func.insns:
            func.insns[-1].reloc = (m.group(2), m.group(3))
            continue
        m = INSN_RE.match(line)
        if m and func:
            insn = Insn(int(m.group(1), 16), m.group(2))
            if func.insns:
                prev = func.insns[-1]
                prev.size = insn.addr - prev.addr
            func.index[insn.addr] = len(func.insns)
            func.insns.append(insn)
    return funcs


def reloc_target(reloc):
    """(symbol, addend) of a relocation."""
    m = re.match(r'^(.*?)([+-]0x[0-9a-f]+)?$', reloc[1])
    return m.group(1), int(m.group(2), 16) if m.group(2) else 0


class Walker:
    def __init__(self, funcs, vmlinux=None, ksyms=None, pv=None,
                 preempt='voluntary'):
        self.funcs = funcs
        self.vmlinux = vmlinux
        self.ksyms = ksyms or {}
        self.kaddr = {v[0]: k for k, v in self.ksyms.items()}
        self.pv = pv or PV_DEFAULT
        self.preempt = preempt
        self.vcache = {}

    def vfunc(self, name):
        """A vmlinux function, disassembled from the image, or None."""
        if name in self.vcache:
            return self.vcache[name]
        func = None
        if self.vmlinux and name in self.ksyms:
            start, end = self.ksyms[name]
            text = subprocess.run(
                ['objdump', '-d', '--no-show-raw-insn',
                 '--start-address=0x%x' % start,
                 '--stop-address=0x%x' % end, self.vmlinux],
                check=True, capture_output=True, text=True).stdout
            func = Func('vmlinux', '.text', name, start)
            for line in text.splitlines():
                m = INSN_RE.match(line)
                if not m:
                    continue
                insn = Insn(int(m.group(1), 16), m.group(2))
                func.index[insn.addr] = len(func.insns)
                func.insns.append(insn)
            if not func.insns:
                func = None
        self.vcache[name] = func
        return func

    def lookup(self, name):
        return self.funcs.get(name) or self.vfunc(name)

    def branch_target(self, func, insn):
        """('local', addr) | ('sym', name) | ('pv', field) | ('ind', text)"""
        if insn.reloc:
            sym, addend = reloc_target(insn.reloc)
            if insn.ops.startswith('*'):
                if sym == 'pv_ops':
                    return 'pv', self.pv.get(addend + 4, 'pv_ops+0x%x' %
                                             (addend + 4))
                return 'ind', insn.ops
            return 'sym', sym
        if insn.ops.startswith('*'):
            if func.module == 'vmlinux' and 'pv_ops' in self.ksyms:
                m = re.search(r'#\s*(0x)?([0-9a-f]+)', insn.comment or '')
                m = m or re.search(r'([0-9a-f]{16})', insn.comment or '')
                if m:
                    off = int(m.group(m.lastindex), 16) - \
                        self.ksyms['pv_ops'][0]
                    if off in self.pv:
                        return 'pv', self.pv[off]
            return 'ind', insn.ops
        m = re.match(r'^(?:0x)?([0-9a-f]+)', insn.ops)
        if not m:
            return 'ind', insn.ops
        addr = int(m.group(1), 16)
        if addr in func.index:
            return 'local', addr
        if func.module == 'vmlinux':
            return 'sym', self.kaddr.get(addr, '0x%x' % addr)
        # Another function of the same section of the same module.
        for other in self.funcs.values():
            if other.module == func.module and \
                    other.section == func.section and addr in other.index:
                return 'sym', other.name
        return 'ind', insn.ops

    def walk(self, name, acc, depth=0):
        func = self.lookup(name)
        if func is None:
            acc['unfollowed'].append(name)
            return
        if depth > 8:
            raise RuntimeError('call depth exceeded in ' + name)
        i = 0
        seen = set()
        while i < len(func.insns):
            insn = func.insns[i]
            if insn.addr in seen:
                raise RuntimeError('loop on the fast path of %s at 0x%x' %
                                   (name, insn.addr))
            seen.add(insn.addr)
            mn = insn.mnem
            if mn.startswith('call'):
                kind, target = self.branch_target(func, insn)
                if kind == 'sym' and target == '__fentry__':
                    pass
                elif kind == 'pv':
                    for text in PV_NATIVE.get(target, [target]):
                        self.count(Insn(0, text), acc, func)
                else:
                    self.branch(insn, target, acc, func)
                    self.call(kind, target, acc, depth)
                i += 1
                continue
            if mn.startswith('jmp'):
                kind, target = self.branch_target(func, insn)
                if kind == 'sym' and target.startswith('__x86_return_thunk'):
                    self.count(Insn(0, 'ret'), acc, func)
                    return
                self.branch(insn, target, acc, func)
                if kind == 'local':
                    i = func.index[target]
                    continue
                self.call(kind, target, acc, depth)
                return
            if mn.startswith('j') or mn.startswith('loop'):
                acc['trace'].append('%s:%s: %s (not taken)' %
                                    (func.module, func.name, insn.text))
                acc['branches'] += 1
                acc['insns'] += 1
                i += 1
                continue
            if mn.startswith('ret'):
                self.count(insn, acc, func)
                return
            if mn in ('ud2', 'int3'):
                raise RuntimeError('fast path of %s reaches %s at 0x%x' %
                                   (name, mn, insn.addr))
            self.count(insn, acc, func)
            i += 1
        raise RuntimeError('fell off the end of ' + name)

    @staticmethod
    def branch(insn, target, acc, func):
        """Count a call or an unconditional jump."""
        acc['insns'] += 1
        acc['trace'].append('%s:%s: %s %s' % (func.module, func.name,
                                              insn.mnem, target))

    def call(self, kind, target, acc, depth):
        acc['calls'] += 1
        if kind != 'sym':
            acc['callees'].append('indirect')
            return
        if target.startswith('__SCT__'):
            real = STATIC_CALLS.get(target[7:], {}).get(self.preempt)
            acc['callees'].append(target + ('->' + real if real else ''))
            if real:
                self.walk(real, acc, depth + 1)
            return
        if target.startswith('__x86_indirect_thunk'):
            acc['callees'].append('indirect')
            return
        func = self.lookup(target)
        where = func.module if func else 'vmlinux'
        acc['callees'].append('%s:%s' % (where, target))
        self.walk(target, acc, depth + 1)

    @staticmethod
    def count(insn, acc, func):
        mn = insn.mnem
        ops = insn.ops
        if mn.startswith('nop') or mn == 'endbr64' or \
                mn == 'xchg' and ops == '%ax,%ax':
            acc['nops'] += 1
            return
        acc['trace'].append('%s:%s: %s' % (func.module, func.name, insn.text))
        acc['insns'] += 1
        locked = 'lock' in insn.prefixes
        stack = '(%rsp)' in ops
        if locked and stack and re.match(r'^\$0x0,', ops) and \
                mn.startswith(('add', 'or')):
            acc['fences'] += 1
            return
        if mn in ('mfence', 'lfence', 'sfence'):
            acc['fences'] += 1
            return
        if locked or (mn.startswith('xchg') and '(' in ops):
            acc['locked'] += 1
        if mn.startswith(('pushf', 'popf')) or mn in ('cli', 'sti'):
            acc['irqflags'] += 1
            return
        if READ_ONLY_RE.match(mn):
            return
        if not ops or '(' not in ops:
            return
        dest = split_ops(ops)[-1]
        if '(' not in dest or '(%rsp)' in dest:
            return
        if mn.startswith('mov') and len(split_ops(ops)) == 2 and \
                '(' in split_ops(ops)[0] and '(' not in dest:
            return
        if dest.startswith('%gs:'):
            acc['st_pcpu'] += 1
        else:
            acc['st_mem'] += 1


def split_ops(ops):
    """Operands of an AT&T operand list, parentheses kept together."""
    out, depth, cur = [], 0, ''
    for ch in ops:
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        if ch == ',' and depth == 0:
            out.append(cur.strip())
            cur = ''
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def new_acc():
    return {'insns': 0, 'locked': 0, 'fences': 0, 'calls': 0, 'irqflags': 0,
            'st_pcpu': 0, 'st_mem': 0, 'branches': 0, 'nops': 0,
            'callees': [], 'unfollowed': [], 'trace': []}


def pv_offsets(btf):
    """struct paravirt_patch_template offsets of the irq ops, from BTF."""
    try:
        tmpl = subprocess.run(['pahole', '-C', 'paravirt_patch_template', btf],
                              check=True, capture_output=True,
                              text=True).stdout
        irq = subprocess.run(['pahole', '-C', 'pv_irq_ops', btf], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return PV_DEFAULT
    base = re.search(r'struct pv_irq_ops\s+irq;\s+/\*\s+(\d+)', tmpl)
    if not base:
        return PV_DEFAULT
    out = {}
    for field in ('save_fl', 'irq_disable', 'irq_enable'):
        m = re.search(r'\s%s;\s+/\*\s+(\d+)' % field, irq)
        if m:
            out[int(base.group(1)) + int(m.group(1))] = field
    return out or PV_DEFAULT


def read_ksyms(path):
    """name -> (start, end) from "rdb-ksym <start> <end> <name>" lines,
    moved from the run-time addresses to the image's (KASLR)."""
    syms = {}
    with open(path) as f:
        for line in f:
            m = re.search(r'rdb-ksym ([0-9a-f]+) ([0-9a-f]+) (\S+)', line)
            if m:
                syms[m.group(3)] = (int(m.group(1), 16), int(m.group(2), 16))
    return syms


def image_text(vmlinux):
    out = subprocess.run(['readelf', '-SW', vmlinux], check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r'\]\s+\.text\s+PROGBITS\s+([0-9a-f]+)', out)
    return int(m.group(1), 16)


COLUMNS = ['insns', 'locked', 'fences', 'calls', 'irqflags', 'st_pcpu',
           'st_mem']


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('objects', nargs='+')
    ap.add_argument('--vmlinux')
    ap.add_argument('--ksyms')
    ap.add_argument('--btf', help='a BTF vmlinux for the paravirt offsets')
    ap.add_argument('--preempt', default='voluntary')
    ap.add_argument('--csv', help='append CSV rows to this file')
    ap.add_argument('--trace', action='store_true',
                    help='print the instructions of every fast path')
    args = ap.parse_args()

    funcs = {}
    for path in args.objects:
        module = re.sub(r'.*/|\.ko$', '', path)
        for name, func in parse(objdump(path), module).items():
            funcs.setdefault(name, func)

    ksyms = {}
    vmlinux = None
    if args.vmlinux and args.ksyms:
        ksyms = read_ksyms(args.ksyms)
        if '_text' in ksyms:
            delta = ksyms['_text'][0] - image_text(args.vmlinux)
            ksyms = {k: (s - delta, e - delta) for k, (s, e) in ksyms.items()}
            vmlinux = args.vmlinux
    pv = pv_offsets(args.btf) if args.btf else PV_DEFAULT
    walker = Walker(funcs, vmlinux, ksyms, pv, args.preempt)

    rows = []
    for name in sorted(n for n in funcs if n.startswith(PAIR_PREFIX)):
        rows.append((name[len(PAIR_PREFIX):], name))
    rows += [(name, name) for name in EXPORTED if name in funcs]

    results = []
    for mech, fname in rows:
        acc = new_acc()
        try:
            walker.walk(fname, acc)
        except RuntimeError as err:
            print('static: %s: %s' % (fname, err), file=sys.stderr)
            continue
        results.append((mech, acc))

    width = max(len(m) for m, _ in results)
    head = '%-*s ' % (width, 'fast path') + ' '.join('%8s' % c for c in
                                                     COLUMNS)
    print(head + '  calls into')
    for mech, acc in results:
        if mech == EXPORTED[0]:
            print('-' * len(head))
        callees = [c for c in acc['callees']]
        if acc['unfollowed']:
            callees.append('(not followed: %s)' %
                           ','.join(sorted(set(acc['unfollowed']))))
        print('%-*s ' % (width, mech) +
              ' '.join('%8d' % acc[c] for c in COLUMNS) + '  ' +
              ' '.join(callees))

    if args.trace:
        for mech, acc in results:
            print('\n%s:' % mech)
            for line in acc['trace']:
                print('    ' + line)

    if args.csv:
        with open(args.csv, 'a') as f:
            for mech, acc in results:
                for col in COLUMNS:
                    f.write('%s,static_%s,1,%d,%d,%d,count\n' %
                            (mech, col, acc[col], acc[col], acc[col]))


if __name__ == '__main__':
    main()
