"""Text helpers every step shares: Arabic normalisation, stemming and sentences (``arabic``), what a
question asks and what a sentence offers (``questions``), near-duplicate signatures (``dedup``), and
names safe to print, word counts (``words``). Imports nothing of the assistant but ``errors``."""
