"""The configuration questionnaire ("D-Work"): definition, checks, drafts, team work, submission, export."""
