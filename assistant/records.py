"""Plain, frozen records that flow through the pipeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.prompts import DROP_NOUNS_AR, DROP_REASONS


@dataclass(frozen=True)
class Section:
    """A heading and the span of clean text it governs."""

    heading: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One article after loading and cleaning."""

    doc_id: str
    title: str
    text: str  # the clean text; chunk offsets point into it
    source: str  # path of the file it came from
    language: str  # "ar", "en" or "und"
    date: str | None = None  # ISO yyyy-mm-dd when found
    url: str | None = None
    author: str | None = None
    fmt: str = "text"
    sections: tuple[Section, ...] = ()
    # (start offset in text, page number) for paged formats such as PDF
    pages: tuple[tuple[int, int], ...] = ()

    def page_at(self, offset: int) -> int | None:
        page = None
        for start, number in self.pages:
            if start <= offset:
                page = number
            else:
                break
        return page


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, located by exact character offsets into its clean text."""

    chunk_id: int
    doc_id: str
    ordinal: int
    start: int
    end: int
    text: str
    heading: str = ""
    page: int | None = None

    def is_heading(self, sentence: str) -> bool:
        """Whether a sentence of the passage is its heading line (kept in the text for context only)."""
        from assistant.text.arabic import normalize

        return bool(self.heading.strip()) and normalize(sentence.strip()) == normalize(self.heading.strip())


@dataclass(frozen=True)
class DocInfo:
    """What a chunk's document says about itself: shown beside a passage (what crosses the store's seam)."""

    title: str
    source: str
    date: str | None = None
    url: str | None = None
    language: str = ""


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its score and rank."""

    rank: int
    score: float
    chunk: Chunk
    title: str
    source: str
    date: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(float(self.score), 6),
            "doc_id": self.chunk.doc_id,
            "title": self.title,
            "source": self.source,
            "chunk_id": self.chunk.chunk_id,
            "heading": self.chunk.heading,
            "text": self.chunk.text,
            "start": self.chunk.start,
            "end": self.chunk.end,
            "page": self.chunk.page,
            "date": self.date,
        }


