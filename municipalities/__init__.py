"""Municipality reference data (AGS list) and the keys derived from it (ARS, Leitweg-ID)."""
