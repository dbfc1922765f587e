#!/usr/bin/env python3
"""layers.py ROOT -- the modules of app/ call and include only downwards.

A module is one app/X.c with its app/X.h.  Module A depends on module B
when A's source or header includes B's header ("B.h"), or when A's source
names a function or variable that B's source defines without `static`
(calls through a shared header such as svc.h or repo.h count against the
file that holds the definition).  The rule: these dependencies form no
cycle, so the modules stack in layers and every module only ever calls
down.  Prints each cycle (a strongly connected set of modules) with what
ties each edge, then a summary line; exits 1 if there is any cycle.

Options: --edges prints every edge; --layers prints each module's layer
(its longest path down to a module that depends on nothing);
--known=a,b[;c,d] names cycles that are known and being removed: such a
cycle (exactly those modules) is printed but does not fail, and a known
cycle that is gone is reported so that it can be dropped from the list."""
import os
import re
import sys

IDENT = re.compile(r"[A-Za-z_]\w*")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)\.h"', re.M)
# A definition in the tree's style: the name at the start of its line,
# the return type on the line before (or before it on the same line).
FUNC = re.compile(r"^([A-Za-z_]\w*)\(", re.M)
EXTERN = re.compile(r"^extern\s+[^;(]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*;", re.M)
GENERATED = {"contract_schemas"}


def strip(src):
    """src without comments, string and character literals."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * src.count("\n", i, j))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def definitions(src):
    """The non-static functions defined in src (stripped)."""
    names = set()
    for m in FUNC.finditer(src):
        before = src[:m.start()].rstrip().rsplit("\n", 1)[-1]
        after = src[m.end():]
        body = min((after.find(c) for c in "{;" if after.find(c) >= 0), default=-1)
        if body < 0 or after[body] != "{":
            continue		# a prototype
        if re.match(r"\s*static\b", before) or before.endswith(("=", ",")):
            continue
        names.add(m.group(1))
    return names


def variables(src, declared):
    """The variables of declared (extern in some header) defined in src."""
    names = set()
    for line in src.split("\n"):
        if not line or line[0].isspace() or line.startswith(("extern", "static", "#")):
            continue
        for name in declared:
            if re.search(r"\b%s\s*(\[[^\]]*\])?\s*(=|;)" % re.escape(name), line):
                names.add(name)
    return names


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def graph(app):
    mods = sorted(f[:-2] for f in os.listdir(app)
                  if f.endswith(".c") and f[:-2] not in GENERATED)
    headers = {f[:-2] for f in os.listdir(app) if f.endswith(".h")}
    src = {m: strip(read(os.path.join(app, m + ".c"))) for m in mods}
    hdr = {h: strip(read(os.path.join(app, h + ".h"))) for h in headers}
    raw = {m: read(os.path.join(app, m + ".c")) for m in mods}
    declared = set()
    for h in hdr.values():
        declared |= set(EXTERN.findall(h))
    owner = {}
    for m in mods:
        for name in definitions(src[m]) | variables(src[m], declared):
            owner.setdefault(name, m)
    edges = {m: {} for m in mods}	# m -> {n: set of reasons}
    for m in mods:
        text = raw[m] + (read(os.path.join(app, m + ".h")) if m in headers else "")
        for inc in INCLUDE.findall(text):
            if inc != m and inc in edges:
                edges[m].setdefault(inc, set()).add("#include \"%s.h\"" % inc)
        for name in set(IDENT.findall(src[m])):
            n = owner.get(name)
            if n is not None and n != m:
                edges[m].setdefault(n, set()).add(name)
    return edges


def cycles(edges):
    """The strongly connected sets of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                out.append(sorted(scc))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def layers(edges):
    level = {}

    def depth(v, seen=()):
        if v in level:
            return level[v]
        if v in seen:
            return 0
        d = 1 + max((depth(w, seen + (v,)) for w in edges[v]), default=-1)
        level[v] = d
        return d

    for v in edges:
        depth(v)
    return level


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    root = args[0] if args else "."
    edges = graph(os.path.join(root, "app"))
    if "--edges" in argv:
        for m in sorted(edges):
            for n in sorted(edges[m]):
                print("%s -> %s: %s" % (m, n, ", ".join(sorted(edges[m][n]))))
    if "--layers" in argv:
        for m, d in sorted(layers(edges).items(), key=lambda x: (-x[1], x[0])):
            print("%3d %s" % (d, m))
    known = set()
    for a in argv[1:]:
        if a.startswith("--known="):
            known |= {tuple(sorted(c.split(","))) for c in a[8:].split(";") if c}
    found = cycles(edges)
    new = [scc for scc in found if tuple(scc) not in known]
    for k in sorted(known - {tuple(scc) for scc in found}):
        print("known cycle %s is gone: drop it from --known" % " ".join(k))
    for i, scc in enumerate(found, 1):
        print("%scycle %d: %s" % ("known " if tuple(scc) in known else "",
                                  i, " ".join(scc)))
        for m in scc:
            for n in sorted(edges[m]):
                if n in scc:
                    print("  %s -> %s: %s" % (m, n, ", ".join(sorted(edges[m][n]))))
    nedges = sum(len(e) for e in edges.values())
    print("%d modules, %d dependencies, %d cycles (%d known)" % (
        len(edges), nedges, len(found), len(found) - len(new)))
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
