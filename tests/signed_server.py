"""Test-only entry: `our-rituals serve`'s production server, trusting the tests' local certificate chain.

Run as `python -m tests.signed_server CHAIN_PEM ROOT_PEM`. It calls the same `skill.web.server.serve` as
`our-rituals serve`, on the same `create_app`, with one difference: the signature verifier trusts the
test root and reads the chain from a file instead of Amazon's URL. This module lives under tests/, which
is never installed or copied into the image, so no flag or environment variable of a production start
can trust a foreign chain.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cryptography import x509

from skill.web import create_app
from skill.web.server import serve
from skill.web.signature import AlexaSignatureVerifier, AlexaTimestampVerifier


def main(argv: list[str]) -> int:
    chain_pem = Path(argv[0]).read_bytes()
    root = x509.load_pem_x509_certificate(Path(argv[1]).read_bytes())
    app = create_app(verifiers=[AlexaSignatureVerifier(fetch=lambda _url: chain_pem, trusted_roots=[root]), AlexaTimestampVerifier()])

    def announce(host: str, port: int) -> None:
        print(f"listening on http://{host}:{port}/alexa", flush=True)

    return serve(app, host="127.0.0.1", port=0, threads=4, announce=announce)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
