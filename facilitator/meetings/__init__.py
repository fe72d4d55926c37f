"""Meetings: preparation, the live meeting (checklists, prompts, notes, concerns, decisions,
action items, parking lot) and what happens after."""
