"""A real OpenID Connect provider for the tests: oidc-provider (npm, OpenID Certified)
under Node on 127.0.0.1, behind a small pass-through proxy that a test can ask to change
the token endpoint's answer on the way (a tampered or foreign ID token).

The provider's issuer is the proxy's address, so the browser, discovery, the JWKS and
the token endpoint all pass through it; nothing of the app is mocked.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import re
import secrets
import shutil
import subprocess
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from helpers import HANG

PROVIDER_DIR = Path(__file__).parent / "oidc" / "provider"
NODE = shutil.which("node")
CLIENT_ID, CLIENT_SECRET = "facilitator", "facilitator-test-secret"
OTHER_ID, OTHER_SECRET, OTHER_REDIRECT = "other-app", "other-app-secret", "http://127.0.0.1:9/cb"


def missing() -> str | None:
    """Why the provider cannot run here, or None."""
    if NODE is None:
        return "Node is not installed"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return "oidc-provider is not installed (make test installs it: make oidc-provider)"
    return None


class _Proxy(BaseHTTPRequestHandler):
    server: _ProxyServer

    def log_message(self, *args) -> None:  # quiet
        pass

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("connection", "accept-encoding")}
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=HANG)
        try:
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            data = response.read()
            tamper = self.server.tamper
            if tamper and self.path.startswith("/token") and response.status == 200:
                data = json.dumps(tamper(json.loads(data))).encode()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in ("content-length", "transfer-encoding", "connection",
                                        "keep-alive"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
        finally:
            upstream.close()

    do_GET = do_POST = _forward


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    upstream_port = 0
    tamper: Callable[[dict], dict] | None = None


class Provider:
    """One running provider: ``issuer``, ``accounts`` (write with ``set_accounts``) and
    ``tamper`` (a function applied to the token endpoint's JSON answer, or None)."""

    def __init__(self, workdir: Path, jwk: dict, redirect_uris: list[str],
                 clock_offset: int = 0, id_token_ttl: int = 3600):
        self.proxy = _ProxyServer(("127.0.0.1", 0), _Proxy)
        self.issuer = f"http://127.0.0.1:{self.proxy.server_port}"
        self.workdir = workdir
        self.accounts_file = workdir / "accounts.json"
        self.set_accounts({})
        config = {
            "issuer": self.issuer, "accountsFile": str(self.accounts_file),
            "jwks": {"keys": [jwk]}, "idTokenTtl": id_token_ttl,
            "clockOffsetSeconds": clock_offset,
            "clients": [
                {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                 "redirect_uris": redirect_uris, "grant_types": ["authorization_code"],
                 "response_types": ["code"]},
                {"client_id": OTHER_ID, "client_secret": OTHER_SECRET,
                 "redirect_uris": [OTHER_REDIRECT], "grant_types": ["authorization_code"],
                 "response_types": ["code"]},
            ],
        }
        config_file = workdir / "provider.json"
        config_file.write_text(json.dumps(config))
        self.log = open(workdir / "provider.log", "w+")  # closed in stop()
        self.process = subprocess.Popen(  # noqa: S603
            [NODE, str(PROVIDER_DIR / "server.js"), str(config_file)], cwd=PROVIDER_DIR,
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        match = None
        for line in self.process.stdout:  # waits until it listens (or dies: end of output)
            if match := re.match(r"READY (\d+)", line):
                break
        if not match:
            self.stop()
            raise RuntimeError(f"the provider did not start: {self._log_text()}")
        self.proxy.upstream_port = int(match.group(1))
        self.thread = threading.Thread(target=self.proxy.serve_forever, daemon=True)
        self.thread.start()

    @property
    def tamper(self):
        return self.proxy.tamper

    @tamper.setter
    def tamper(self, function):
        self.proxy.tamper = function

    def set_accounts(self, accounts: dict[str, dict]) -> None:
        self.accounts_file.write_text(json.dumps(accounts))

    def _log_text(self) -> str:
        self.log.seek(0)
        return self.log.read()[-3000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=HANG)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.log.close()
        if getattr(self, "thread", None):
            self.proxy.shutdown()
        self.proxy.server_close()


def new_jwk() -> dict:
    """An RS256 signing key for the provider (one per test run)."""
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048, private=True)
    data = key.as_dict(private=True)
    data.update(kid="test-key-1", alg="RS256", use="sig")
    return data


# --- a person at the provider: the login and consent pages, over plain HTTP ---------------

FORM_RE = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"', re.I)
PROMPT_RE = re.compile(r'name="prompt" value="(\w+)"')


def through_provider(url: str, login: str, stop_at: str,
                     browser: requests.Session | None = None) -> str:
    """Follow ``url`` at the provider as a person would: sign in as ``login`` (any
    password), agree to share, and return the address it sends back to (``stop_at``...)."""
    browser = browser or requests.Session()
    for _ in range(20):
        response = browser.get(url, allow_redirects=False, timeout=HANG)
        while response.status_code in (302, 303):
            url = urljoin(url, response.headers["Location"])
            if url.startswith(stop_at):
                return url
            response = browser.get(url, allow_redirects=False, timeout=HANG)
        assert response.status_code == 200, (response.status_code, response.text[:2000])
        action = FORM_RE.search(response.text)
        prompt = PROMPT_RE.search(response.text)
        assert action and prompt, response.text[:2000]
        fields = {"prompt": prompt.group(1)}
        if prompt.group(1) == "login":
            fields.update(login=login, password="any password")  # noqa: S106
        posted = browser.post(urljoin(url, action.group(1)), data=fields,
                              allow_redirects=False, timeout=HANG)
        assert posted.status_code in (302, 303), (posted.status_code, posted.text[:2000])
        url = urljoin(url, posted.headers["Location"])
        if url.startswith(stop_at):
            return url
    raise AssertionError("the provider kept asking")


def foreign_id_token(provider: Provider, login: str, nonce: str) -> str:
    """A genuine ID token the provider issues to *another* client (same person, nonce)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    meta = requests.get(provider.issuer + "/.well-known/openid-configuration", timeout=HANG).json()
    query = {"client_id": OTHER_ID, "response_type": "code", "scope": "openid email",
             "redirect_uri": OTHER_REDIRECT, "state": "s", "nonce": nonce,
             "code_challenge": challenge, "code_challenge_method": "S256"}
    start = requests.Request("GET", meta["authorization_endpoint"], params=query).prepare().url
    back = through_provider(start, login, stop_at=OTHER_REDIRECT)
    code = parse_qs(urlsplit(back).query)["code"][0]
    answer = requests.post(meta["token_endpoint"], auth=(OTHER_ID, OTHER_SECRET), timeout=HANG,
                           data={"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": OTHER_REDIRECT, "code_verifier": verifier})
    assert answer.status_code == 200, answer.text
    return answer.json()["id_token"]


# --- the app's side of the trip (Flask test client) ------------------------------------

APP_BASE = "http://localhost"  # the test client's address (PUBLIC_BASE_URL in these tests)


def start(client, settings) -> str:
    """Press "Sign in with ..." on the sign-in page; the provider's address it sends to."""
    response = client.get("/login/oidc", query_string={"provider": settings.id})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.location


def come_back(client, url: str):
    """The browser arriving at the app's callback address."""
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_oidc(client, settings, login: str):
    """The whole trip: the button, the provider's pages, back to the app."""
    return come_back(client, through_provider(start(client, settings), login,
                                              stop_at=APP_BASE))


# --- fixtures (imported by tests/oidc/conftest.py and the browser test) ------------------


@pytest.fixture(scope="session")
def provider_jwk():
    return new_jwk()


@pytest.fixture()
def start_provider(tmp_path, provider_jwk):
    """Factory: start_provider(redirect_uris=None, clock_offset=0, id_token_ttl=3600)."""
    if reason := missing():
        pytest.skip(reason)
    started: list[Provider] = []

    def factory(redirect_uris: list[str] | None = None, **options) -> Provider:
        workdir = tmp_path / f"provider-{len(started)}"
        workdir.mkdir()
        p = Provider(workdir, provider_jwk,
                     redirect_uris or [f"{APP_BASE}/login/oidc/callback"], **options)
        started.append(p)
        return p

    yield factory
    for p in started:
        p.stop()


@pytest.fixture()
def oidc_app(app):
    """The app set up for a provider on plain http://127.0.0.1 (test only)."""
    from cryptography.fernet import Fernet

    from facilitator.auth import oidc

    app.config.update(PUBLIC_BASE_URL=APP_BASE, OIDC_ALLOW_HTTP=True,
                      OIDC_SECRET_KEY=Fernet.generate_key().decode())
    oidc._cache.clear()  # a provider of an earlier test may have had the same port
    yield app
    oidc._cache.clear()


@pytest.fixture()
def configure(oidc_app):
    """Factory: configure(org, provider, domains=..., required=False) -> OidcProvider."""
    from facilitator.auth import oidc
    from facilitator.auth.oidc_models import OidcProvider
    from facilitator.extensions import db

    def factory(org, provider: Provider, domains: str = "", required: bool = False,
                client_id: str = CLIENT_ID) -> OidcProvider:
        settings = OidcProvider(
            organization_id=org.id, display_name=f"{org.name} Google", issuer=provider.issuer,
            client_id=client_id, secret_encrypted=oidc.encrypt_secret(CLIENT_SECRET),
            domains=domains or f"{org.slug}.example", enabled=True, required=required)
        db.session.add(settings)
        db.session.commit()
        return settings

    return factory
