"""Demo data: one capacity assessment and one action plan for the Riverside district.

Fictional people, schools and figures. The structure follows CADRE's "Getting
Started" steps (seed 000) and Action Planning Tool (seed 001); the text is ours.
"""

from __future__ import annotations

from datetime import date

from ..adr.demo import PILOT_SCHOOLS
from ..adr.models import school_year_label, school_year_of
from . import evidence, measured, services


def load(ctx) -> None:
    """Add Riverside's spring capacity assessment and the plan built from it."""
    org = ctx.orgs["riverside"]
    admin = ctx.users["admin@riverside.example"]
    facilitator = ctx.users["facilitator@riverside.example"]

    assessment = services.create_assessment(
        org.id, "Early resolution capacity review, spring 2026",
        "The district's six middle and high schools", owner=admin)
    answers = {
        1: ("Families and school teams mostly work well together in elementary schools, but "
            "at the two middle schools and Riverside High disagreements over reading and behaviour "
            "supports often reach a state complaint before anyone sits down together.\n"
            "Case managers say they have had no training in running a hard conversation.",
            "State complaint log 2023-26 (14 complaints, 9 from three schools); indicator 8 "
            "parent survey 2025 (61% agree the school helps them take part)"),
        2: ("The complaint numbers are solid; the survey has a low response rate from Spanish-"
            "speaking families, so it may overstate satisfaction. Two schools with few "
            "complaints also have few IEP meetings with parents present, which may hide "
            "unresolved concerns.",
            "Survey response rates by language; IEP attendance sign-in sheets"),
        3: ("IEP teams listen for what matters to the family, share information before the "
            "meeting, and settle disagreements at the table or with a facilitator.\n"
            "Audience: case managers, school psychologists and site administrators.",
            "Focus groups with 12 parents (March 2026)"),
        4: ("Collaborative problem solving and early resolution of disagreements at the two "
            "schools with the most complaints, with facilitated IEP meetings available "
            "district-wide.",
            "Cabinet priorities 2026-27"),
        5: ("Training in interest-based problem solving, coaching after meetings, a shared "
            "agenda template, and two trained facilitators on call. The parent centre has "
            "offered to co-present to families.",
            "Budget worksheet; parent centre letter of support"),
        6: ("Start with a pilot at Cedar Hills Middle, North Ridge Middle and Riverside High "
            "in 2026-27, measure, then extend to all schools.",
            ""),
    }
    for step, (answer, sources) in answers.items():
        services.save_step(assessment, step, answer, sources)

    plan = services.create_plan(org.id, "Early resolution pilot, 2026-27", owner=admin,
                                assessment=assessment)
    services.update_plan(plan, plan.title, admin, plan.priority_area, {
        "a": "Team members listen for understanding, share relevant information before the "
             "meeting, raise and resolve disagreements as they come up, and reach decisions "
             "by consensus.",
        "b": "Case managers, school psychologists and administrators at the three pilot "
             "schools; the district's two facilitators.",
        "c": "Why early resolution helps everyone; how our own views shape a conflict; "
             "interest-based questions; reflective listening; keeping a meeting on track.",
        "d": "Short online modules with reflection questions, a one-day in-person session with "
             "role play, and coaching before and after real meetings.",
        "e": "Principals protect time for longer IEP meetings when needed; coaching from the "
             "district facilitators; a shared agenda template. The district funds substitute "
             "days and tracks the data.",
        "f": "Better relationships between families and staff, stronger IEPs, and fewer "
             "disagreements that end in state complaints or due process.",
        "g": "Nine of the last fourteen state complaints came from these three schools, and "
             "families there tell us they do not feel heard.",
    })
    services.save_target(
        plan, None, "By June 30, 2027, 80% of IEP teams in the pilot schools use the shared "
        "agenda and interest-based questions in observed meetings.", date(2027, 6, 30),
        "Training attendance; observation scores from a sample of real IEP meetings",
        "Sign-in sheets; observation rubric completed by the facilitators")
    services.save_target(
        plan, None, "By June 30, 2027, state complaints from the pilot schools fall from 9 to "
        "4 or fewer over the school year.", date(2027, 6, 30),
        "Count of state complaints and due process complaints by school",
        "State complaint log; district dispute-resolution records")
    services.save_target(
        plan, None, "By March 1, 2026, a facilitator is on call for every requested meeting.",
        date(2026, 3, 1), "Requests and how many were met", "Facilitation request log")
    _measured_target(org, plan, admin)

    activities = [
        ("Form the pilot team and agree on the shared agenda template", "Meeting time",
         "Dana Okafor", date(2026, 8, 17), date(2026, 8, 28), "Include a parent centre member",
         "completed"),
        ("Online modules on listening and interest-based questions for pilot staff",
         "Module licences; 2 hours per person", "Luis Moreno", date(2026, 9, 1),
         date(2026, 10, 15), "Track completion weekly", "completed"),
        ("One-day workshop with role play", "Substitute days (24); room at the district office",
         "Luis Moreno", date(2026, 10, 20), date(2026, 10, 20), "", "completed"),
        ("Coaching before and after IEP meetings", "Facilitator time, 6 hours a week",
         "Luis Moreno", date(2026, 10, 26), date(2027, 5, 28), "Start with the hardest cases",
         "in_progress"),
        ("Observe a sample of IEP meetings with the rubric", "Observation rubric; consent form",
         "Priya Raman", date(2026, 11, 2), date(2027, 5, 14), "Two per school per month",
         "in_progress"),
        ("Family evening on preparing for an IEP meeting, with the parent centre",
         "Interpreter (Spanish); childcare", "Dana Okafor", date(2027, 1, 21),
         date(2027, 1, 21), "", "not_started"),
        ("Mid-year review of the data with principals", "Data summary", "Priya Raman",
         date(2027, 2, 1), date(2027, 2, 12), "", "not_started"),
        ("Decide whether to extend to all schools", "Cabinet meeting time", "Dana Okafor",
         date(2027, 6, 1), date(2027, 6, 30), "Depends on both targets", "not_started"),
    ]
    for text, resources, lead, start, end, notes, status in activities:
        services.save_activity(plan, None, text=text, resources_needed=resources,
                               staff_lead=lead, start_date=start, end_date=end, notes=notes,
                               status=status)

    services.add_progress(plan, "update", date(2026, 10, 16),
                          "All 24 pilot staff finished the online modules.", author=facilitator)
    services.add_progress(plan, "accomplishment", date(2026, 10, 21),
                          "The workshop filled up, and every pilot school sent its principal.",
                          author=admin)
    services.add_progress(plan, "adjustment", date(2026, 11, 3),
                          "Observations moved from one to two per school each month.",
                          reason="One a month was too few to see a change by spring.",
                          author=admin)


