"""Reader tips: claims readers send in, grouped by matching into one item per claim."""
