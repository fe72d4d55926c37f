"""The program's roster and directory: districts from CSV, neutrals, what a case needs."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..validation import text_problem
from .models import ProgramCase, ProgramDistrict, ProgramProcess, ProgramSettings
from .rotation import Need

#: The district directory's CSV columns (the first two required).
DISTRICT_COLUMNS = ("district_id", "name", "region")
MAX_DISTRICTS = 5000


class DirectoryRefused(ValueError):
    """The file was not imported; ``errors`` names line and column of every problem."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s); nothing was imported")
        self.errors = errors


def settings_for(org_id: int) -> ProgramSettings:
    """The program's settings, made with the defaults on first use (flushes)."""
    found = db.session.execute(select(ProgramSettings).where(
        ProgramSettings.organization_id == org_id)).scalar_one_or_none()
    if found is None:
        found = ProgramSettings(organization_id=org_id)
        db.session.add(found)
        db.session.flush()
    return found


def import_districts(org_id: int, data: bytes) -> tuple[int, int]:
    """Add or rename districts from a CSV directory, all or nothing: (added, updated)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DirectoryRefused([f"line 1, column -: the file is not UTF-8 text (byte "
                                f"{exc.start + 1}); save it as 'CSV UTF-8'"]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise DirectoryRefused(["line 1, column -: the file is empty; it needs a header "
                                "row: district_id,name,region"]) from None
    except csv.Error as exc:
        raise DirectoryRefused([f"line 1, column -: not readable as CSV ({exc})"]) from None
    errors = [f"line 1, column {h or '(blank)'}: unknown column; the columns are "
              + ", ".join(DISTRICT_COLUMNS) for h in header if h not in DISTRICT_COLUMNS]
    errors += [f"line 1, column {c}: the required column is missing"
               for c in DISTRICT_COLUMNS[:2] if c not in header]
    if errors:
        raise DirectoryRefused(errors)
    rows, seen = [], {}
    try:
        line = reader.line_num + 1
        for cells in reader:
            this, line = line, reader.line_num + 1
            if not "".join(cells).strip():
                continue
            if len(cells) != len(header):
                errors.append(f"line {this}, column -: {len(cells)} cells; the header has "
                              f"{len(header)}")
                continue
            row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
            for column, limit in (("district_id", 20), ("name", 200), ("region", 80)):
                value = row.get(column, "")
                problem = text_problem(value, multiline=False)
                if column != "region" and not value:
                    errors.append(f"line {this}, column {column}: empty; every district "
                                  f"needs one")
                elif len(value) > limit:
                    errors.append(f"line {this}, column {column}: longer than {limit} "
                                  f"characters")
                elif problem:
                    errors.append(f"line {this}, column {column}: {problem}")
            code = row.get("district_id", "")
            if code and code in seen:
                errors.append(f"line {this}, column district_id: '{code}' is already on "
                              f"line {seen[code]}")
            seen.setdefault(code, this)
            rows.append(row)
    except csv.Error as exc:
        errors.append(f"line {reader.line_num}, column -: not readable as CSV ({exc}); "
                      f"check for a quote that is never closed")
    if len(rows) > MAX_DISTRICTS:
        errors.append(f"line {MAX_DISTRICTS + 2}, column -: more than {MAX_DISTRICTS} "
                      f"districts in one file")
    if errors:
        raise DirectoryRefused(errors)
    existing = {d.code: d for d in db.session.execute(select(ProgramDistrict).where(
        ProgramDistrict.organization_id == org_id)).scalars()}
    added = updated = 0
    for row in rows:
        district = existing.get(row["district_id"])
        if district is None:
            db.session.add(ProgramDistrict(organization_id=org_id, code=row["district_id"],
                                           name=row["name"], region=row.get("region", "")))
            added += 1
        elif (district.name, district.region) != (row["name"], row.get("region", "")):
            district.name, district.region = row["name"], row.get("region", "")
            updated += 1
    db.session.flush()
    return added, updated


def program_process(adr_process: str) -> str:
    """The roster's process for a dispute-resolution case's process."""
    if adr_process in ("due_process", "expedited_due_process"):
        return ProgramProcess.RESOLUTION_FACILITATION.value
    return adr_process


def need_for(case, details: ProgramCase) -> Need:
    """What this case needs of its neutral (from the case and the program's details)."""
    return Need(process=program_process(case.process), district_id=details.district_id,
                region=details.district.region, language=details.language,
                interpreter=details.interpreter, session_on=details.session_on,
                student_ref=case.student_ref or "")


def details_for(case) -> ProgramCase | None:
    return db.session.execute(select(ProgramCase).where(
        ProgramCase.case_id == case.id)).scalar_one_or_none()


def save_details(case, district: ProgramDistrict, language: str, interpreter: bool,
                 session_on: date | None) -> ProgramCase:
    """Set the case's district, language, interpreter and session date (flushes)."""
    details = details_for(case)
    if details is None:
        details = ProgramCase(organization_id=case.organization_id, case_id=case.id,
                              district_id=district.id)
        db.session.add(details)
    details.district_id, details.district = district.id, district
    details.language, details.interpreter, details.session_on = language, interpreter, session_on
    db.session.flush()
    return details
