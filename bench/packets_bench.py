"""Peak memory of building a large record packet (issue 6 item 5, issue 15).

Generates N PDFs of about M MB each (random image data, so nothing compresses)
in a temporary folder, stores them as documents of one family in a throwaway
SQLite database, then builds the packet exactly as the queue worker does
(``facilitator.packets.build.run_build``: combined PDF, Word document, ZIP) in a
child process, and reports its peak RSS plus the peak RSS of the largest program
it ran (the ``qpdf`` command that concatenates the exhibits).

Baselines, measured in the same run on the same files:

* plain concatenation with the ``qpdf`` command (``qpdf --empty --pages ... --``),
  all N files: what combining costs at the least;
* on a subset: pikepdf alone (``out.pages.extend(src.pages)`` for every file,
  then ``save``), the library-only design that was measured and not chosen.

    .venv/bin/python bench/packets_bench.py                 # 500 files, 1 GB
    .venv/bin/python bench/packets_bench.py --files 50 --mb 2   # quicker
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import subprocess  # noqa: S404 - qpdf with a fixed argument list
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_MB = 200


def make_pdf(path: Path, size_bytes: int, pages: int | None = None) -> None:
    """A valid PDF whose pages each show a grey image of random bytes (~0.5-8 MB a page)."""
    pages = pages or max(4, size_bytes // (8 * 1024 * 1024))
    per_page = size_bytes // pages
    side = int(per_page ** 0.5)
    # 1 catalog, 2 pages, then per page: page, content, image
    kids = " ".join(f"{3 + 3 * i} 0 R" for i in range(pages))
    header = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    with open(path, "wb") as out:
        out.write(header)
        offsets = {}

        def obj(num: int, body: bytes, stream: bytes | None = None) -> None:
            offsets[num] = out.tell()
            out.write(b"%d 0 obj\n" % num + body)
            if stream is not None:
                out.write(b"\nstream\n" + stream + b"\nendstream")
            out.write(b"\nendobj\n")

        obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(2, f"<< /Type /Pages /Count {pages} /Kids [{kids}] >>".encode())
        for i in range(pages):
            p, c, im = 3 + 3 * i, 4 + 3 * i, 5 + 3 * i
            obj(p, (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    f"/Resources << /XObject << /Im0 {im} 0 R >> >> /Contents {c} 0 R >>").encode())
            content = b"q 468 0 0 468 72 200 cm /Im0 Do Q"
            obj(c, b"<< /Length %d >>" % len(content), content)
            data = os.urandom(side * side)
            obj(im, (f"<< /Type /XObject /Subtype /Image /Width {side} /Height {side} "
                     f"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length {len(data)} >>"
                     ).encode(), data)
            del data
        xref = out.tell()
        n = 3 + 3 * pages
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % n)
        for k in range(1, n):
            out.write(b"%010d 00000 n \n" % offsets[k])
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (n, xref))


def peak_rss_mb() -> float:
    """Peak resident memory of this process, from /proc (ru_maxrss as a fallback)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- children ---------------------------------------------------------------------

def child_app_build(workdir: str, files: list[str], queue) -> None:
    """In a fresh process: the app, a DB with the documents, then run_build."""
    from datetime import date

    from facilitator import create_app
    from facilitator.auth.services import create_organization
    from facilitator.extensions import db
    from facilitator.families.models import Family
    from facilitator.packets import build, storage
    from facilitator.packets.models import Document, Packet, PacketItem

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.db",
                      "STORAGE_DIR": f"{workdir}/storage", "SECRET_KEY": "bench",
                      "PACKETS_DISABLE_LIBREOFFICE": True})
    with app.app_context():
        db.create_all()
        org = create_organization("bench", "Bench Advocacy", "advocacy")
        fam = Family(organization_id=org.id, student_name="Bench Student")
        db.session.add(fam)
        db.session.flush()
        packet = Packet(organization_id=org.id, family_id=fam.id, title="Bench packet",
                        selection={})
        db.session.add(packet)
        for i, src in enumerate(files, start=1):
            key = storage.new_key()
            dest = storage.path_for(key)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.link(src, dest) if Path(src).stat().st_dev == dest.parent.stat().st_dev \
                else shutil.copyfile(src, dest)
            doc = Document(organization_id=org.id, family_id=fam.id, title=f"Record {i}",
                           doc_type="other", doc_date=date(2025, 1, 1 + i % 28),
                           file_type="pdf", size=Path(src).stat().st_size, sha256="0" * 64,
                           storage_key=key)
            db.session.add(doc)
            packet.items.append(PacketItem(organization_id=org.id, document=doc, position=i))
        db.session.commit()
        before = current_rss_mb()
        sampler = ProgramPeak()
        start = time.perf_counter()
        build.queue_build(packet)
        db.session.commit()
        build.run_build(packet.id, [], [])
        seconds = time.perf_counter() - start
        packet = db.session.get(Packet, packet.id)
        sizes = {k: storage.path_for(getattr(packet, f"{k}_key")).stat().st_size
                 for k in ("pdf", "docx", "zip")} if packet.status == "done" else {}
        peak = peak_rss_mb()  # before the check below, which is not part of the build
        programs = sampler.finish()
        pages = 0
        if sizes:
            import pikepdf

            with pikepdf.open(storage.path_for(packet.pdf_key)) as pdf:  # lazily
                pages = len(pdf.pages)
        queue.put({"status": packet.status, "message": packet.progress_message,
                   "seconds": seconds, "rss_before_mb": before, "peak_mb": peak,
                   "programs_mb": programs,
                   "sizes": sizes, "pages": pages})


