"""Evidence: gathering runs, a job per provider, ranked passages, what reviewers do with them."""
