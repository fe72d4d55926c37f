"""Advocate records: a family's documents, timeline, decision log and record packets."""
