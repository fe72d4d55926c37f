"""Capacity assessment and action plan documents, read back and converted with LibreOffice."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from documents.docx_checks import (
    assert_no_empty_paragraphs,
    assert_one_font_family,
    assert_table_rows_behave,
    header_footer_text,
    headings,
    needs_soffice,
    pdf_pages,
    pdf_text,
    reopen,
    table_texts,
    to_pdf,
    to_pdfs,
)
from docx.enum.section import WD_ORIENT

from facilitator.documents.capacity import (
    WORKSHEET_HEADERS,
    WORKSHEET_WIDTHS,
    ActionPlanData,
    ActivityData,
    AssessmentStepData,
    CapacityAssessmentData,
    DesiredResultData,
    MeasuredData,
    ProgressData,
    TargetData,
    build_action_plan,
    build_capacity_assessment,
    missing_parts,
)

LONG_WORD = "Interdisciplinary-collaborative-problem-solving-professional-development-sessions"


def plan_data(activities: int = 8) -> ActionPlanData:
    return ActionPlanData(
        title="Early resolution of disagreements, 2026-27",
        organization_name="Riverside Unified School District", owner="Dana Okafor",
        updated_at=datetime(2026, 11, 2, 15, 0), source_assessment="Spring capacity review",
        priority_question="Our priority area",
        priority_area="Collaborative problem solving and early resolution of disputes.",
        desired_results=[DesiredResultData(letter, f"Label {letter}", f"Question {letter}?",
                                           f"Answer {letter}.\nSecond line {letter}.")
                         for letter in "abcdefg"],
        targets=[TargetData("By June 2027, 80% of pilot IEP teams use the shared agenda.",
                            date(2027, 6, 30), "Observation data", "Observation rubric"),
                 TargetData("Parent satisfaction rises to 85%.", date(2020, 1, 31), "", "")],
        activities=[ActivityData(
            f"{i}. " + ("Train IEP teams in listening for interests and reflecting back what "
                        "families say, with role play" if i % 2 else LONG_WORD),
            "CADRE Working Together modules; substitute days", "Luis Moreno",
            date(2026, 9, 1), date(2026, 12, 15), "Pilot schools first", "In progress")
            for i in range(1, activities + 1)],
        progress=[ProgressData("update", date(2026, 10, 1), "Cohort 1 trained", author="Dana"),
                  ProgressData("accomplishment", date(2026, 10, 20), "All six schools joined"),
                  ProgressData("adjustment", date(2026, 11, 1), "Training moved online",
                               reason="Travel budget was cut")],
        today=date(2026, 11, 22))


def test_action_plan_structure_follows_the_cadre_tool():
    document = reopen(build_action_plan(plan_data()))
    assert headings(document, 1) == [
        "Still to be filled in", "1. Our priority area", "2. Desired results",
        "3. Measurable outcome-based performance targets", "Activities Planning Worksheet",
        "Tracking progress"]
    assert headings(document, 2) == [f"2{letter}. Label {letter}" for letter in "abcdefg"] + [
        "Target 1", "Target 2", "Progress updates", "Accomplishments to celebrate",
        "Adjustments made and why"]
    assert headings(document, 3) == [
        "3a. What data would show that we have met the target?",
        "3b. Which data sources will we use?"] * 2
    text = "\n".join(p.text for p in document.paragraphs)
    assert "By when: June 30, 2027" in text
    assert "By when: January 31, 2020 (this date has passed)" in text
    assert "Second line c." in text and "Question c?" in text
    assert "Why: Travel budget was cut" in text
    assert "October 20, 2026: All six schools joined" in text
    assert "3. Target 2: 3a data, 3b data sources" in text
    assert "Built from the assessment: Spring capacity review" in text
    assert_no_empty_paragraphs(document)


def test_worksheet_is_a_landscape_table_with_the_six_columns_and_status():
    data = plan_data(activities=12)
    document = reopen(build_action_plan(data))
    portrait, landscape, back = document.sections
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert landscape.page_width > landscape.page_height
    assert portrait.page_width < portrait.page_height and back.page_width < back.page_height
    usable = (landscape.page_width - landscape.left_margin - landscape.right_margin) / 914400
    assert sum(WORKSHEET_WIDTHS) <= usable + 0.01
    (table,) = document.tables
    rows = table_texts(table)
    assert rows[0] == list(WORKSHEET_HEADERS)
    assert len(rows) == 13
    for row, activity in zip(rows[1:], data.activities, strict=True):
        assert row == [activity.activity, activity.resources_needed, activity.staff_lead,
                       "Sep 1, 2026", "Dec 15, 2026", activity.notes, "In progress"]
    assert_table_rows_behave(table)
    # The worksheet sits in the landscape section: after the 1st section break, before the 2nd.
    body = document.element.body
    breaks = [i for i, el in enumerate(body) if el.find(".//{*}sectPr") is not None]
    table_index = list(body).index(table._tbl)
    assert breaks[0] < table_index < breaks[1]


def test_empty_plan_is_valid_and_lists_what_is_missing():
    data = ActionPlanData(title="Empty plan", desired_results=[
        DesiredResultData(letter, f"Label {letter}", "Q?") for letter in "abcdefg"])
    assert missing_parts(data) == [
        "1. The priority area", "2. Desired results: 2a, 2b, 2c, 2d, 2e, 2f, 2g",
        "3. At least one performance target",
        "The Activities Planning Worksheet: at least one activity"]
    document = reopen(build_action_plan(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Owner: No owner yet" in text and "Last updated: Never" in text
    assert text.count("Not filled in yet.") == 8
    assert "No activities yet." in text and "No adjustments made yet." in text
    assert len(document.sections) == 1
    assert_no_empty_paragraphs(document)


def assessment_data() -> CapacityAssessmentData:
    return CapacityAssessmentData(
        title="Spring capacity review", organization_name="Riverside USD", scope="Middle schools",
        owner="Dana Okafor", updated_at=datetime(2026, 4, 2),
        steps=[AssessmentStepData(n, f"Title {n}", [f"Question {n}.1?", f"Question {n}.2?"],
                                  answer=f"Answer {n}" if n != 4 else "",
                                  data_sources="Complaint log" if n < 3 else "")
               for n in range(1, 7)])


def test_capacity_assessment_has_each_step_with_answers_and_sources():
    document = reopen(build_capacity_assessment(assessment_data()))
    assert headings(document, 1) == [f"Step {n}. Title {n}" for n in range(1, 7)]
    assert headings(document, 2) == ["Questions to consider", "Our answer",
                                     "Data sources used"] * 6
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Steps answered: 5 of 6" in text and "Question 4.2?" in text
    assert text.count("Not answered yet.") == 1
    assert text.count("No data sources named yet.") == 4
    header, footer, _ = header_footer_text(document)
    assert "Spring capacity review" in header and "Page 1 of 1" in footer
    assert_no_empty_paragraphs(document)


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_converts_plans_and_assessments_with_sane_page_counts(tmp_path):
    empty = ActionPlanData(title="Empty", desired_results=[
        DesiredResultData(letter, f"Label {letter}", "Q?") for letter in "abcdefg"])
    pdfs = to_pdfs({"plan": build_action_plan(plan_data(activities=8)),
                    "big": build_action_plan(plan_data(activities=60)),
                    "empty": build_action_plan(empty),
                    "assessment": build_capacity_assessment(assessment_data())}, tmp_path)
    pdf = pdfs["plan"]
    assert 4 <= pdf_pages(pdf) <= 8
    text = pdf_text(pdf)
    assert "Activities Planning Worksheet" in text and "Resources Needed" in text
    assert_one_font_family(pdf)

    big = pdfs["big"]
    pages = pdf_pages(big)
    assert 8 <= pages <= 30
    text = pdf_text(big)
    # The worksheet's header row repeats on every landscape page it runs over.
    assert text.count("Resources Needed") >= 3
    assert f"Page {pages} of {pages}" in text

    pdf = pdfs["empty"]
    assert 1 <= pdf_pages(pdf) <= 3
    assert "Still to be filled in" in pdf_text(pdf)

    pdf = pdfs["assessment"]
    assert 1 <= pdf_pages(pdf) <= 4


def measured_plan() -> ActionPlanData:
    data = plan_data(activities=2)
    data.targets[0].measured = MeasuredData(
        facts=[("Measure", "Facilitated IEP agreement rate (full agreement)"),
               ("Schools", "Pilot schools (Oak, Pine)"),
               ("Status", "On track: 68.00% in 2026-27 (to date), 12 points to go")],
        measured_at=datetime(2026, 12, 6, 14, 5),
        headers=["School year", "Pilot schools", "Counted", "On-track line", "Status",
                 "Gap to target", "Rest of the organization", "Status there"],
        rows=[["2025-26", "60.00%", "30", "60.00%", "On track", "20 points to go", "55.00%",
               "Not on track"],
              ["2026-27 (to date)", "68.00%", "12", "66.00%", "On track", "12 points to go",
               "50.00%", "Not on track"]])
    data.targets[1].readings = ["2026-11-30: 81% (source: indicator 8 survey)"]
    return data


def test_a_bound_target_carries_its_measured_table_and_when_it_was_measured():
    document = reopen(build_action_plan(measured_plan()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Progress, measured" in text
    assert "Measured: December 6, 2026, 2:05 p.m. UTC, from the organization's" in text
    table = document.tables[0]
    assert table_texts(table)[0][:2] == ["School year", "Pilot schools"]
    assert_table_rows_behave(table)
    assert "Progress, recorded by hand" in text and "indicator 8 survey" in text


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_shows_the_measured_progress(tmp_path):
    pdf = to_pdf(build_action_plan(measured_plan()), tmp_path, "measured")
    text = pdf_text(pdf)
    assert "Progress, measured" in text and "Rest of the" in text
    assert "2026-27 (to date)" in text and "December 6, 2026" in text
    assert_one_font_family(pdf)
