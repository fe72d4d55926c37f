"""A real worker process (huey_consumer) against the real queue: SqliteHuey's file, and Redis.

The test process queues a message into the queue's storage (not immediate), a separate
``huey_consumer facilitator.worker.huey`` process picks it up and delivers it to a real
SMTP server; a record packet queued by the "web" side is built by the same worker.
"""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from helpers import HANG
from mailtest import SmtpServer, free_port, use_server
from workertest import start_worker as _start_worker
from workertest import stop as _stop
from workertest import wait_for as _wait_for

from facilitator import queue as tasks
from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage
from facilitator.notify.services import idempotency_key, queue_message


@pytest.fixture()
def queue(app, tmp_path):
    """Switch the app from immediate tasks to a real queue; give it back afterwards."""

    def use(**config):
        app.config.update(HUEY_IMMEDIATE=False, **config)
        tasks.init_app(app)

    yield use
    app.config.update(HUEY_IMMEDIATE=True, REDIS_URL="", HUEY_FILE="")
    tasks.init_app(app)


def _queue_one(org_id: int) -> int:
    message, _ = queue_message(
        organization_id=org_id, key=idempotency_key("worker", org_id), kind="password_reset",
        recipient="rosa@example.org", template="password_reset", context={"link": "x"})
    db.session.commit()  # the task goes into the queue's storage now
    return message.id


def _queue_packet_build(make_org) -> int:
    """A record packet whose build the web process only queues."""
    from datetime import date

    from facilitator.families.models import Family
    from facilitator.packets import build, services
    from facilitator.packets.tasks import build_packet

    org = make_org(kind="advocacy")
    fam = Family(organization_id=org.id, student_name="Maya Lopez")
    db.session.add(fam)
    db.session.commit()
    services.add_document_bytes(fam, "call.txt", b"Phone call notes\n",
                                doc_type="correspondence", doc_date=date(2025, 2, 1))
    packet = services.create_packet(fam, title="Records for mediation")
    assert len(packet.items) == 1
    build.queue_build(packet)
    pid = packet.id
    db.session.commit()
    build_packet(pid)
    return pid


def _run_worker(app, tmp_path, make_org, env_extra, packet: bool = False):
    from facilitator.packets.models import Packet

    server = SmtpServer().start()
    use_server(app, server.port)
    mid = _queue_one(make_org().id)
    pid = _queue_packet_build(make_org) if packet else None
    assert db.session.get(OutboxMessage, mid).status == "queued"
    # Waiting in the real queue: no web process needs to stay up for them.
    assert tasks.huey.pending_count() == (2 if packet else 1)
    worker = _start_worker(app, tmp_path, env_extra)
    try:
        assert _wait_for(lambda: db.session.get(OutboxMessage, mid).status == "sent"), \
            (tmp_path / "worker.log").read_text()
        assert len(server.inbox.messages) == 1
        if packet:
            assert _wait_for(lambda: db.session.get(Packet, pid).status == "done"), \
                (tmp_path / "worker.log").read_text()
        assert tasks.huey.pending_count() == 0
    finally:
        _stop(worker)
        server.stop()


def test_a_real_worker_on_the_sqlite_queue_sends_mail_and_builds_a_packet(
        app, tmp_path, make_org, queue):
    queue(HUEY_FILE=str(tmp_path / "huey.db"))
    _run_worker(app, tmp_path, make_org, {"HUEY_FILE": str(tmp_path / "huey.db")}, packet=True)


@pytest.fixture()
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (bash scripts/system-deps.sh installs it)")
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(tmp_path)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE,  # noqa: S603 - a throwaway server
                            stderr=subprocess.STDOUT)
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + HANG
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                out = proc.communicate()[0]
                pytest.fail(f"redis-server did not start: {out!r}")
            time.sleep(0.05)
    client.close()
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.communicate(timeout=HANG)


def test_a_real_worker_on_redis_delivers_mail(app, tmp_path, make_org, queue, redis_url):
    queue(REDIS_URL=redis_url)
    _run_worker(app, tmp_path, make_org, {"REDIS_URL": redis_url})