@dataclass(frozen=True)
class Citation:
    """Passage number n as shown to the user, and the exact quote it rests on."""

    n: int
    doc_id: str
    title: str
    source: str
    chunk_id: int
    quote: str
    start: int  # offsets of the quote in the document's clean text
    end: int
    heading: str = ""
    page: int | None = None
    date: str | None = None
    # The whole passage the quote sits in, and its offset in the document: what a source card shows
    # around the quote (kept out of the JSON answer, which stays as it was).
    passage: str = field(default="", repr=False, compare=False)
    passage_start: int = field(default=0, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("passage")
        out.pop("passage_start")
        return out


class Reason(str):
    """Why a sentence was dropped: the English text, and what it says (``code`` and ``values``).

    ``Reason("numbers", items="34")`` is "numbers not in the cited passage: 34", and its ``said_in("ar")``
    is «أرقام ليست في المقطع المستشهد به: 34» (the catalogue: ``prompts.DROP_REASONS``). Values are text,
    another Reason (said in the same language), or, for ``Reason.per_source``, (marker, Reason) pairs. It is
    the string the API, the CLI and the logs show, as the reasons always were; the web page says it in the
    answer's language."""

    code: str
    values: Mapping[str, object]

    def __new__(cls, code: str, **values: object) -> Reason:
        if code not in DROP_REASONS and code != PER_SOURCE:
            raise ValueError(f"no such reason: {code!r}")
        self = super().__new__(cls, _say(code, values, "en"))
        _say(code, values, "ar")  # a value the Arabic needs and was not given fails here, not on the page
        self.code, self.values = code, dict(values)
        return self

    def __reduce__(self) -> tuple[object, tuple[str, dict]]:  # copies and pickles keep what it says
        return _rebuild, (self.code, dict(self.values))

    @classmethod
    def per_source(cls, parts: Sequence[tuple[str, Reason]]) -> Reason:
        """One reason per cited source ("[1] …; [2] …")."""
        return cls(PER_SOURCE, parts=tuple(parts))

    def said_in(self, language: str) -> str:
        return _say(self.code, self.values, language)


PER_SOURCE = "per source"


def _rebuild(code: str, values: dict) -> Reason:
    return Reason(code, **values)


def _text(value: object, language: str) -> str:
    return value.said_in(language) if isinstance(value, Reason) else str(value)


def _say(code: str, values: Mapping[str, object], language: str) -> str:
    if code == PER_SOURCE:
        parts = values["parts"]
        assert isinstance(parts, tuple)
        return ("؛ " if language == "ar" else "; ").join(f"{mark} {_text(why, language)}" for mark, why in parts)
    english, arabic = DROP_REASONS[code]
    fields = {k: _text(v, language) for k, v in values.items()}
    if language != "ar":
        return english.format(**fields)
    fields["noun_ar"], fields["nouns_ar"] = DROP_NOUNS_AR.get(fields.get("noun", ""), DROP_NOUNS_AR["passage"])
    return arabic.format(**fields)


def said_in(reason: str, language: str) -> str:
    """A dropped sentence's reason in the page's language (a plain string stays as it is)."""
    return reason.said_in(language) if isinstance(reason, Reason) else reason


@dataclass(frozen=True)
class Dropped:
    sentence: str
    reason: str


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    mode: str  # "extractive" | "generative"
    abstained: bool
    citations: tuple[Citation, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    nearest: tuple[Hit, ...] = ()  # shown with an abstention
    language: str = "ar"
    confidence: float = 0.0  # probability that the best sentence holds the answer (abstention is decided on it)
    llm_status: str = ""  # "" (no LLM), used, no answer, no usable sentence, nothing written, off the question
    timings: dict[str, float] = field(default_factory=dict)  # the LLM's: first_token_s, llm_s, tokens, …

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "mode": self.mode,
            "abstained": self.abstained,
            "language": self.language,
            "confidence": round(self.confidence, 4),
            "llm_status": self.llm_status,
            "timings": self.timings,
            "citations": [c.to_json() for c in self.citations],
            "dropped": [asdict(d) for d in self.dropped],
            "nearest": [h.to_json() for h in self.nearest],
        }


@dataclass(frozen=True)
class FindingCitation:
    paragraph: int  # 1-based paragraph number in the article
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class Related:
    """Earlier coverage of a finding: a passage of another document, shown by its sentence closest to the
    finding (``start``/``end``: the quote's offsets in that document's clean text)."""

    hit: Hit
    quote: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {**self.hit.to_json(), "quote": self.quote, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Finding:
    text: str
    citations: tuple[FindingCitation, ...]
    related: tuple[Related, ...] = ()


@dataclass(frozen=True)
class Findings:
    title: str
    language: str
    findings: tuple[Finding, ...]
    mode: str = "extractive"
    excluded_section: str | None = None  # the article's own findings heading, if excluded
    dropped: tuple[Dropped, ...] = ()
    paragraphs: tuple[str, ...] = field(default=(), repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "language": self.language,
            "mode": self.mode,
            "excluded_section": self.excluded_section,
            "findings": [
                {
                    "text": f.text,
                    "citations": [asdict(c) for c in f.citations],
                    "related": [r.to_json() for r in f.related],
                }
                for f in self.findings
            ],
            "related": [{"finding": i + 1, **r.to_json()} for i, f in enumerate(self.findings) for r in f.related],
            "dropped": [asdict(d) for d in self.dropped],
        }


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def stopped_summary(self) -> str:
        """What an ingest that stopped part-way (a full disk, Ctrl-C) had committed, and what to do."""
        held = f"the index holds {self.documents} documents, {self.chunks} chunks"
        if not (self.added or self.updated):
            return f"nothing of this ingest was committed; {held}, as before"
        return (
            f"{self.added} added and {self.updated} updated were committed before it stopped ({held}); "
            "run the same command again for the rest: files already in the index are skipped as unchanged"
        )