def child_pikepdf_only(files: list[str], out: str, queue) -> None:
    import pikepdf

    start = time.perf_counter()
    pdf = pikepdf.new()
    for src in files:
        with pikepdf.open(src) as source:
            pdf.pages.extend(source.pages)
    pdf.save(out)
    queue.put({"seconds": time.perf_counter() - start, "peak_mb": peak_rss_mb()})


def qpdf_concat(files: list[str], out: str) -> dict:
    """The qpdf command alone, its peak RSS taken by GNU time (a tiny parent: a child's
    ru_maxrss also counts what its parent had when it forked)."""
    start = time.perf_counter()
    report = out + ".rss"
    done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report,  # noqa: S603
                           "qpdf", "--empty", "--pages", *files, "--", out], check=False)
    if done.returncode not in (0, 3):
        raise SystemExit(f"qpdf failed with {done.returncode}")
    kb = int(Path(report).read_text().split()[-1])
    return {"seconds": time.perf_counter() - start, "peak_mb": kb / 1024}


class ProgramPeak:
    """The highest VmHWM of any qpdf this process runs (sampled every 20 ms).

    A program's high-water mark only grows, so a sample shortly before it exits
    is its peak; RUSAGE_CHILDREN cannot be used, it counts the forking parent.
    """

    def __init__(self):
        import threading

        self.peak_kb = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop.wait(0.02):
            for task in Path(f"/proc/{me}/task").iterdir():
                try:
                    kids = (task / "children").read_text().split()
                except OSError:
                    continue
                for pid in kids:
                    try:
                        status = Path(f"/proc/{pid}/status").read_text()
                    except OSError:
                        continue
                    fields = dict(line.split(":", 1) for line in status.splitlines()
                                  if ":" in line)
                    # Between fork and exec a child still shows this process's memory.
                    if fields.get("Name", "").strip() == "qpdf" and "VmHWM" in fields:
                        self.peak_kb = max(self.peak_kb, int(fields["VmHWM"].split()[0]))

    def finish(self) -> float:
        self.stop.set()
        self.thread.join()
        return self.peak_kb / 1024


def run_child(target, *args) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--mb", type=float, default=2.048, help="size of each file in MB")
    parser.add_argument("--baseline-files", type=int, default=40,
                        help="files merged by both writers for the baseline")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="packets-bench-"))
    try:
        src = workdir / "sources"
        src.mkdir()
        t0 = time.perf_counter()
        files = []
        for i in range(args.files):
            path = src / f"f{i:04d}.pdf"
            make_pdf(path, int(args.mb * 1024 * 1024))
            files.append(str(path))
        total = sum(Path(f).stat().st_size for f in files)
        print(f"generated {args.files} PDFs, {total / 1e9:.2f} GB, in "
              f"{time.perf_counter() - t0:.0f} s")

        subset = files[: min(args.baseline_files, len(files))]
        sub_mb = sum(Path(f).stat().st_size for f in subset) / 1024 / 1024
        alone = run_child(child_pikepdf_only, subset, str(workdir / "pikepdf.pdf"))
        cli_sub = qpdf_concat(subset, str(workdir / "qpdf-subset.pdf"))
        print(f"design choice, {len(subset)} files ({sub_mb:.0f} MB) into one PDF:")
        for label, r in (("pikepdf alone", alone), ("qpdf command", cli_sub)):
            print(f"  {label:<16} peak RSS {r['peak_mb']:7.1f} MB  {r['seconds']:6.1f} s")
        ratio = alone["peak_mb"] / cli_sub["peak_mb"]
        print(f"  pikepdf alone / qpdf command: memory {ratio:.1f}x")
        for f in ("pikepdf.pdf", "qpdf-subset.pdf"):
            (workdir / f).unlink(missing_ok=True)

        base = qpdf_concat(files, str(workdir / "qpdf-all.pdf"))
        (workdir / "qpdf-all.pdf").unlink(missing_ok=True)
        print(f"baseline, plain `qpdf --empty --pages` of all {args.files} files: peak RSS "
              f"{base['peak_mb']:.1f} MB, {base['seconds']:.0f} s")

        full = run_child(child_app_build, str(workdir), files)
        print(f"full packet build (run_build: PDF + Word + ZIP), {args.files} files, "
              f"{total / 1e9:.2f} GB:")
        print(f"  status {full['status']} ({full['message']}), {full['seconds']:.0f} s, "
              f"{full['pages']} PDF pages")
        print("  outputs: " + ", ".join(f"{k} {v / 1e9:.2f} GB" for k, v in full["sizes"].items()))
        both = full["peak_mb"] + full["programs_mb"]  # as if both peaked at once
        print(f"  RSS after app + DB setup {full['rss_before_mb']:.1f} MB; peak RSS "
              f"{full['peak_mb']:.1f} MB + largest program it ran (qpdf) "
              f"{full['programs_mb']:.1f} MB = {both:.1f} MB (budget {BUDGET_MB} MB)")
        print(f"  peak / budget = {both / BUDGET_MB:.2f}; build / plain qpdf: memory "
              f"{both / base['peak_mb']:.1f}x, time {full['seconds'] / base['seconds']:.1f}x")
        ok = full["status"] == "done" and both < BUDGET_MB
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
