"""The onboarding journey "In fünf Schritten zum Online-Antragsassistenten" as data."""
