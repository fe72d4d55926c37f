"""Organizations, users, roles, login and the organization admin screens."""
