"""The outbox: every mail the app sends is stored here first, then sent by the worker."""
