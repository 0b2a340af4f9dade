"""E-mail notifications: templates per event, the outbox (written in the caller's transaction), delivery."""
