"""Links from outside: single-purpose, expiring, revocable tokens for people without an account.

One mechanism for every link the app gives to someone who does not sign in: a
guardian's pre-meeting input, a commitment owner's progress update, a neutral's
accept link, a room display's pairing code. Only the SHA-256 of a token is
stored; the token itself is shown or sent once. Every use is recorded in the
record of access. See ``services`` for the API.
"""
