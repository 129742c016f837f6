"""
Benchmark: parsing a WhatsApp webhook body against ``json.loads`` of the same bytes.

Run from the repository root::

    python benchmarks/bench_webhook.py                  # one message, and a batch of 50
    python benchmarks/bench_webhook.py --repeat 31

``parse_webhook`` decodes the body, checks it against the size, depth, item and string limits,
and builds immutable values (the message, its sender, its instant) while checking every field
it reads; ``json.loads`` only decodes. Each measure times ``--n`` calls of one then the other,
``--repeat`` times alternately, and prints the median ratio of the two (and the median cost of
each call). Times are the process's CPU time (:func:`time.process_time`), with the garbage
collector paused as :mod:`timeit` does: on a machine shared with other work it is steadier than
wall time, and both sides of a ratio are measured alike.

The bodies: one text message from one contact (the shape WhatsApp sends most), and a batch of
50 such messages from 50 contacts in one change.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from layanan_aduan.adapters.whatsapp import parse_webhook


def body(messages: int) -> bytes:
    """A webhook body carrying ``messages`` text messages, each from its own contact."""
    contacts = [
        {"profile": {"name": f"Pelapor {i}"}, "wa_id": f"62812345{i:05d}"} for i in range(messages)
    ]
    items = [
        {
            "from": f"62812345{i:05d}",
            "id": f"wamid.HBgNNjI4MTIzNDU2{i:06d}",
            "timestamp": str(1_760_000_000 + i),
            "type": "text",
            "text": {"body": "Saya ingin melapor dugaan pungutan liar di kantor kelurahan."},
        }
        for i in range(messages)
    ]
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281212313170", "phone_number_id": "106540352242922"},
        "contacts": contacts,
        "messages": items,
    }
    change = {"field": "messages", "value": value}
    document = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [change]}],
    }
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def cpu_seconds(fn: Callable[[], object], n: int) -> float:
    """CPU time of ``n`` calls of ``fn``, the garbage collector paused."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(n):
            fn()
        return time.process_time() - start
    finally:
        gc.enable()


def compare(name: str, data: bytes, n: int, repeat: int) -> float:
    """Print and return the median ratio of parse_webhook to json.loads on ``data``."""
    parsed = parse_webhook(data)
    if len(parsed.messages) != data.count(b'"type":"text"'):
        sys.exit(f"{name}: the body did not parse as expected")
    ratios, ours, theirs = [], [], []
    for _ in range(repeat):
        j = cpu_seconds(lambda: json.loads(data), n)
        p = cpu_seconds(lambda: parse_webhook(data), n)
        ratios.append(p / j)
        ours.append(p / n)
        theirs.append(j / n)
    ratio = statistics.median(ratios)
    print(
        f"  {name:<22} {len(data):>6,} bytes"
        f"   parse_webhook {statistics.median(ours) * 1e6:8.1f} µs"
        f"   json.loads {statistics.median(theirs) * 1e6:7.1f} µs   ratio {ratio:5.2f}x"
        f"  (runs {min(ratios):.2f}-{max(ratios):.2f})"
    )
    return ratio


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="calls per timing (one message)")
    parser.add_argument("--repeat", type=int, default=15, help="alternating timings (median)")
    args = parser.parse_args(argv)
    python = sys.version.split()[0]
    print(f"parse_webhook vs json.loads, CPU time, median of {args.repeat}; Python {python}")
    compare("one message", body(1), args.n, args.repeat)
    compare("batch of 50 messages", body(50), max(1, args.n // 50), args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
