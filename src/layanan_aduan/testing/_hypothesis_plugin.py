"""
Hypothesis entry point: registers the library's strategies for its types, so that
``st.from_type(Nik)`` and ``st.builds(...)`` work in downstream test suites.

Hypothesis calls :func:`_hypothesis_setup_hook` once when it is imported, through the
``hypothesis`` entry point declared in ``pyproject.toml``.
"""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    # Imported lazily: hypothesis loads this hook in every process that imports it.
    from layanan_aduan.testing import strategies

    strategies.register_type_strategies()
