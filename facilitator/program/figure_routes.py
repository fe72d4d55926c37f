"""The program's figures: the page (with charts and their tables), its CSV, and the lists of
requests and cases behind each figure. Readers: the program's coordinators and analysts."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import render_template

from .. import access
from ..adr import dashboard as dash
from ..adr.models import AdrCase, school_year_label, school_year_of
from ..adr.survey_routes import SURVEY_MIN_N
from ..adr.views import year_arg
from ..extensions import db
from ..validation import parse_id, query_arg
from ..web import attachment, protect
from . import figures as fig
from .models import Neutral, ProgramCase, ProgramDistrict
from .request_models import ProgramRequest, RequestStatus
from .views import bp, program_org_id

AGREEMENT_TITLES = {"process": "Process", "neutral": "Neutral", "region": "Region",
                    "language": "Family language"}


def _filters(org: int) -> fig.Filters:
    region = query_arg("region", 80)
    return fig.Filters(year=year_arg(), region=region if region in fig.regions(org) else "")


def _years(org: int) -> list[int]:
    return sorted(set(dash.years(org)) | {school_year_of(date.today())}, reverse=True)


def _chart(data: dict) -> dict:
    return {"requests": {"labels": [RequestStatus.label_of(s) for s in data["requests"]
                                    ["by_status"]],
                         "values": list(data["requests"]["by_status"].values())},
            "payments": {"labels": [p["month"].strftime("%b %Y") for p in data["payments"]],
                         "values": [p["cents"] / 100 for p in data["payments"]]}}


def _figures() -> tuple[int, fig.Filters, dict]:
    org = program_org_id()
    f = _filters(org)
    return org, f, fig.all_figures(org, f, SURVEY_MIN_N)


@bp.get("/figures")
@access.require("view_reports")
def figures():
    """The program's figures for a school year and region, each linked to its cases."""
    org, f, data = _figures()
    return render_template("program/figures.html", f=f, data=data, chart=_chart(data),
                           years=_years(org), regions=fig.regions(org),
                           year_label=school_year_label(f.year), titles=AGREEMENT_TITLES,
                           manage=access.can("manage_program"))


def _rows(data: dict):
    for status, n in data["requests"]["by_status"].items():
        yield "requests", RequestStatus.label_of(status), "requests", n
    for r in data["requests"]["reasons"]:
        yield "reasons", f"{RequestStatus.label_of(r['status'])}: {r['reason']}", "requests", \
            r["n"]
    for name, title in (("assignment", "request to accepted assignment"),
                        ("session", "request to first session")):
        for measure in ("n", "median", "p90"):
            value = data["time"][name][measure]
            yield "days", title, measure, "" if value is None else value
    for by, rows in data["agreement"].items():
        for r in rows:
            for measure in ("cases", "held", "agreed", "rate"):
                yield f"agreement by {by}", r["label"] or "(none)", measure, r[measure]
    for r in data["districts"]:
        yield "district use", r["name"], "requests", r["requests"]
        yield "district use", r["name"], "cases", r["cases"]
    for r in data["surveys"]["rows"]:
        for measure in ("n", "neutral_helpful", "had_input", "use_again"):
            yield "surveys by neutral", r["label"], measure, \
                f"fewer than {SURVEY_MIN_N}" if r["suppressed"] else r[measure]
    for p in data["payments"]:
        yield "payments", p["month"].strftime("%Y-%m"), "amount", f"{p['cents'] / 100:.2f}"
        yield "payments", p["month"].strftime("%Y-%m"), "sessions", p["sessions"]


@bp.get("/figures.csv")
@access.require("view_reports")
def figures_csv():
    """Every figure of the page as rows for a spreadsheet (formula-safe)."""
    _, f, data = _figures()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["school_year", "region", "figure", "group", "measure", "value"])
    for figure, group, measure, value in _rows(data):
        writer.writerow([protect(str(c)) for c in (school_year_label(f.year), f.region or "all",
                                                   figure, group, measure, value)])
    return attachment(out.getvalue(), f"program-figures-{school_year_label(f.year)}.csv",
                      "text/csv")


@bp.get("/figures/requests")
@access.require("view_reports")
def figure_requests():
    """The requests behind a figure (no child or contact data: reference, dates, status)."""
    org = program_org_id()
    f = _filters(org)
    status = query_arg("status", 20)
    status = status if status in {s.value for s in RequestStatus} else ""
    district = parse_id(query_arg("district", 12))
    stmt = fig.request_filter(fig.requests_query(org, f, ProgramRequest), status, district)
    page = db.paginate(stmt.order_by(ProgramRequest.created_at.desc(), ProgramRequest.id.desc()),
                       per_page=50, error_out=False)
    args = {k: v for k, v in {"year": school_year_label(f.year), "region": f.region,
                              "status": status, "district": district}.items() if v}
    return render_template("program/figure_requests.html", page=page, args=args, f=f,
                           year_label=school_year_label(f.year), status=status,
                           manage=access.can("manage_program"))


@bp.get("/figures/cases")
@access.require("view_reports")
def figure_cases():
    """The program's cases behind a figure, with their district, language and neutral."""
    org = program_org_id()
    f = _filters(org)
    by = {"process": query_arg("process", 30), "language": query_arg("language", 8),
          "outcome": query_arg("outcome", 12), "neutral": parse_id(query_arg("neutral", 12)),
          "district": parse_id(query_arg("district", 12))}
    stmt = fig.case_filter(fig.cases_query(org, f, AdrCase), by)
    rows = db.paginate(stmt.order_by(AdrCase.received_on.desc(), AdrCase.id.desc()),
                       per_page=50, error_out=False)
    info = {case_id: (district, language, name) for case_id, district, language, name in
            db.session.execute(fig.cases_query(org, f, AdrCase.id, ProgramDistrict.name,
                                          ProgramCase.language, Neutral.name)
                               .where(AdrCase.id.in_([c.id for c in rows.items]))).all()}
    args = {k: v for k, v in {"year": school_year_label(f.year), "region": f.region,
                              **by}.items() if v}
    neutral = db.session.get(Neutral, by["neutral"]) if by["neutral"] else None
    district = db.session.get(ProgramDistrict, by["district"]) if by["district"] else None
    return render_template("program/figure_cases.html", rows=rows, info=info, args=args, by=by, f=f,
                           year_label=school_year_label(f.year),
                           neutral=neutral if neutral and neutral.organization_id == org
                           else None,
                           district=district if district and district.organization_id == org
                           else None)


