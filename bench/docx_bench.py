"""How long the Word builders take, against python-docx writing a bare table of the same size.

Run: .venv/bin/python bench/docx_bench.py [repeats]

Documents: an action plan with 100 activities (a 101 x 7 worksheet) and a
meeting summary with 50 action items (a 51 x 4 action plan table). The baseline
for each is python-docx writing only a plain table with the same rows and
columns to bytes, measured in the same run, so the ratio says what our styling,
headings, sections and repeated header rows cost on this machine.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from datetime import date, timedelta

import docx

from facilitator.documents.capacity import (
    ActionPlanData,
    ActivityData,
    DesiredResultData,
    ProgressData,
    TargetData,
    build_action_plan,
)
from facilitator.documents.meeting_summary import (
    ActionItem,
    Concern,
    Decision,
    MeetingSummaryData,
    Participant,
    build_meeting_summary,
)


def plan(n: int) -> ActionPlanData:
    start = date(2026, 9, 1)
    return ActionPlanData(
        title="Bench plan", organization_name="Riverside USD", owner="Dana Okafor",
        priority_area="Early resolution of disputes",
        desired_results=[DesiredResultData(x, f"Label {x}", "Q?", "An answer.") for x in "abcdefg"],
        targets=[TargetData("80% of teams use the agenda", date(2027, 6, 30), "Obs.", "Rubric")],
        activities=[ActivityData(f"Activity {i}: coach IEP teams after meetings", "Coaching time",
                                 "Luis Moreno", start + timedelta(days=i),
                                 start + timedelta(days=i + 30), "Pilot schools", "In progress")
                    for i in range(n)],
        progress=[ProgressData("update", date(2026, 10, 1), "Cohort 1 trained")])


def summary(n: int) -> MeetingSummaryData:
    return MeetingSummaryData(
        student_name="Jamie Lee", meeting_date=date(2026, 3, 4), kind="Facilitated IEP meeting",
        participants=[Participant("Ana Lee", "Parent"), Participant("Luis Moreno", "Facilitator")],
        concerns=[Concern("Reading", agreement="Small-group reading")],
        decisions=[Decision("Start small-group reading", ["Ana Lee"], "Data")],
        action_items=[ActionItem(f"Step {i}: send the reading data", "Karen Holt",
                                 date(2026, 3, 10), "open") for i in range(n)])


def bare_table(rows: int, cols: int) -> bytes:
    document = docx.Document()
    table = document.add_table(rows=rows, cols=cols)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def timed_pair(ours, baseline, repeats: int) -> tuple[float, float]:
    """Medians, the two measured alternately so load from other processes hits both alike."""
    ours(), baseline()  # warm-up
    a, b = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        ours()
        t1 = time.perf_counter()
        baseline()
        t2 = time.perf_counter()
        a.append(t1 - t0)
        b.append(t2 - t1)
    return statistics.median(a), statistics.median(b)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    plan_data, summary_data = plan(100), summary(50)
    cases = (
        ("action plan, 100 activities", lambda: build_action_plan(plan_data),
         lambda: bare_table(101, 7)),
        ("meeting summary, 50 action items", lambda: build_meeting_summary(summary_data),
         lambda: bare_table(51, 4)),
    )
    print(f"median of {repeats} runs each, python-docx {getattr(docx, '__version__', '?')}")
    for name, build, baseline in cases:
        ours, base = timed_pair(build, baseline, repeats)
        print(f"{name:34} {ours * 1000:8.1f} ms   bare table {base * 1000:7.1f} ms   "
              f"ratio {ours / base:5.2f}x   ({len(build()) // 1024} KB)")


if __name__ == "__main__":
    main()
