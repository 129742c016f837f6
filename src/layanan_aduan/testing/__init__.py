"""
Testing support for code built on layanan-aduan (install the ``testing`` extra).

- ``layanan_aduan.testing.strategies``: hypothesis strategies for valid and invalid inputs;
- ``layanan_aduan.testing.contracts``: pytest contract suites every adapter of a port must pass.
"""
