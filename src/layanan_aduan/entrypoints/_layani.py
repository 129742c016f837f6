"""
``layanan-aduan layani``: run the whole desk as one service.

The webhook app (:func:`layanan_aduan.entrypoints.web.create_app`) under uvicorn, with the
dispatcher and the periodic SLA sweep in the same process, on the storage the configuration
(or ``--db``) names. SIGTERM or Ctrl-C stops it gracefully: requests in flight finish, each
background loop finishes its round (a dispatcher's leases are settled by its own bookkeeping),
and the storage is closed; a webhook answered 200 is stored, so nothing is lost.

The app secret and verify token are read from the environment variables the configuration
names (``WHATSAPP_APP_SECRET`` and ``WHATSAPP_VERIFY_TOKEN`` by default), never from the
command line.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from typing import Any, TextIO

from layanan_aduan.entrypoints import _kata_sandi, _meja

__all__ = ["ENV_CONSOLE_SECRET", "register"]

#: The environment variable holding the console's session secret (a name, not a secret).
ENV_CONSOLE_SECRET = "LAYANAN_ADUAN_KONSOL_KUNCI"  # noqa: S105

EXIT_OK = 0


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bukan bilangan detik: {text!r}") from None
    if not 0.05 <= value <= 86400:
        raise argparse.ArgumentTypeError("harus antara 0,05 dan 86400 detik")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bukan nomor port: {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError("nomor port harus 1 sampai 65535")
    return value


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add ``layani``.
    """
    p = subparsers.add_parser(
        "layani",
        help="jalankan layanan: webhook WhatsApp, pengiriman notifikasi dan pemantauan SLA",
    )
    p.add_argument("--host", default="127.0.0.1", help="alamat yang didengar (bawaan 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8000, help="port yang didengar (bawaan 8000)")
    p.add_argument(
        "--saluran",
        choices=("konsol", "whatsapp"),
        default="konsol",
        help="kirim notifikasi ke konsol (bawaan) atau lewat WhatsApp Cloud API",
    )
    p.add_argument(
        "--interval-kirim",
        dest="interval_kirim",
        type=_positive_seconds,
        default=5.0,
        metavar="DETIK",
        help="jeda antar putaran pengiriman notifikasi (bawaan 5)",
    )
    p.add_argument(
        "--interval-pantau",
        dest="interval_pantau",
        type=_positive_seconds,
        default=60.0,
        metavar="DETIK",
        help="jeda antar pemantauan SLA (bawaan 60)",
    )
    p.add_argument(
        "--interval-terima",
        dest="interval_terima",
        type=_positive_seconds,
        default=30.0,
        metavar="DETIK",
        help="jeda antar pemeriksaan webhook tersimpan yang belum diproses (bawaan 30)",
    )
    p.add_argument(
        "--tanpa-tanda-tangan",
        dest="tanpa_tanda_tangan",
        action="store_true",
        help="terima webhook tanpa tanda tangan bila app secret tidak diatur (hanya pengujian)",
    )
    p.add_argument("--media", metavar="DIR", help="direktori berkas media (saluran konsol)")
    p.add_argument(
        "--konsol-petugas",
        dest="konsol_petugas",
        action="store_true",
        help=f"sajikan konsol petugas di /konsol (kunci sesi dari ${ENV_CONSOLE_SECRET}, "
        f"kata sandi dari berkas ${_kata_sandi.ENV_PASSWORD_FILE} atau --berkas-kata-sandi)",
    )
    p.add_argument(
        "--berkas-kata-sandi",
        dest="berkas_kata_sandi",
        metavar="BERKAS",
        help="berkas kata sandi konsol (bawaan: $LAYANAN_ADUAN_KATA_SANDI atau ./kata-sandi.toml)",
    )
    p.add_argument(
        "--konsol-tanpa-https",
        dest="konsol_tanpa_https",
        action="store_true",
        help="kirim cookie sesi konsol juga lewat HTTP biasa (hanya untuk loopback/pengujian)",
    )
    _meja._common(p)
    p.set_defaults(run=_run_serve)


def _stopped(signum: int, frame: object) -> None:
    """
    SIGTERM after uvicorn's graceful shutdown: nothing left to do but return.
    """


def _access_to(stream: TextIO) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access = logging.getLogger("layanan_aduan.access")
    access.setLevel(logging.INFO)
    access.addHandler(handler)
    access.propagate = False
    return handler


def _console_settings(args: argparse.Namespace) -> Any:
    from layanan_aduan.adapters.passwords import PasswordFile
    from layanan_aduan.entrypoints.console import ConsoleSettings
    from layanan_aduan.exceptions import ConsoleAuthError

    secret = os.environ.get(ENV_CONSOLE_SECRET, "")
    if not secret:
        raise ConsoleAuthError(
            f"Konsol petugas memerlukan kunci sesi di ${ENV_CONSOLE_SECRET} "
            "(paling sedikit 32 karakter acak).",
            f"The officer console needs a session secret in ${ENV_CONSOLE_SECRET} "
            "(at least 32 random characters).",
            code="session_secret_invalid",
            field=ENV_CONSOLE_SECRET,
        )
    path = (
        args.berkas_kata_sandi
        or os.environ.get(_kata_sandi.ENV_PASSWORD_FILE)
        or _kata_sandi.DEFAULT_PASSWORD_FILE
    )
    return ConsoleSettings(
        passwords=PasswordFile(path), secret=secret, secure_cookies=not args.konsol_tanpa_https
    )


def _run_serve(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.exceptions import missing_extra

    try:
        import uvicorn
    except ImportError as e:
        raise missing_extra("uvicorn", "web") from e
    from layanan_aduan.entrypoints.web import create_app

    config = _meja._config(args)
    names = (
        ("WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN")
        if config is None
        else (config.whatsapp.app_secret_env, config.whatsapp.verify_token_env)
    )
    app_secret = os.environ.get(names[0]) or None
    verify_token = os.environ.get(names[1]) or None
    api = None
    if args.saluran == "whatsapp":
        from layanan_aduan.adapters.whatsapp.cloud_api import WhatsAppCloudApi

        environ = None
        if config is not None:
            first = config.business_numbers[0] if config.business_numbers else None
            environ = config.whatsapp.environment(phone_number_id=first)
        api = WhatsAppCloudApi.from_env(environ)
    try:
        services = _meja._services(
            args, messenger=api, media_dir=args.media, media=api, warn_unencrypted=True
        )
    except BaseException:
        if api is not None:
            api.close()
        raise
    handler = _access_to(sys.stderr)
    try:
        console = _console_settings(args) if args.konsol_petugas else None
        shared = getattr(services.storage, "login_failures", None)
        if console is not None and shared is not None:
            # Every process of the storage counts the same failures: a lock-out holds in each.
            import attrs

            console = attrs.evolve(console, login_failures=shared)
        app = create_app(
            services,
            app_secret=app_secret,
            verify_token=verify_token,
            allow_unsigned=args.tanpa_tanda_tangan,
            ingest_interval=args.interval_terima,
            dispatchers=[services.dispatcher],
            dispatch_interval=args.interval_kirim,
            sla_interval=args.interval_pantau,
            console=console,
        )
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=args.host,
                port=args.port,
                lifespan="on",
                # uvicorn's own access log prints query strings (the verify token): ours does not.
                access_log=False,
                log_config=None,
                timeout_graceful_shutdown=30,
            )
        )
        print(
            json.dumps(
                {
                    "event": "serving",
                    "host": args.host,
                    "port": args.port,
                    "office": services.desk.office,
                    "signed": bool(app_secret),
                    "console": console is not None,
                }
            ),
            file=stdout,
            flush=True,
        )
        # uvicorn stops gracefully on SIGTERM and then raises the signal again with the handler
        # that was there before it: ours, which lets the command finish and exit 0.
        previous = signal.signal(signal.SIGTERM, _stopped)
        try:
            server.run()
        finally:
            signal.signal(signal.SIGTERM, previous)
    finally:
        logging.getLogger("layanan_aduan.access").removeHandler(handler)
        services.close()
        if api is not None:
            api.close()
    print(json.dumps({"event": "stopped"}), file=stdout, flush=True)
    return EXIT_OK
