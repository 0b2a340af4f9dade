"""The audit log: recording actions and reading them back (staff only)."""
