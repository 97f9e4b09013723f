"""News and documents (招商线索): article text, extraction, the review queue and accepted facts."""
