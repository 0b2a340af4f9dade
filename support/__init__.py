"""Problems the municipality reports to KISA about an ordered product: threads, replies, solving, mails."""
