"""Extraction: sentences, check-worthiness, claimant and stance; editors' decisions on claims."""
