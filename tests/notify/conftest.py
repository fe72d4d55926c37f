"""Fixtures for mail tests: a running SMTP server the app is configured to use."""

from __future__ import annotations

import pytest
from mailtest import SmtpServer, use_server


@pytest.fixture()
def smtp(app):
    """A running SMTP server the app is configured to use (no TLS)."""
    server = SmtpServer().start()
    use_server(app, server.port)
    yield server
    server.stop()
