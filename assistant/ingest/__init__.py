"""Step 1: files become indexed documents. ``uploads`` and ``archives`` (zips within limits) →
``loaders`` (one per format) → ``cleaning`` (scraped pages, metadata, headings) → ``chunking`` →
``pipeline`` (dedup, embed, one writer commit every few hundred chunks)."""
