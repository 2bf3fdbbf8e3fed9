"""The chat of one browser tab. Questions are answered one after the other, in the order they were sent: one
sent while the answer before it is still coming is shown at once, waits its turn, and is then answered as the
question after it (a follow-up about another country is written out from it). Nothing typed is lost: the box is
emptied when its question joins the chat, and a question that cannot be answered stays in the conversation with
the reason beside it."""

from __future__ import annotations

import copy
import threading
from collections import deque
from collections.abc import Iterator

from assistant.core import Assistant
from assistant.web.api import error_message
from assistant.web.render import STARTED, answer_html, conversation_html, draft_html, error_html, waiting_html

Turn = tuple[str, str, str]  # (the question typed, its answer's HTML, the question answered)
Sent = tuple[str, int, str, str]  # (the question, and the settings it was sent with: k, retriever, answer mode)


class Chat:
    """One tab's conversation, kept by Gradio as the tab's state (the same object is handed to every handler of
    the tab): ``turns`` answered, ``waiting`` the questions sent and not yet taken, each with the settings it was
    sent with, ``live`` the turn being answered. The send handler and the answering one run side by side and
    meet here, under one lock. ``epoch`` counts new chats: what an answer started in an earlier chat would write
    is dropped."""

    def __init__(self) -> None:
        self.turns: list[Turn] = []
        self.waiting: deque[Sent] = deque()
        self.live: Turn | None = None
        self.epoch = 0
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict) -> Chat:  # Gradio copies a state's first value for each new tab
        new = Chat()
        new.turns, new.waiting, new.live = copy.deepcopy(self.turns), deque(self.waiting), self.live
        return new

    def send(self, question: str, k: float, retriever: str, mode: str) -> None:
        if question := (question or "").strip():
            with self._lock:
                self.waiting.append((question, int(k), retriever, mode))

    def take(self) -> tuple[Sent, int] | None:
        """The next question to answer (with its settings) and the chat it belongs to, or None when none waits."""
        with self._lock:
            return (self.waiting.popleft(), self.epoch) if self.waiting else None

    def previous(self) -> str | None:
        """The question answered last (a follow-up is written out from it)."""
        with self._lock:
            return self.turns[-1][2] if self.turns else None

    def show(self, epoch: int, turn: Turn, final: bool = False) -> bool:
        """The turn being answered as it stands (``final``: kept). False when the chat was started anew."""
        with self._lock:
            if epoch != self.epoch:
                return False
            if final:
                self.turns.append(turn)
            self.live = None if final else turn
            return True

    def clear(self) -> None:
        with self._lock:
            self.epoch += 1
            self.turns, self.live = [], None
            self.waiting.clear()

    def html(self) -> str:
        with self._lock:
            live = [self.live] if self.live else []
            waiting = [(sent[0], waiting_html()) for sent in self.waiting]
            return conversation_html([*self.turns, *live, *waiting], coming=len(live) + len(waiting))


def on_send(chat: Chat, question: str, k: float, retriever: str, mode: str) -> tuple[str, str]:
    """Enter or Send: the question joins the chat with the settings it was sent with (shown at once, waiting if
    an answer is still coming) and the box is emptied for the next one. Answering is ``on_answer``'s, run after."""
    chat.send(question, k, retriever, mode)
    return "", chat.html()


def on_new_chat(chat: Chat) -> str:
    chat.clear()
    return chat.html()


def on_answer(a: Assistant, chat: Chat) -> Iterator[str]:
    """Answers the questions waiting, in the order sent, each as it is made: the quote at once, then the place
    in the model's queue, the draft as it streams, and the answer to keep with its sources (the verified draft,
    or the quote with what was removed and why). A question sent meanwhile is taken in its turn."""
    yield chat.html()
    while (taken := chat.take()) is not None:
        yield from _answer(a, chat, *taken)


def _answer(a: Assistant, chat: Chat, sent: Sent, epoch: int) -> Iterator[str]:
    q, k, retriever, mode = sent
    turn_no = len(chat.turns) + 1
    asked = q
    try:
        asked = a.asked(q, chat.previous())  # «وماذا عن فرنسا؟» written out from the question before it
        if not chat.show(epoch, (q, STARTED, asked)):
            return
        yield chat.html()
        quote_html, draft, live = "", "", STARTED
        for ev in a.ask_events(asked, k=k, retriever=retriever, mode=mode):
            if ev.kind == "quote" and ev.answer is not None:
                live = quote_html = answer_html(ev.answer, turn_no)  # citations carry their passages
            elif ev.kind in ("waiting", "drafting"):
                live = quote_html + draft_html("", ev.ahead)
            elif ev.kind == "token":
                draft += ev.text
                live = quote_html + draft_html(draft)
            elif ev.answer is not None:  # final
                if chat.show(epoch, (q, answer_html(ev.answer, turn_no), asked), final=True):
                    yield chat.html()
                return
            if not chat.show(epoch, (q, live, asked)):
                return
            yield chat.html()
        if chat.show(epoch, (q, live, asked), final=True):  # ended without its final form: kept as it stands
            yield chat.html()
    except Exception as exc:  # the question stays, with the reason beside it; the next one is answered
        if chat.show(epoch, (q, error_html(error_message(exc)), asked), final=True):
            yield chat.html()
