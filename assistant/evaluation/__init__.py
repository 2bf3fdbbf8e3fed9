"""Retrieval evaluation: datasets in (SQuAD JSON, BEIR folders, TREC qrels), metrics via ir_measures."""
