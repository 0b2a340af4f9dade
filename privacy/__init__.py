"""Data protection: the inventory of personal data, access (Art. 15 DSGVO), erasure (Art. 17) and retention."""
