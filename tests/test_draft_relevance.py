"""Is the draft on the question, with the reader: an Arabic draft is rated by the reader reading the
question and the draft together (``relevance.reader_rating``), not by the feature scorer."""

import numpy as np

from tests.conftest import ScriptedLLM
from tests.test_answer import ART, Q

CAL = {"candidates": 6, "blend": 0.0, "pairs": {"ar-ar": {"coef": [1.0, 0.0], "intercept": 0.0, "threshold": 0.5}}}


class FigureReader:
    """Reads a sentence as an answer to "how many countries" when it gives the figure 26."""

    record = {"calibration": CAL}

    def __init__(self) -> None:
        self.read: list[str] = []

    def logits(self, question, sentences):  # noqa: ANN001, ANN201
        self.read += sentences
        return np.array([4.0 if "26" in s else -4.0 for s in sentences], np.float32)


def _setup(fake_assistant, tmp_path, llm, reader):  # noqa: ANN001, ANN202
    f = tmp_path / "a.txt"
    f.write_text(ART, encoding="utf-8")
    a = fake_assistant(llm=llm, answer_reader="on" if reader else "off")
    a._reader = reader
    a.ingest([f])
    return a


# Verified (every word stands in the cited sentence) and close to the question's words, but it does not
# say how many: the restatement the feature scorer rewards.
RESTATED = "التزمت بإرسال جنود ضمن قوة أمنية [1]."
ANSWERS = "26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية [1]."


def test_with_the_reader_a_restatement_of_the_question_is_turned_down(fake_assistant, tmp_path):
    reader = FigureReader()
    a = _setup(fake_assistant, tmp_path, ScriptedLLM(RESTATED, ANSWERS), reader)
    off = a.ask(Q, mode="generative")
    assert off.mode == "extractive" and off.llm_status == "off the question" and "26" in off.answer
    assert RESTATED.removesuffix(" [1].") in " ".join(reader.read)  # the reader read the draft itself
    on = a.ask(Q, mode="generative")
    assert on.mode == "generative" and on.llm_status == "used" and on.answer.startswith("26 دولة")


def test_without_the_reader_the_scorer_rates_the_draft(fake_assistant, tmp_path):
    """What the test above rests on: the same restatement, rated by the feature scorer, is shown."""
    a = _setup(fake_assistant, tmp_path, ScriptedLLM(RESTATED), None)
    shown = a.ask(Q, mode="generative")
    assert shown.mode == "generative" and shown.llm_status == "used"
