"""Dispute-resolution cases: deadlines, CSV import/export, the 618 table, dashboard, surveys."""
