"""Questions asked at once: the quotes in turn (QUOTE_SLOTS), one generation at a time (the LLM's gate)."""

import threading

import pytest

from tests.conftest import ScriptedLLM
from tests.test_answer import Q, _setup


def test_one_generation_at_a_time_others_see_their_place(fake_assistant, tmp_path):
    release = threading.Event()

    class SlowLLM(ScriptedLLM):
        def chat(self, *args, **kwargs):  # noqa: ANN002, ANN003
            release.wait(10)
            return super().chat(*args, **kwargs)

    good = "أكد ماكرون أن 26 دولة على الأقل التزمت بإرسال جنود ضمن قوة أمنية [1]."
    a = _setup(fake_assistant, tmp_path, llm=SlowLLM(good, good))
    first = a.ask_events(Q, mode="generative")
    assert next(first).kind == "quote"
    holder = threading.Thread(target=lambda: list(first))
    holder.start()
    while a.gate.waiting() < 1:
        pass
    second = a.ask_events(Q, mode="generative")
    kinds = [next(second).kind, next(second)]
    assert kinds[0] == "quote" and kinds[1].kind == "waiting" and kinds[1].ahead == 1
    release.set()
    rest = list(second)
    holder.join(10)
    assert rest[-1].kind == "final" and rest[-1].answer.mode == "generative"


@pytest.mark.parametrize("slots", [1, 2])
def test_quotes_are_made_in_turn_up_to_the_slots_setting(fake_assistant, tmp_path, slots):
    """A burst of questions on cores they share: each quote is made in one of QUOTE_SLOTS, so the
    first ones come at once and the others wait their turn instead of all coming late."""
    a = _setup(fake_assistant, tmp_path, quote_slots=slots)
    got = threading.Event()
    with a.quotes.making():  # another question's quote in the making
        asker = threading.Thread(target=lambda: next(a.ask_events(Q, mode="extractive")) and got.set())
        asker.start()
        assert got.wait(0.5) is (slots > 1)  # one slot: it waits
    asker.join(10)
    assert got.is_set() and a.quotes.pending() == 0
