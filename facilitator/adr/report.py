"""The IDEA Part B section 618 dispute-resolution table and SPP/APR indicators B15 and B16.

Item numbers and labels: OSEP, "IDEA Part B Dispute Resolution" (section 618
data collection, OMB 1820-0677, EMAPS survey table). Indicators: SPP/APR Part B
Indicator 15 (resolution sessions resolved through settlement agreements,
3.1(a) / 3.1 x 100) and Indicator 16 (mediations resulting in agreements,
(2.1(a)(i) + 2.1(b)(i)) / 2.1 x 100); OSEP does not require a target when the
denominator is under 10.

Counting rules (decided here, documented in README):
- A case counts in the school year (July 1 - June 30) its request or complaint
  was received in, with its status as of today.
- Expedited due process complaints are due process complaints: they count in
  section 3 (items 3 to 3.4) AND again, as a subset, in section 4. This follows
  the OSEP table itself, whose item 3.2(a) reads "Decisions within timeline
  (include expedited)": expedited hearings are part of 3.2, so the other
  section 3 items include them too and 3 = 3.2 + 3.3 + 3.4 still holds; their
  resolution meetings count in 3.1 and so in B15.
- 3.2(a)/1.1(b) count timeline "within", 3.2(b)/1.1(c) count "extended";
  "late" counts in neither.
- A mediation is "related to a due process complaint" when its related case is
  a due_process or expedited_due_process case.

The computation: ``counts`` sends one GROUP BY (over the covering index
ix_adr_cases_report, in index order, so the database aggregates while it
scans) and folds the few grouped rows with the pure ``counts_from_groups``;
``counts_from_rows`` applies the same rules row by row (pure, the tests' second
opinion); ``build_table`` (pure) adds labels and the indicators.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from sqlalchemy import bindparam, func
from sqlalchemy.orm import aliased

from ..extensions import db
from .models import AdrCase, Process

# (item, official OSEP label) in table order. Source: OSEP IDEA Part B Dispute
# Resolution table (section 618), item numbers and labels as published.
ITEMS: tuple[tuple[str, str], ...] = (
    ("1", "1. Written, signed complaints total"),
    ("1.1", "1.1 Complaints with reports issued"),
    ("1.1(a)", "1.1(a) Reports with findings of noncompliance"),
    ("1.1(b)", "1.1(b) Reports within timelines"),
    ("1.1(c)", "1.1(c) Reports within extended timelines"),
    ("1.2", "1.2 Complaints pending"),
    ("1.2(a)", "1.2(a) Complaints pending a due process hearing"),
    ("1.3", "1.3 Complaints withdrawn or dismissed"),
    ("2", "2. Mediation requests total"),
    ("2.1", "2.1 Mediations held"),
    ("2.1(a)", "2.1(a) Mediations held related to due process complaints"),
    ("2.1(a)(i)", "2.1(a)(i) Mediation agreements related to due process complaints"),
    ("2.1(b)", "2.1(b) Mediations held not related to due process complaints"),
    ("2.1(b)(i)", "2.1(b)(i) Mediation agreements not related to due process complaints"),
    ("2.2", "2.2 Mediations pending"),
    ("2.3", "2.3 Mediations withdrawn or not held"),
    ("3", "3. Due process complaints total"),
    ("3.1", "3.1 Resolution meetings"),
    ("3.1(a)", "3.1(a) Written settlement agreements reached through resolution meetings"),
    ("3.2", "3.2 Hearings fully adjudicated"),
    ("3.2(a)", "3.2(a) Decisions within timeline (include expedited)"),
    ("3.2(b)", "3.2(b) Decisions within extended timeline"),
    ("3.3", "3.3 Due process complaints pending"),
    ("3.4", "3.4 Due process complaints withdrawn or dismissed (including resolved "
            "without a hearing)"),
    ("4", "4. Expedited due process complaints total"),
    ("4.1", "4.1 Expedited resolution meetings"),
    ("4.1(a)", "4.1(a) Expedited written settlement agreements"),
    ("4.2", "4.2 Expedited hearings fully adjudicated"),
    ("4.2(a)", "4.2(a) Change of placement ordered"),
    ("4.3", "4.3 Expedited due process complaints pending"),
    ("4.4", "4.4 Expedited due process complaints withdrawn or dismissed"),
)
LABELS = dict(ITEMS)

INDICATORS = (
    ("B15", "B15 Resolution meetings resolved through written settlement agreements "
            "(3.1(a) / 3.1 x 100)"),
    ("B16", "B16 Mediations held that resulted in mediation agreements "
            "((2.1(a)(i) + 2.1(b)(i)) / 2.1 x 100)"),
)
SMALL_N = 10

DPC = (Process.DUE_PROCESS.value, Process.EXPEDITED.value)
#: The processes the table counts (in index order): facilitated IEPs are not among them.
COUNTED = tuple(sorted((*DPC, Process.MEDIATION.value, Process.STATE_COMPLAINT.value)))


#: The columns the 618 counts depend on, in the order of the covering index
#: ix_adr_cases_report, so the database groups while it scans (no sort).
GROUP_COLUMNS = ("process", "status", "agreement", "dash_class", "settlement", "timeline",
                 "findings", "pending_hearing", "placement_changed")


@cache
def groups_statement():
    """One GROUP BY over the year's cases (parameters ``org_id`` and ``year``): each
    distinct combination of the columns the table depends on, with its count, how many
    had a resolution meeting, and how many are related to a due process complaint.

    Built once per process (building it took a tenth of the 618 table's time); only the
    statement is kept, every call reads the database."""
    c = aliased(AdrCase, name="c")
    keys = [getattr(c, name) for name in GROUP_COLUMNS]
    # Facilitated IEPs, which the table does not count, are not read at all; whether a
    # mediation's related case is a due process complaint is read from related_process,
    # which the database keeps (models.py), not looked up case by case.
    return (db.select(*keys, func.count().label("n"),
                      func.count(c.resolution_meeting_on).label("n_rm"),
                      func.count().filter(c.related_process.in_(DPC)).label("n_rel"))
            .select_from(c)
            .where(c.organization_id == bindparam("org_id"),
                   c.school_year == bindparam("year"), c.process.in_(COUNTED))
            .group_by(*keys))


def counts(org_id: int, year: int) -> dict[str, int]:
    """item -> count for the organization's school year (database GROUP BY, then
    :func:`counts_from_groups` over the few grouped rows)."""
    rows = db.session.connection().execute(groups_statement(), {"org_id": org_id,
                                                                "year": year})
    return counts_from_groups([dict(row._mapping) for row in rows])


def counts_from_groups(groups: Iterable[Mapping]) -> dict[str, int]:
    """Items from grouped rows (GROUP_COLUMNS plus n, n_rm, n_rel). Pure."""
    out = dict.fromkeys(LABELS, 0)

    def add(item: str, k: int) -> None:
        out[item] += int(k or 0)

    for g in groups:
        p, s, n = g["process"], g["status"], int(g["n"])
        n_rm, n_rel = int(g["n_rm"] or 0), int(g["n_rel"] or 0)
        if p == "state_complaint":
            add("1", n)
            if s == "report_issued":
                add("1.1", n)
                add("1.1(a)", n if g["findings"] is True or g["findings"] == 1 else 0)
                if g["timeline"] == "within":
                    add("1.1(b)", n)
                elif g["timeline"] == "extended":
                    add("1.1(c)", n)
            elif s == "pending":
                add("1.2", n)
                add("1.2(a)", n if g["pending_hearing"] in (True, 1) else 0)
            elif s == "withdrawn":
                add("1.3", n)
        elif p == "mediation":
            add("2", n)
            if s == "held":
                add("2.1", n)
                add("2.1(a)", n_rel)
                add("2.1(b)", n - n_rel)
                if g["agreement"] == "yes":
                    add("2.1(a)(i)", n_rel)
                    add("2.1(b)(i)", n - n_rel)
            elif s in ("pending", "withdrawn"):
                add({"pending": "2.2", "withdrawn": "2.3"}[s], n)
        elif p in DPC:
            settled = g["settlement"] in (True, 1)
            sections = [("3", "3.1", "3.1(a)", "3.2", "3.3", "3.4")]
            if p == Process.EXPEDITED.value:
                sections.append(("4", "4.1", "4.1(a)", "4.2", "4.3", "4.4"))
            for total, rm, rm_a, adj, pend, wd in sections:
                add(total, n)
                add(rm, n_rm)
                add(rm_a, n_rm if settled else 0)
                if s == "adjudicated":
                    add(adj, n)
                elif s in ("pending", "withdrawn"):
                    add(pend if s == "pending" else wd, n)
            if s == "adjudicated":
                if g["timeline"] in ("within", "extended"):
                    add("3.2(a)" if g["timeline"] == "within" else "3.2(b)", n)
                if p == Process.EXPEDITED.value and g["placement_changed"] in (True, 1):
                    add("4.2(a)", n)
    return out


def counts_from_rows(rows: Iterable[Mapping]) -> dict[str, int]:
    """The same counts from plain case rows (keys as AdrCase columns plus related_process)."""
    out = dict.fromkeys(LABELS, 0)
    for row in rows:
        p, s = row["process"], row["status"]
        rm = row.get("resolution_meeting_on") is not None
        if p == "state_complaint":
            hits = ["1"]
            if s == "report_issued":
                hits.append("1.1")
                hits += ["1.1(a)"] if row.get("findings") is True else []
                hits += {"within": ["1.1(b)"], "extended": ["1.1(c)"]}.get(row.get("timeline"), [])
            elif s == "pending":
                hits += ["1.2"] + (["1.2(a)"] if row.get("pending_hearing") is True else [])
            elif s == "withdrawn":
                hits.append("1.3")
        elif p == "mediation":
            hits = ["2"]
            if s == "held":
                sub = "2.1(a)" if row.get("related_process") in DPC else "2.1(b)"
                hits += ["2.1", sub] + ([sub + "(i)"] if row.get("agreement") == "yes" else [])
            else:
                hits.append({"pending": "2.2", "withdrawn": "2.3"}[s])
        elif p in DPC:
            hits = ["3"] + (["3.1"] if rm else []) + \
                (["3.1(a)"] if rm and row.get("settlement") is True else [])
            if s == "adjudicated":
                hits.append("3.2")
                hits += {"within": ["3.2(a)"], "extended": ["3.2(b)"]}.get(row.get("timeline"), [])
            else:
                hits.append({"pending": "3.3", "withdrawn": "3.4"}[s])
            if p == Process.EXPEDITED.value:
                hits += ["4"] + (["4.1"] if rm else []) + \
                    (["4.1(a)"] if rm and row.get("settlement") is True else [])
                if s == "adjudicated":
                    hits += ["4.2"] + (["4.2(a)"] if row.get("placement_changed") is True else [])
                else:
                    hits.append({"pending": "4.3", "withdrawn": "4.4"}[s])
        else:
            hits = []
        for item in hits:
            out[item] += 1
    return out


def percent(numerator: int, denominator: int) -> str:
    """numerator / denominator x 100 rounded half-up to two decimals; "n/a" when 0.

    Integer arithmetic (the dashboard formats thousands of these per page); the same
    strings as :func:`percent_decimal` for counts (tests/adr/test_report.py)."""
    if denominator == 0:
        return "n/a"
    if numerator < 0 or denominator < 0:
        return percent_decimal(numerator, denominator)
    hundredths = (numerator * 20000 + denominator) // (2 * denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def percent_decimal(numerator: int, denominator: int) -> str:
    """:func:`percent` in Decimal arithmetic, as first written (the tests' second opinion)."""
    if denominator == 0:
        return "n/a"
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def build_table(n: Mapping[str, int]) -> dict:
    """The table rows and the two indicators (with their small-n notes), from item counts."""
    b15_den, b16_den = n["3.1"], n["2.1"]
    indicators = []
    for (item, label), num, den, what in (
        (INDICATORS[0], n["3.1(a)"], b15_den, "resolution meetings"),
        (INDICATORS[1], n["2.1(a)(i)"] + n["2.1(b)(i)"], b16_den, "mediations held"),
    ):
        note = ""
        if den == 0:
            note = f"No {what} this year, so there is no percentage."
        elif den < SMALL_N:
            note = (f"Fewer than {SMALL_N} {what} ({den}): the State is not required to set "
                    "a target or report progress for this indicator.")
        indicators.append({"item": item, "label": label, "value": percent(num, den),
                           "numerator": num, "denominator": den, "note": note})
    return {"items": [{"item": item, "label": label, "value": n[item]}
                      for item, label in ITEMS],
            "indicators": indicators}


def report(org_id: int, year: int) -> dict:
    """The 618 table of the organization's school year (``year`` = its first calendar year)."""
    from .models import school_year_label

    table = build_table(counts(org_id, year))
    table["school_year"] = school_year_label(year)
    return table


def csv_rows(table: dict) -> list[list[str]]:
    """Rows `item,label,value`, the indicators last as B15 and B16."""
    rows = [["item", "label", "value"]]
    rows += [[r["item"], r["label"], str(r["value"])] for r in table["items"]]
    rows += [[r["item"], r["label"], r["value"]] for r in table["indicators"]]
    return rows


def identities(n: Mapping[str, int]) -> list[str]:
    """The table's identities that do not hold (empty when consistent)."""
    checks = {
        "1 = 1.1 + 1.2 + 1.3": n["1"] == n["1.1"] + n["1.2"] + n["1.3"],
        "2 = 2.1 + 2.2 + 2.3": n["2"] == n["2.1"] + n["2.2"] + n["2.3"],
        "2.1 = 2.1(a) + 2.1(b)": n["2.1"] == n["2.1(a)"] + n["2.1(b)"],
        "3 = 3.2 + 3.3 + 3.4": n["3"] == n["3.2"] + n["3.3"] + n["3.4"],
        "4 = 4.2 + 4.3 + 4.4": n["4"] == n["4.2"] + n["4.3"] + n["4.4"],
        "4 <= 3 (expedited are due process complaints)": n["4"] <= n["3"],
    }
    return [name for name, ok in checks.items() if not ok]
