"""scripts/run.sh: one command starts a worker beside the web server; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _group(pgid: int) -> list[str]:
    out = subprocess.run(["pgrep", "-g", str(pgid), "-a"],  # noqa: S603,S607 - fixed args
                         capture_output=True, text=True)
    return out.stdout.splitlines()


def test_ctrl_c_stops_the_web_server_and_the_worker(app, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "MAIL_"))}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               HUEY_FILE=str(tmp_path / "huey.db"), SECRET_KEY="test", WORKERS="1")
    web = [sys.executable, "-c", "import time; print('web up', flush=True); time.sleep(300)"]
    proc = subprocess.Popen(["bash", "scripts/run.sh", *web], cwd=ROOT, env=env,  # noqa: S603,S607
                            start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        seen = b""
        while b"web up" not in seen or b"Huey consumer started" not in seen:
            line = proc.stdout.readline()
            assert line, seen.decode()
            seen += line
        assert any("huey_consumer" in line for line in _group(proc.pid))
        started = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        assert proc.wait(timeout=30) == 130
        assert time.monotonic() - started < 9  # the worker stopped on SIGINT, not the fallback
        deadline = time.monotonic() + 10
        while _group(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _group(proc.pid) == []
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
