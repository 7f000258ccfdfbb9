#!/usr/bin/env python3
"""NEP-481 benchmark helper for scripts/nep481-bench.sh.

  nep481_bench.py scenario             prints the runtime-tester scenario: bench.near runs
                                       bench_interp, deploys bench_child as submodule `child`,
                                       then alice calls `interpret` and `run_child` for every
                                       workload and size, one call per block
  nep481_bench.py report OUT SVG       reads runtime-tester's output, prints a Markdown table
                                       (gas of both, the ratio) and writes an SVG plot
"""
import base64
import json
import math
import sys

CONTRACTS = "../target/test-contracts/wasm32-unknown-unknown/release"
WORKLOADS = [
    ("a", "arithmetic loop (x = x*A + B)", [100, 1000, 10000, 100000, 1000000]),
    ("h", "hash chain (sha256 of 32 bytes; the child asks its parent)", [1, 10, 100, 1000]),
    ("s", "storage writes (the child asks its parent)", [1, 10, 100, 1000]),
]
METHODS = ["interpret", "run_child"]
GAS = 300_000_000_000_000


def calls():
    for workload, _, sizes in WORKLOADS:
        for n in sizes:
            for method in METHODS:
                yield workload, n, method


def scenario():
    blocks = [{"transactions": [{"signer_id": "bench.near", "receiver_id": "bench.near", "actions": [
        {"DeploySubmodule": {"key": "child", "code_file": f"{CONTRACTS}/bench_child.wasm"}}]}]}]
    for workload, n, method in calls():
        args = base64.b64encode(f"{workload}{n}".encode()).decode()
        blocks.append({"transactions": [{"signer_id": "alice.near", "receiver_id": "bench.near", "actions": [
            {"FunctionCall": {"method_name": method, "args_base64": args, "gas": GAS}}]}]})
    blocks.append({"empty_blocks": 2})
    return {
        "genesis": {"accounts": [
            {"account_id": "alice.near", "balance": "1000 NEAR"},
            {"account_id": "bench.near", "balance": "100 NEAR", "code_file": f"{CONTRACTS}/bench_interp.wasm"},
        ]},
        "blocks": blocks,
    }


def results(path):
    """The outcome of every call's receipt on bench.near, in order: (gas, value or error)."""
    out = []
    for line in open(path):
        block = json.loads(line)
        for outcome in block["outcomes"]:
            if outcome["executor_id"] != "bench.near":
                continue
            status = outcome["status"]
            if "SuccessValue" in status and len(base64.b64decode(status["SuccessValue"]["base64"])) == 8:
                value = int.from_bytes(base64.b64decode(status["SuccessValue"]["base64"]), "little")
                out.append((outcome["gas_burnt"], value))
            elif "Failure" in status:
                out.append((outcome["gas_burnt"], "failed: " + json.dumps(status["Failure"])[:80]))
    return out


def tgas(gas):
    return f"{gas / 1e12:,.3f}"


def report(out_path, svg_path):
    got = results(out_path)
    expected = list(calls())
    if len(got) != len(expected):
        sys.exit(f"expected {len(expected)} call outcomes, found {len(got)}")
    rows, series = [], {}
    previous = {}
    for i in range(0, len(expected), 2):
        workload, n, _ = expected[i]
        (gi, vi), (gc, vc) = got[i], got[i + 1]
        ok = isinstance(vi, int) and isinstance(vc, int)
        same = ("yes" if vi == vc else "no") if ok else "n/a (the interpreter ran out of gas)"
        # Marginal: the gas the last step of n added, on each side (fixed call costs cancel).
        marginal = ""
        if ok and workload in previous and gc != previous[workload][1]:
            pi, pc = previous[workload]
            marginal = f"{(gi - pi) / (gc - pc):,.1f}x"
        if ok:
            previous[workload] = (gi, gc)
        total = f"{gi / gc:,.1f}x" if ok else f"> {gi / gc:,.0f}x"
        rows.append((workload, n, gi, gc, total, marginal, same, ok))
        series.setdefault(workload, []).append((n, gi, gc, ok))
    names = {w: name for w, name, _ in WORKLOADS}
    print("| workload | n | interpreted (Tgas) | submodule (Tgas) | ratio | marginal ratio | same result |")
    print("|---|---|---|---|---|---|---|")
    for workload, n, gi, gc, total, marginal, same, ok in rows:
        interp = tgas(gi) if ok else f"{tgas(gi)} (out of gas)"
        print(f"| {names[workload]} | {n:,} | {interp} | {tgas(gc)} | {total} | {marginal} | {same} |")
    write_svg(svg_path, series, names)


def write_svg(path, series, names):
    """Gas against n, both axes logarithmic, one panel per workload."""
    width, height, pad = 900, 300, 50
    panel = (width - pad) / len(series)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 60}" '
             'font-family="sans-serif" font-size="11">',
             f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="13">'
             'NEP-481: gas of the same work, interpreted (red) vs compiled submodule (blue)</text>']
    all_gas = [g for points in series.values() for _, gi, gc, _ in points for g in (gi, gc)]
    lo, hi = math.log10(min(all_gas)), math.log10(max(all_gas))
    for index, (workload, points) in enumerate(series.items()):
        x0 = pad + index * panel
        ns = [n for n, *_ in points]
        nlo, nhi = math.log10(min(ns)), math.log10(max(ns))

        def px(n):
            return x0 + 20 + (math.log10(n) - nlo) / max(nhi - nlo, 1e-9) * (panel - 50)

        def py(g):
            return 30 + height - 20 - (math.log10(g) - lo) / max(hi - lo, 1e-9) * (height - 40)

        parts.append(f'<rect x="{x0 + 10}" y="30" width="{panel - 30}" height="{height - 10}" '
                     'fill="none" stroke="#ccc"/>')
        parts.append(f'<text x="{x0 + panel / 2}" y="{height + 38}" text-anchor="middle">'
                     f'{names[workload].split(" (")[0]} (n, log)</text>')
        for color, pick in (("#c33", 1), ("#36c", 2)):
            coords = " ".join(f"{px(p[0]):.1f},{py(p[pick]):.1f}" for p in points)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"/>')
            for p in points:
                parts.append(f'<circle cx="{px(p[0]):.1f}" cy="{py(p[pick]):.1f}" r="3" fill="{color}"/>')
        for n in ns:
            parts.append(f'<text x="{px(n):.1f}" y="{height + 24}" text-anchor="middle">{n:,}</text>')
    for exponent in range(math.ceil(lo), math.floor(hi) + 1):
        y = 30 + height - 20 - (exponent - lo) / max(hi - lo, 1e-9) * (height - 40)
        parts.append(f'<text x="{pad - 4}" y="{y + 4:.1f}" text-anchor="end">1e{exponent - 12} Tgas</text>')
    parts.append("</svg>")
    with open(path, "w") as svg:
        svg.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["scenario"]:
        print(json.dumps(scenario(), indent=1))
    elif sys.argv[1:2] == ["report"] and len(sys.argv) == 4:
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
