"""The family's meeting summary: every section, row and cell, read back with python-docx."""

from __future__ import annotations

from datetime import date, datetime, time

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
    to_pdfs,
)
from docx.oxml.ns import qn

from facilitator.documents import common
from facilitator.documents.meeting_summary import (
    ActionItem,
    Concern,
    Decision,
    MeetingSummaryData,
    NextMeeting,
    ParkingLotItem,
    Participant,
    build_meeting_summary,
    filename,
)

LONG = ("The team will look at the reading data from the fall and spring benchmark tests and "
        "compare them with the goals in the current IEP, then share the results with the family "
        "in writing before the next meeting so there is time to read them. ") * 3


def full_data(actions: int = 4) -> MeetingSummaryData:
    return MeetingSummaryData(
        student_name="Jamie Lee",
        meeting_date=date(2026, 3, 4),
        kind="Facilitated IEP meeting",
        start_time=time(15, 30), end_time=time(17, 0),
        place="Riverside Middle School, room 114",
        facilitator="Luis Moreno",
        purpose="Annual IEP review and reading supports",
        organization_name="Riverside Unified School District",
        participants=[
            Participant("Ana Lee", "Parent"),
            Participant("Luis Moreno", "Facilitator"),
            Participant("Karen Holt", "Special education teacher"),
            Participant("Dr. Sam Ortiz", "School psychologist", attended=False),
        ],
        concerns=[
            Concern("Jamie's reading is not improving.", raised_by="Ana Lee",
                    interests=["Jamie reads for fun again", "Clear progress reports"],
                    options=["Small-group reading four days a week", "Audiobooks in class"],
                    agreement="Small-group reading four days a week, reviewed in six weeks."),
            Concern("Homework takes three hours every night.", raised_by="Ana Lee"),
        ],
        decisions=[
            Decision("Start small-group reading on March 16", ["Ana Lee", "Karen Holt"],
                     "Both the data and the family point to decoding as the need."),
            Decision(LONG, ["Ana Lee"], LONG),
        ],
        action_items=[
            ActionItem(f"Step {i}: " + ("send the reading data" if i % 2 else LONG),
                       who="Karen Holt" if i % 3 else "",
                       due=date(2026, 3, 10 + i % 15) if i % 4 else None,
                       status=["open", "in_progress", "done", "Waiting on family"][i % 4])
            for i in range(1, actions + 1)
        ],
        parking_lot=[ParkingLotItem("Bus route change", "Ask transportation by Friday"),
                     ParkingLotItem("   ")],
        next_meeting=NextMeeting(datetime(2026, 4, 20, 15, 30), "Room 114",
                                 "Check reading progress"),
        notes="Ana asked for the summary in Spanish too.\n\nThe team agreed.",
        contact="Luis Moreno, (555) 010-2030",
        prepared_on=date(2026, 3, 5),
    )


def test_every_section_is_there_in_order_with_real_heading_styles():
    document = reopen(build_meeting_summary(full_data()))
    assert document.paragraphs[0].style.name == "Title"
    assert headings(document, 1) == [
        "About the meeting", "Who was there", "What we talked about", "Decisions",
        "Action plan: who will do what, and by when", "Set aside for later", "Next meeting",
        "Other notes", "Questions?"]
    assert headings(document, 2) == ["Concern 1", "Concern 2"]
    text = "\n".join(p.text for p in document.paragraphs)
    for expected in ("Student: Jamie Lee", "Date: March 4, 2026, 3:30 p.m. to 5:00 p.m.",
                     "Kind of meeting: Facilitated IEP meeting",
                     "Place: Riverside Middle School, room 114", "Facilitator: Luis Moreno",
                     "Why we met: Annual IEP review", "Raised by: Ana Lee",
                     "Jamie reads for fun again", "Audiobooks in class",
                     "What we agreed: Small-group reading four days a week",
                     "What we agreed: We did not reach an agreement on this yet.",
                     "Invited but not able to attend: Dr. Sam Ortiz (School psychologist).",
                     "Bus route change (next: Ask transportation by Friday)",
                     "When: April 20, 2026, 3:30 p.m.", "Where: Room 114",
                     "contact Luis Moreno, (555) 010-2030", "Prepared on March 5, 2026."):
        assert expected in text, expected
    assert_no_empty_paragraphs(document)


