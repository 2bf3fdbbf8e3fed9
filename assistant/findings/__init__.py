"""Step 4: the findings (النتائج) of an article: ``selection`` (which sentences carry them, learned;
Lead-N and TextRank baselines) → ``summarize`` (one verified sentence per finding, related coverage)."""
