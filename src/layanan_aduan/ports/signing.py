"""
Signing ports: the key a desk signs its history heads with, and the keys that verify them.

The key is never in the database the signatures protect: it comes from a key file or an
environment variable (adapters in :mod:`layanan_aduan.adapters.signing_keys`), and verifying
needs only public keys, so an auditor can check a database without being able to sign.
A key is named by its *key id*, a short digest of its public key, stored beside each
signature; a verifier may hold several public keys (the old ones stay after a rotation).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["HeadSigner", "HeadVerifier"]


@runtime_checkable
class HeadSigner(Protocol):
    """
    Port: signs bytes with a private key the database does not hold.
    """

    @property
    def key_id(self) -> str:
        """
        The id of the key: a short digest of its public key.
        """
        ...

    def sign(self, message: bytes) -> bytes:
        """
        The signature of ``message``: deterministic (one message, one signature, as Ed25519's
        are, RFC 8032), so a desk given no verifier can check its own signatures by signing
        again.
        """
        ...

    def public_key(self) -> bytes:
        """
        The public key, raw (32 bytes for Ed25519): what verifies this signer's signatures.
        """
        ...


@runtime_checkable
class HeadVerifier(Protocol):
    """
    Port: verifies signatures with public keys only, found by key id.
    """

    @property
    def key_ids(self) -> frozenset[str]:
        """
        The ids of the public keys held.
        """
        ...

    def verify(self, message: bytes, signature: bytes, key_id: str) -> bool:
        """
        True when ``signature`` is the signature of ``message`` by the key ``key_id``; False
        when it is not, or when no key of that id is held.
        """
        ...
