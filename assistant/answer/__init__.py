"""Step 3: a question answered. ``scoring`` (the learned sentence scorer) and the reader
(``models.reader``) choose the sentence or abstain → ``ask`` quotes it at once and, with an LLM,
drafts → ``generate`` (the prompt and the draft) → ``grounding`` (citations checked, sentence by
sentence; also used by findings)."""
