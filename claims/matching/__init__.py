"""Checked before? Claims matched against our claims, our checks, other fact-checkers' reviews."""