def _measured_target(org, plan, admin) -> None:
    """The pilot group, a target bound to the pilot's facilitated IEP agreement rate (the
    rest of the district beside it), a figure typed by hand for the training target, and
    the progress page shared with the district's analysts."""
    group = evidence.create_group(org.id, "Pilot schools", list(PILOT_SCHOOLS))
    current = school_year_of(date.today())
    base_year = current - 1
    baseline = measured.check_binding(
        org.id, measure="fiep_full_rate", scope="group", group_id=group.id, schools=[],
        baseline_year=base_year, target_value=0.0, by_when=date(current + 1, 6, 30))
    goal = float(min(round(baseline.baseline.value) + 10, 95))
    binding = measured.check_binding(
        org.id, measure="fiep_full_rate", scope="group", group_id=group.id, schools=[],
        baseline_year=base_year, target_value=goal, by_when=date(current + 1, 6, 30))
    target = services.save_target(
        plan, None, f"By June 30, {current + 1}, at least {goal:g}% of facilitated IEP meetings "
        f"in the pilot schools end in full agreement ({school_year_label(base_year)}: "
        f"{baseline.baseline.display}%).", binding.by_when,
        "The facilitated IEP agreement rate in the pilot schools, beside the other schools",
        "District dispute-resolution records (measured by the app)")
    measured.apply_binding(target, binding)
    evidence.add_reading(plan.targets[0], date(2026, 11, 30), "11 of 24 observed meetings "
                         "(46%)", "Observation rubric, November sample", admin)
    plan.progress_shared = True
