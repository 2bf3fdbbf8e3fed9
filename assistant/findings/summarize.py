"""summarize(): a findings (النتائج) draft for a new article, each finding citing its paragraph.

The sentences that carry the article's findings are chosen by selection.py (a learned scorer over
position, e5 and TF-IDF centrality, closeness to the title; MMR against redundancy; a length that
follows the article), and shown in article order. With an instruction-tuned LLM each one is
rewritten as one analytic sentence from a short window of its paragraph, verified like an answer;
one that fails stays the extractive sentence. The article's own findings/conclusions section is
left out of the input (the user wants a draft of it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.answer.generate import clean_reply
from assistant.answer.grounding import Verifier, parse_claims, verify_claims
from assistant.config import default
from assistant.errors import AssistantError, InputError
from assistant.findings.related import related_coverage
from assistant.findings.selection import Sentence, default_selector, features, select, sentences_of
from assistant.ingest.chunking import paragraph_spans
from assistant.ingest.cleaning import clean
from assistant.ingest.loaders import load_file
from assistant.ingest.loaders.base import Loaded
from assistant.models.embedder import Embedder
from assistant.models.llm import LLM, wants_llm
from assistant.prompts import FINDING_SYSTEM, FINDING_USER, FINDINGS_HEADINGS, LANGUAGE_NAME
from assistant.records import Document, Dropped, Finding, FindingCitation, Findings, Reason
from assistant.retrieval import Retriever
from assistant.text.arabic import normalize, split_sentences
from assistant.text.planted import without_planted

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class FindingsOptions:
    """How a findings draft is made (the facade fills these from Settings)."""

    lang: str | None = None  # None: the article's own language
    mode: str = default("answer_mode")  # auto | extractive | generative
    n: int | None = None  # None: from the article's length (a share of its sentences, at most max_findings)
    max_findings: int = 8
    related_min_score: float = default("related_min_score")
    related_min_shared: float = default("related_min_shared")
    related_min_score_across: float = default("related_min_score_across")
    llm_max_tokens: int = default("llm_finding_tokens")


@dataclass
class Paragraph:
    number: int  # 1-based among body paragraphs (headings are not numbered)
    start: int
    end: int
    text: str


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def load_article(
    path: Path | None,
    text: str | None,
    max_bytes: int | None = None,
    loader: Callable[[Path, int | None], Loaded] | None = None,
    scraped: bool = True,
) -> Document:
    """The article to draft findings for: a file, or pasted text (``scraped``: clean site clutter from it)."""
    if path is not None:
        loaded = (loader or load_file)(Path(path), max_bytes)
        return clean(loaded, str(path))
    if text is not None and not isinstance(text, str):
        kind = type(text).__name__
        raise InputError.said("findings: not text", f"the article text must be text, not {kind}", kind=kind)
    if text is None or not text.strip():
        raise InputError.said("findings: nothing", "nothing to summarise: give a file or paste the article text")
    size = len(text.encode("utf-8"))
    if max_bytes is not None and size > max_bytes:
        raise InputError.said(
            "findings: too long",
            f"the pasted article is {_size(size)}; the limit is {_size(max_bytes)}, as for files "
            "(ASSISTANT_MAX_FILE_MB): paste a shorter text",
            size=_size(size),
            most=_size(max_bytes),
        )
    return clean(Loaded(text=text, fmt="text", scraped=scraped), "pasted text")


def body_paragraphs(doc: Document) -> tuple[list[Paragraph], str | None]:
    """Numbered body paragraphs, without headings and without a findings/conclusions section."""
    headings = {s.start: s for s in doc.sections}
    excluded: str | None = None
    skip_until = -1
    paras: list[Paragraph] = []
    for a, b in paragraph_spans(doc.text):
        if a in headings:
            sec = headings[a]
            key = " ".join(normalize(sec.heading).strip(" :.-").split())
            if key in {normalize(h) for h in FINDINGS_HEADINGS}:
                excluded = sec.heading
                skip_until = sec.end
            continue
        if a <= skip_until:
            continue
        paras.append(Paragraph(len(paras) + 1, a, b, doc.text[a:b]))
    return paras, excluded


def summarize_article(
    doc: Document,
    llm: LLM | None,
    options: FindingsOptions,
    related: Retriever | None = None,
    verifier: Verifier | None = None,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
) -> Findings:
    """A findings draft for ``doc``; ``related``: a retriever over the archive, for earlier coverage;
    ``embedder``: sentence embeddings for centrality and redundancy (TF-IDF alone without it).

    With an LLM, each selected sentence is rewritten as one analytic finding, verified against its
    paragraph; a finding that fails verification stays the extractive sentence (and is reported)."""
    paras, excluded = body_paragraphs(doc)
    if not paras:
        raise AssistantError(f"{doc.source}: no body paragraphs to summarise")
    language = options.lang or (doc.language if doc.language in ("ar", "en") else "ar")
    selector = default_selector()
    sents = sentences_of(doc.text, [(p.number, p.start, p.end) for p in paras])
    features(sents, doc.title if doc.title != doc.source else "", embedder.embed_passages if embedder else None)
    n = options.n or selector.length(len(sents), options.max_findings)
    # Analysis articles (organised under headings) build to their conclusion: position says little there.
    chosen = select(sents, n, selector, position_neutral=bool(doc.sections))
    by_number = {p.number: p for p in paras}
    findings = [Finding(s.text, (FindingCitation(s.para_number, s.text, s.start, s.end),)) for s in chosen]
    mode_used = "extractive"
    dropped: list[Dropped] = []
    if llm is not None and wants_llm(options.mode, llm) and chosen:
        findings, dropped, written = _draft_findings(
            llm, doc, chosen, by_number, language, options.llm_max_tokens, verifier or Verifier(), progress
        )
        mode_used = "generative" if written else "extractive"
    if related is not None:
        near = options.related_min_score, options.related_min_shared, embedder, options.related_min_score_across
        findings = [
            Finding(f.text, f.citations, related_coverage(related, f.text, doc.doc_id, *near)) for f in findings
        ]
    return Findings(
        title=doc.title,
        language=language,
        findings=tuple(findings),
        mode=mode_used,
        excluded_section=excluded,
        dropped=tuple(dropped),
        paragraphs=tuple(p.text for p in paras),
    )


def _window(doc: Document, s: Sentence, para: Paragraph) -> tuple[int, int]:
    """The chosen sentence with the one before and after it, inside its paragraph."""
    spans = split_sentences(doc.text, para.start, para.end)
    i = next((k for k, (a, _) in enumerate(spans) if a == s.start), 0)
    return spans[max(0, i - 1)][0], spans[min(len(spans) - 1, i + 1)][1]


def _draft_findings(
    llm: LLM,
    doc: Document,
    chosen: list[Sentence],
    paras: dict[int, Paragraph],
    lang: str,
    max_tokens: int,
    verifier: Verifier,
    progress: Progress | None,
) -> tuple[list[Finding], list[Dropped], int]:
    """One LLM call per finding; (findings, what was dropped, how many the LLM wrote that were kept)."""
    findings: list[Finding] = []
    dropped: list[Dropped] = []
    written = 0
    for i, s in enumerate(chosen):
        if progress:
            progress(i, len(chosen), f"finding {i + 1}/{len(chosen)}")
        a, b = _window(doc, s, paras[s.para_number])
        window = doc.text[a:b]
        messages = [
            {"role": "system", "content": FINDING_SYSTEM},
            {
                "role": "user",
                "content": FINDING_USER.format(
                    n=s.para_number, text=without_planted(window), language=LANGUAGE_NAME[lang]
                ),
            },
        ]
        raw = llm.chat(messages, max_tokens=max_tokens, stop=["\nParagraph", "\nFinding", "\n\n"])
        claims = parse_claims(clean_reply(raw))[:1]
        kept, lost = verify_claims(
            claims,
            {s.para_number: window},
            noun="paragraph",
            mark=lambda n: f"¶{n}:",
            check=verifier.check,
            locate=verifier.locate,
        )
        if kept:
            claim, supports = kept[0]
            cites = tuple(
                FindingCitation(s.para_number, window[sp.start : sp.end], a + sp.start, a + sp.end) for sp in supports
            )
            findings.append(Finding(claim.text, cites))
            written += 1
        else:
            dropped.extend(lost or [Dropped(raw.strip()[:200] or "(empty)", Reason("no finding"))])
            findings.append(Finding(s.text, (FindingCitation(s.para_number, s.text, s.start, s.end),)))
    if progress:
        progress(len(chosen), len(chosen), "findings drafted")
    return findings, dropped, written
