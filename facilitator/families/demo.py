"""Demo families with guardians and tip files (fictional people and schools)."""

from __future__ import annotations

from datetime import date

from ..extensions import db
from .models import Contact, Family, TipEntry

FAMILIES = {
    "riverside": [
        {"student_name": "Mateo Alvarez", "student_ref": "RUSD-204518", "school":
         "Cedar Grove Elementary", "grade": "3", "date_of_birth": date(2017, 5, 14),
         "primary_language": "Spanish", "interpreter_needed": True,
         "contacts": [("Lucía Alvarez", "parent", "lucia.alvarez@example.org", "555-0142",
                       "Spanish"), ("Jorge Alvarez", "parent", "", "555-0143", "Spanish")],
         "tips": [
             ("frustration", "Hearing that speech services are limited by staffing. Mrs. Alvarez "
                             "has been told this twice and felt dismissed."),
             ("joy", "Mateo loves drawing trains and has started reading signs aloud at the "
                     "station. Start with this."),
             ("sensitive", "His grandfather died in the spring; Mateo had a hard few months."),
             ("communication", "Spanish interpreter in the room, not by phone. Send papers a "
                               "week ahead, in Spanish."),
             ("logistics", "After 3:30 pm only (Mr. Alvarez works early shifts). Younger "
                           "sister comes along: have crayons ready."),
         ]},
        {"student_name": "Ava Thompson", "student_ref": "RUSD-198377", "school":
         "Lakeview Middle School", "grade": "7", "date_of_birth": date(2013, 11, 2),
         "primary_language": "English",
         "contacts": [("Denise Thompson", "parent", "denise.t@example.org", "555-0178", "")],
         "tips": [
             ("frustration", "Last year's behaviour plan was changed without a meeting. Ask "
                             "before assuming anything was agreed."),
             ("joy", "Ava runs the school's gardening club and is proud of it."),
             ("communication", "Prefers email over phone calls; reads everything closely."),
         ]},
        {"student_name": "Noah Kim", "student_ref": "RUSD-221904", "school":
         "Cedar Grove Elementary", "grade": "K", "date_of_birth": date(2020, 8, 21),
         "primary_language": "Korean", "interpreter_needed": True,
         "contacts": [("Ji-woo Kim", "parent", "jiwoo.kim@example.org", "555-0190", "Korean")],
         "tips": [("logistics", "Mornings work best; the family relies on the bus.")]},
        {"student_name": "Isabella Okoro", "student_ref": "RUSD-187220", "school":
         "Riverside High School", "grade": "10", "primary_language": "English",
         "contacts": [("Grace Okoro", "guardian", "", "555-0111", "")],
         "tips": [("joy", "Isabella wants to become a veterinary technician; link goals "
                          "to that.")]},
        {"student_name": "Liam Patel", "student_ref": "RUSD-230115", "school":
         "Lakeview Middle School", "grade": "6", "primary_language": "Gujarati",
         "contacts": [("Priya Patel", "parent", "ppatel@example.org", "555-0165", "Gujarati")],
         "tips": []},
    ],
    "family-voices": [
        {"student_name": "Sophie Martin", "student_ref": "FV-0031", "school":
         "Hillcrest Elementary", "grade": "2", "primary_language": "English",
         "contacts": [("Claire Martin", "parent", "claire.m@example.org", "555-0120", "")],
         "tips": [("sensitive", "Mother is worried about being seen as 'difficult'.")]},
    ],
}


def load(ctx) -> None:
    """Add the demo families, their contacts and tip files (flushes, no commit)."""
    authors = {"riverside": ctx.users["facilitator@riverside.example"],
               "family-voices": ctx.users["advocate@familyvoices.example"]}
    for slug, families in FAMILIES.items():
        org = ctx.orgs[slug]
        for spec in families:
            spec = dict(spec)
            contacts, tips = spec.pop("contacts"), spec.pop("tips")
            family = Family(organization_id=org.id, **spec)
            db.session.add(family)
            for name, role, email, phone, language in contacts:
                family.contacts.append(Contact(
                    organization_id=org.id, name=name, role=role, email=email, phone=phone,
                    preferred_language=language, is_guardian=True))
            for kind, text in tips:
                family.tips.append(TipEntry(organization_id=org.id, kind=kind, text=text,
                                            author_id=authors[slug].id))
    db.session.flush()
