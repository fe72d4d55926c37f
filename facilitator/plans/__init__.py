"""Capacity assessments and CADRE-structured capacity action plans."""
