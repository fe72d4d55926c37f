"""Word (python-docx) builders: pure functions from plain data to bytes."""
