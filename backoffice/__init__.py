"""KISA's back office: the work queue, the review of submitted configurations, queries, set-up and Go-Live."""
