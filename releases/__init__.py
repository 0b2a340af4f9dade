"""Releases of catalogue products after go-live: publish one, tell every municipality using it, review flags."""
