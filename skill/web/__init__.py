"""The self-hosted web endpoint: a Flask app that checks Alexa's signature and timestamp, then answers through
the same ask-sdk skill as Lambda (app.py); the certificate and signature rules (signature.py); the production
server that runs it (server.py). `skill.web:create_app()` is the public app factory."""

from skill.web.app import create_app

__all__ = ["create_app"]
