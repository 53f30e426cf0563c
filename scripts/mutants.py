#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mutants.py - the list side of scripts/mutants.sh.

Subcommands (LIST is scripts/mutants.list, TREE a copy of the repository):

  list LIST [NAME...]        check the list's format; print one line per
                             mutant (all, or the NAMEs):
                             name TAB kind TAB variant TAB model:define TAB
                             killed-by (space-separated)
  check LIST TREE [NAME...]  check that every kunit mutant's text occurs
                             exactly once in its file (with its anchors)
  apply LIST TREE NAME       apply one mutant to the files of TREE, in place
  failures KTAP TREE         the failed KUnit tests of a KTAP document, one
                             "suite.case[.param]" per line; for a document
                             cut short (crash, hang) a last line "stopped in
                             suite.case (case N)", the case that was running
                             (its name from TREE's kunit/*.c)

The format of the list is described at the top of scripts/mutants.list.
"""

import os
import re
import sys

KEYS = ('mutant', 'file', 'from', 'to', 'before', 'after', 'kind',
        'variant', 'model', 'define', 'killed-by', 'why')
MODELS = ('pcpu_ref', 'ref')
KINDS = ('kunit', 'model')
VARIANTS = ('base', 'debug', 'kcsan', 'rt')


def die(msg):
    print(f'mutants: error: {msg}', file=sys.stderr)
    sys.exit(1)


def parse(path):
    """The mutants of the list, in order, as dicts."""
    mutants = []
    cur = last = None
    with open(path, encoding='utf-8') as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            if line[0] in ' \t':
                # A continuation of the previous value.
                if cur is None or last is None or last in ('from', 'to'):
                    die(f'{path}:{no}: continuation line after no value '
                        'that may have one')
                cur[last] = (cur[last] + ' ' + line.strip()).strip()
                continue
            m = re.match(r'^([a-z-]+):(?:[ \t](.*))?$', line)
            if not m or m.group(1) not in KEYS:
                die(f'{path}:{no}: not "key: value" with a known key: {line}')
            key, val = m.group(1), (m.group(2) or '').strip()
            last = key
            if key == 'mutant':
                cur = {'mutant': val, 'line': no}
                mutants.append(cur)
                continue
            if cur is None:
                die(f'{path}:{no}: "{key}:" before the first "mutant:"')
            if key in cur:
                die(f'{path}:{no}: second "{key}:" in mutant {cur["mutant"]}')
            cur[key] = val
    names = set()
    for m in mutants:
        where = f'{path}:{m["line"]}: mutant {m["mutant"]}'
        if not re.match(r'^[a-z0-9_]+$', m['mutant']):
            die(f'{where}: a name is [a-z0-9_]+')
        if m['mutant'] in names:
            die(f'{where}: listed twice')
        names.add(m['mutant'])
        m.setdefault('kind', 'kunit')
        m.setdefault('variant', 'base')
        if m['kind'] not in KINDS:
            die(f'{where}: kind is one of {", ".join(KINDS)}')
        if not m.get('killed-by'):
            die(f'{where}: no "killed-by:" (the test expected to kill it)')
        if m['kind'] == 'model':
            if not re.match(r'^MUTANT_[A-Z0-9_]+$', m.get('define', '')):
                die(f'{where}: a model mutant needs "define: MUTANT_..."')
            m.setdefault('model', 'pcpu_ref')
            if m['model'] not in MODELS:
                die(f'{where}: model is one of {", ".join(MODELS)}')
            for key in ('file', 'from', 'to', 'before', 'after'):
                if key in m:
                    die(f'{where}: "{key}:" is for kunit mutants')
            continue
        if m['variant'] not in VARIANTS:
            die(f'{where}: variant is one of {", ".join(VARIANTS)}')
        if 'define' in m or 'model' in m:
            die(f'{where}: "model:" and "define:" are for model mutants')
        for key in ('file', 'from', 'to'):
            if key not in m:
                die(f'{where}: no "{key}:"')
        for k in m['killed-by'].split():
            if k.startswith('model:') and not re.match(
                    r'^model:(pcpu_ref|ref):MUTANT_[A-Z0-9_]+$', k):
                die(f'{where}: a model killer is model:MODEL:MUTANT_...')
        if not m['from']:
            die(f'{where}: "from:" is empty')
        if m['from'] == m['to']:
            die(f'{where}: "to:" is the same as "from:"')
    return mutants


def select(mutants, names):
    if not names:
        return mutants
    byname = {m['mutant']: m for m in mutants}
    for name in names:
        if name not in byname:
            die(f'no mutant {name} in the list')
    return [byname[name] for name in names]


def locate(m, tree):
    """(path, lines, index) of the one line that m mutates, or die."""
    path = os.path.join(tree, m['file'])
    where = f'mutant {m["mutant"]} ({m["file"]})'
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().split('\n')
    except OSError as e:
        die(f'{where}: {e.strerror}')
    hits = []
    for i, line in enumerate(lines):
        n = line.count(m['from'])
        if not n:
            continue
        if 'before' in m and (i == 0 or m['before'] not in lines[i - 1]):
            continue
        if 'after' in m and (i + 1 >= len(lines) or
                             m['after'] not in lines[i + 1]):
            continue
        hits += [i] * n
    anchors = ''.join(f', {k} "{m[k]}"' for k in ('before', 'after') if k in m)
    if len(hits) != 1:
        die(f'{where}: "{m["from"]}"{anchors} occurs {len(hits)} times, '
            'not once: update scripts/mutants.list to the code')
    return path, lines, hits[0]


def cmd_list(args):
    for m in select(parse(args[0]), args[1:]):
        define = f'{m["model"]}:{m["define"]}' if 'define' in m else '-'
        print('\t'.join((m['mutant'], m['kind'], m['variant'], define,
                         m['killed-by'])))


def cmd_check(args):
    for m in select(parse(args[0]), args[2:]):
        if m['kind'] == 'kunit':
            locate(m, args[1])


def cmd_apply(args):
    m = select(parse(args[0]), args[2:3])[0]
    path, lines, i = locate(m, args[1])
    old = lines[i]
    lines[i] = old.replace(m['from'], m['to'])
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))
    print(f'{m["file"]}:{i + 1}: -{old.strip()}')
    print(f'{m["file"]}:{i + 1}: +{lines[i].strip()}')


def case_names(tree):
    """suite -> its KUNIT_CASE names in order, from the tree's kunit/."""
    cases = {}
    kdir = os.path.join(tree, 'kunit')
    for name in sorted(os.listdir(kdir)) if os.path.isdir(kdir) else ():
        if not name.endswith('.c'):
            continue
        with open(os.path.join(kdir, name), encoding='utf-8') as f:
            text = f.read()
        names = re.findall(r'KUNIT_CASE\w*\(\s*(\w+)', text)
        for suite in re.findall(r'\.name\s*=\s*"(\w+)"', text):
            cases[suite] = names
    return cases


def cmd_failures(args):
    """Leaf results that are "not ok" (not SKIP), with their path."""
    ktap, tree = args
    stack = []	# [indent, name, plan, last result, failed child]
    failed = []
    with open(ktap, encoding='utf-8', errors='replace') as f:
        for raw in f:
            # Console lines: "[    1.234567]     ok 1 name"
            line = re.sub(r'^\[[ 0-9.]+\] ?', '', raw.rstrip('\n'))
            indent = len(line) - len(line.lstrip(' '))
            text = line.strip()
            m = re.match(r'^# Subtest: (\S+)', text)
            if m:
                stack.append([indent, m.group(1), None, None, False])
                continue
            m = re.match(r'^1\.\.(\d+)$', text)
            if m and stack and stack[-1][0] == indent:
                stack[-1][2] = int(m.group(1))
                continue
            m = re.match(r'^(ok|not ok) (\d+) (\S+)(.*)$', text)
            if not m:
                continue
            bad = m.group(1) == 'not ok' and '# SKIP' not in m.group(4)
            name = m.group(3)
            # A group's "# Subtest:" line is indented like its children,
            # one level deeper than its own result line.
            group = None
            while stack and stack[-1][0] > indent:
                popped = stack.pop()
                if popped[1] == name:
                    group = popped
            if stack:
                stack[-1][3] = (int(m.group(2)), name)
                if bad:
                    stack[-1][4] = True
            path = '.'.join([s[1] for s in stack] + [name])
            if bad and not (group and group[4]):
                failed.append(path)
                for s in stack:
                    s[4] = True
    for path in failed:
        print(path)
    # Cut short: name the case that was running, if the sources say.
    cases = case_names(tree)
    if stack:
        name, last = stack[-1][1], stack[-1][3]
        num = last[0] + 1 if last else 1
        path = '.'.join(s[1] for s in stack)
        if len(stack) == 1 and num <= len(cases.get(name, ())):
            print(f'stopped in {path}.{cases[name][num - 1]} (case {num})')
        else:
            after = f', after {last[1]}' if last else ''
            print(f'stopped in {path} (case {num}{after})')


def main():
    cmds = {'list': (cmd_list, 1), 'check': (cmd_check, 2),
            'apply': (cmd_apply, 3), 'failures': (cmd_failures, 2)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or \
       len(sys.argv) - 2 < cmds[sys.argv[1]][1]:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmds[sys.argv[1]][0](sys.argv[2:])


if __name__ == '__main__':
    main()
