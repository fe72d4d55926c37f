"""The room tests' fixtures live in tests/room_fixtures.py (the browser tests use them too)."""

from room_fixtures import canaries, room_meeting  # noqa: F401 - fixtures
