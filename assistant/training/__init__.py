"""Training the models the product ships, from weights it already installs (torch; CPU is enough).

- ``reader_pairs``: the reader's training pairs from SQuAD-format data (positives hold the gold answer;
  hard negatives from the question's own paragraph and from the paragraphs BM25 finds for it).
- ``reader``: its training loop (frozen lower layers cached once; top layers and head trained).

The runtime side is ``models.reader`` (the shipped delta, checked, applied and run in ONNX); the
command is ``python -m eval.train_reader``.
"""
