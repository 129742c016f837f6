"""
Benchmark: the cost of sealing personal data at rest (issue 11), one call at a time.

Run from the repository root (a few seconds)::

    python benchmarks/bench_field_cipher.py
    python benchmarks/bench_field_cipher.py --n 20000 --repeat 7

In one process, for a JSON object of about 300 bytes (a report's personal details: name, NIK,
telephone, address, e-mail, message), the CPU time a call (``time.process_time``, median of
``--repeat`` runs of ``--n`` calls) of:

- ``json.dumps`` of the object: the anchor every other row is a ratio of (storage serialises
  each event anyway);
- ``AesGcmFieldCipher.seal`` and ``open`` of that JSON text (AES-256-GCM, random nonce, the
  context as associated data, base64url);
- ``blind_index`` of a telephone number, and ``blind_indexes`` under a keyring of two keys
  (a rotation in progress);
- ``PlainFieldCipher.seal`` / ``open`` / ``blind_index`` (no key configured).

On a shared machine compare the ratios within one run, not the microseconds across runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from layanan_aduan.adapters.data_keys import StaticKeyring
from layanan_aduan.adapters.field_cipher import AesGcmFieldCipher, PlainFieldCipher

DETAILS: dict[str, Any] = {
    "name": "Budi Santoso Wiratmaja",
    "nik": "3171010101900001",
    "phone": "+6281234567890",
    "whatsapp_user_id": "6281234567890",
    "address": "Jl. Merdeka Selatan No. 17, RT 003/RW 002, Gambir, Jakarta Pusat 10110",
    "email": "budi.santoso@example.id",
    "message": "Dugaan pungutan liar pada pelayanan tilang di loket 3, Senin pagi.",
}
CONTEXT = "report_personal/KNJP-2026-0001/1"


def _cpu_per_call(call: Callable[[], object], n: int, repeat: int) -> float:
    """Median CPU seconds a call over ``repeat`` runs of ``n`` calls."""
    runs = []
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(n):
            call()
        runs.append((time.process_time() - start) / n)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="calls a run (default 10,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs, median taken (default 5)")
    args = parser.parse_args()

    text = json.dumps(DETAILS, ensure_ascii=False)
    aes = AesGcmFieldCipher(StaticKeyring([bytes(range(32))]))
    rotating = AesGcmFieldCipher(StaticKeyring([bytes(range(1, 33)), bytes(range(32))]))
    plain = PlainFieldCipher()
    sealed = aes.seal(text, CONTEXT)
    plain_sealed = plain.seal(text, CONTEXT)
    if aes.open(sealed, CONTEXT) != text:
        raise SystemExit("the sealed text does not open to itself")
    phone = DETAILS["phone"]

    rows: list[tuple[str, Callable[[], object]]] = [
        ("json.dumps (anchor)", lambda: json.dumps(DETAILS, ensure_ascii=False)),
        ("AES-GCM seal", lambda: aes.seal(text, CONTEXT)),
        ("AES-GCM open", lambda: aes.open(sealed, CONTEXT)),
        ("AES-GCM blind_index", lambda: aes.blind_index(phone, "reporter_phone")),
        ("AES-GCM blind_indexes, 2 keys", lambda: rotating.blind_indexes(phone, "reporter_phone")),
        ("plain seal", lambda: plain.seal(text, CONTEXT)),
        ("plain open", lambda: plain.open(plain_sealed, CONTEXT)),
        ("plain blind_index", lambda: plain.blind_index(phone, "reporter_phone")),
    ]
    print(
        f"JSON of {len(text.encode())} bytes; sealed {len(sealed)} characters; "
        f"{args.n} calls x {args.repeat} runs, median CPU a call"
    )
    anchor = None
    for name, call in rows:
        seconds = _cpu_per_call(call, args.n, args.repeat)
        anchor = anchor or seconds
        print(f"{name:32s} {seconds * 1e6:8.2f} µs   {seconds / anchor:6.2f}x json.dumps")


if __name__ == "__main__":
    main()
