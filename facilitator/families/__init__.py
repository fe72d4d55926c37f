"""Families (the student and their guardians) and the per-family tip file."""
