"""Summarises the soak runs in DIR (memory-1, memory-2, rocksdb .jsonl) and draws SVG_OUT:
blocks per second and resident memory against height. Exits 1 if the final roots differ."""
import json
import sys
from pathlib import Path


def load(path):
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [l for l in lines if "height" in l], lines[-1]


def polyline(points, x_max, y_max, colour, dash=""):
    width, height, left, top = 640, 220, 60, 20
    coords = " ".join(
        f"{left + x / x_max * width:.1f},{top + height - y / y_max * height:.1f}" for x, y in points
    )
    return f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" {dash} points="{coords}"/>'


def chart(title, y_label, series, y_of, x_max, offset):
    y_max = max(y_of(p) for _, rows, _ in series for p in rows) * 1.15
    parts = [f'<g transform="translate(0,{offset})">',
             f'<text x="60" y="14" font-size="13" font-family="sans-serif">{title}</text>',
             '<rect x="60" y="20" width="640" height="220" fill="none" stroke="#999"/>',
             f'<text x="5" y="130" font-size="11" font-family="sans-serif">{y_label}</text>',
             f'<text x="60" y="256" font-size="11" font-family="sans-serif">0</text>',
             f'<text x="660" y="256" font-size="11" font-family="sans-serif">{x_max:,} blocks</text>',
             f'<text x="64" y="34" font-size="11" font-family="sans-serif">max {y_max / 1.15:,.0f}</text>']
    for i, (name, rows, colour) in enumerate(series):
        parts.append(polyline([(r["height"], y_of(r)) for r in rows], x_max, y_max, colour))
        parts.append(f'<text x="{520}" y="{50 + 14 * i}" font-size="11" fill="{colour}" font-family="sans-serif">{name}</text>')
    parts.append("</g>")
    return "\n".join(parts)


def main():
    folder, svg_out = Path(sys.argv[1]), Path(sys.argv[2])
    runs = {name: load(folder / f"{name}.jsonl") for name in ("memory-1", "memory-2", "rocksdb")}
    roots = {name: final["final_root"] for name, (_, final) in runs.items()}
    for name, (rows, final) in runs.items():
        print(f"{name}: {final['traffic_blocks']} blocks + {final['drain_blocks']} to drain, "
              f"{final['transactions']} transactions, {final['seconds']:.1f} s, "
              f"final RSS {final['rss_kib'] / 1024:.1f} MiB, root {final['final_root']}; outcomes {final['outcomes']}")
    colours = {"memory-1": "#1f77b4", "memory-2": "#2ca02c", "rocksdb": "#d62728"}
    series = [(name, rows, colours[name]) for name, (rows, _) in runs.items()]
    x_max = max(r["height"] for _, rows, _ in series for r in rows)
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="720" height="540">',
           chart("Soak run: blocks per second", "blocks/s", series, lambda r: r["blocks_per_second"], x_max, 0),
           chart("Resident memory (MiB)", "MiB", series, lambda r: r["rss_kib"] / 1024, x_max, 270),
           "</svg>"]
    svg_out.write_text("\n".join(svg) + "\n")
    if len(set(roots.values())) != 1:
        print(f"FINAL ROOTS DIFFER: {roots}")
        sys.exit(1)
    print(f"final roots equal on all three runs: {roots['rocksdb']}")


main()