def test_tables_hold_people_decisions_and_the_action_plan_cell_by_cell():
    data = full_data()
    document = reopen(build_meeting_summary(data))
    people, decisions, actions = document.tables
    assert table_texts(people) == [["Name", "Role at the meeting"], ["Ana Lee", "Parent"],
                                   ["Luis Moreno", "Facilitator"],
                                   ["Karen Holt", "Special education teacher"]]
    assert table_texts(decisions)[0] == ["What we decided", "Who agreed", "Why"]
    assert table_texts(decisions)[1] == [
        "Start small-group reading on March 16", "Ana Lee, Karen Holt",
        "Both the data and the family point to decoding as the need."]
    assert table_texts(decisions)[2][0] == LONG.strip()
    rows = table_texts(actions)
    assert rows[0] == ["What will happen", "Who", "By when", "Status"]
    assert rows[1] == ["Step 1: send the reading data", "Karen Holt", "March 11, 2026",
                       "In progress"]
    assert rows[3] == ["Step 3: send the reading data", "Not yet decided", "March 13, 2026",
                       "Waiting on family"]
    assert rows[4][2:] == ["No date set", "Not started"]
    assert len(rows) == 1 + len(data.action_items)
    for table in document.tables:
        assert_table_rows_behave(table)
        assert all(cell.text.strip() for row in table.rows for cell in row.cells)


def test_header_has_student_and_date_footer_has_page_numbers_and_confidentiality():
    document = reopen(build_meeting_summary(full_data()))
    header, footer, footer_xml = header_footer_text(document)
    assert header == "Jamie Lee · Meeting on March 4, 2026"
    assert "Confidential" in footer and "Page 1 of 1" in footer
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml


def test_one_font_everywhere():
    document = reopen(build_meeting_summary(full_data()))
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Header", "Footer", "List Bullet"):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:ascii")) == common.FONT, name
        assert fonts.get(qn("w:asciiTheme")) is None, name
    for p in document.paragraphs:
        for run in p.runs:
            assert run.font.name in (None, common.FONT)


def test_an_almost_empty_meeting_still_reads_well():
    data = MeetingSummaryData("Kim Park", date(2026, 1, 9), "IEP meeting")
    document = reopen(build_meeting_summary(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "No one was recorded as attending." in text
    assert "No concerns were recorded" in text
    assert "No decisions were recorded" in text
    assert "No next steps were recorded" in text
    assert "No next meeting has been set yet." in text
    assert "Set aside for later" not in text and "Other notes" not in text
    assert document.tables == []
    assert_no_empty_paragraphs(document)


def test_file_name_is_plain_ascii():
    data = MeetingSummaryData("José Núñez", date(2026, 1, 9), "IEP meeting")
    assert filename(data) == "meeting-summary-jose-nunez-2026-01-09.docx"


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_converts_it_with_a_sane_page_count(tmp_path):
    pdfs = to_pdfs({"short": build_meeting_summary(full_data(actions=4)),
                    "long": build_meeting_summary(full_data(actions=50))}, tmp_path)
    short = pdfs["short"]
    assert 1 <= pdf_pages(short) <= 4
    text = pdf_text(short)
    assert "Meeting summary and action plan" in text and "Page 1 of" in text
    assert_one_font_family(short)
    long = pdfs["long"]
    pages = pdf_pages(long)
    assert 4 <= pages <= 16
    text = pdf_text(long)
    # The action plan's header row is repeated on the pages the table runs onto.
    assert text.count("What will happen") >= 2
    assert f"Page {pages} of {pages}" in text
