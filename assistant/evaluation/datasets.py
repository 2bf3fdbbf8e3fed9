"""Evaluation datasets: corpus {doc_id: (title, text)}, queries {qid: text}, qrels {qid: {doc_id: rel}}."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from assistant.errors import DatasetError


@dataclass
class Dataset:
    name: str
    corpus: dict[str, tuple[str, str]]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    answers: dict[str, list[str]] = field(default_factory=dict)  # gold answer strings (SQuAD)
    synthetic: str | None = None  # how the queries were generated, if they were
    own_index: str | None = None  # data dir of the user's index the set was generated from
    splits: str | None = None  # its section in eval/splits.json (train/test parts by article), if any


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}: line {exc.lineno}, column {exc.colno}: bad JSON ({exc.msg})") from exc
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc.strerror})") from exc


class _SquadBuilder:
    """Paragraphs, questions and gold answers, in whichever SQuAD shape they arrive."""

    def __init__(self) -> None:
        self.corpus: dict[str, tuple[str, str]] = {}
        self.by_text: dict[tuple[str, str], str] = {}
        self.queries: dict[str, str] = {}
        self.qrels: dict[str, dict[str, int]] = {}
        self.answers: dict[str, list[str]] = {}

    def paragraph(self, title: str, context: str, pid: str | None = None) -> str:
        key = (title, context)
        if key not in self.by_text:
            self.by_text[key] = pid or f"p{len(self.corpus)}"
            self.corpus[self.by_text[key]] = key
        return self.by_text[key]

    def question(self, pid: str, qa: dict, where: str) -> None:
        if "id" not in qa or "question" not in qa:
            raise DatasetError(f"{where}: a question without 'id' or 'question'")
        qid = str(qa["id"])
        self.queries[qid] = str(qa["question"]).strip()
        self.qrels[qid] = {pid: 1}
        self.answers[qid] = _answer_texts(qa.get("answers", []))


def _answer_texts(answers: object) -> list[str]:
    """SQuAD's list of {"text": …} or the Hugging Face export's {"text": [...], "answer_start": [...]}."""
    if isinstance(answers, dict):
        return [str(t) for t in answers.get("text", []) if str(t).strip()]
    return [str(a["text"]) for a in answers or [] if isinstance(a, dict) and str(a.get("text", "")).strip()]


def load_squad(path: Path, name: str | None = None) -> Dataset:
    """SQuAD, as published and as commonly exported: v1.1 (articles holding paragraphs holding
    questions), the flattened form (one context per item of "data"), or JSONL (one question or one
    paragraph a line). Each question's own paragraph is its one relevant document."""
    path = Path(path)
    b = _SquadBuilder()
    if path.suffix.lower() == ".jsonl":
        for lineno, obj in _jsonl(path):
            _squad_item(b, obj, f"{path}: line {lineno}", str(obj.get("title", "")))
    else:
        data = _read_json(path)
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            raise DatasetError(f"{path}: not SQuAD format (expected an object with a 'data' list)")
        for ai, article in enumerate(data["data"]):
            if not isinstance(article, dict):
                raise DatasetError(f"{path}: data[{ai}] is not an object")
            title = str(article.get("title", f"article {ai}"))
            if "paragraphs" in article:
                for pi, para in enumerate(article["paragraphs"]):
                    if "context" not in para:
                        raise DatasetError(f"{path}: data[{ai}].paragraphs[{pi}] has no 'context'")
                    pid = b.paragraph(title, para["context"], f"{ai}-{pi}")
                    for qa in para.get("qas", []):
                        b.question(pid, qa, f"{path}: data[{ai}].paragraphs[{pi}]")
            else:
                _squad_item(b, article, f"{path}: data[{ai}]", title)
    if not b.queries:
        raise DatasetError(
            f"{path}: no questions found (expected SQuAD v1.1, its flattened form with a "
            "'context' per item, or JSONL with 'context' and 'question' per line)"
        )
    return Dataset(name or path.stem, b.corpus, b.queries, b.qrels, b.answers)


def _squad_item(b: _SquadBuilder, obj: dict, where: str, title: str) -> None:
    """One flattened item: a context with its "qas", or one question with its context."""
    if "context" not in obj:
        raise DatasetError(f"{where}: no 'context'")
    pid = b.paragraph(title, str(obj["context"]))
    if "qas" in obj:
        for qa in obj["qas"]:
            b.question(pid, qa, where)
    elif "question" in obj:
        b.question(pid, obj, where)


def load_beir(folder: Path, split: str = "test") -> Dataset:
    corpus: dict[str, tuple[str, str]] = {}
    for lineno, obj in _jsonl(folder / "corpus.jsonl"):
        if "_id" not in obj or "text" not in obj:
            raise DatasetError(f"{folder / 'corpus.jsonl'}: line {lineno}: needs '_id' and 'text'")
        corpus[str(obj["_id"])] = (str(obj.get("title", "")), str(obj["text"]))
    queries = {}
    for lineno, obj in _jsonl(folder / "queries.jsonl"):
        if "_id" not in obj or "text" not in obj:
            raise DatasetError(f"{folder / 'queries.jsonl'}: line {lineno}: needs '_id' and 'text'")
        queries[str(obj["_id"])] = str(obj["text"])
    qdir = folder / "qrels"
    files = sorted(qdir.glob(f"{split}.tsv")) or sorted(qdir.glob("*.tsv"))
    if not files:
        raise DatasetError(f"{folder}: no qrels/*.tsv file (BEIR folders need qrels/{split}.tsv)")
    qrels = load_qrels_tsv(files[0], corpus, queries)
    return Dataset(folder.name, corpus, {q: t for q, t in queries.items() if q in qrels}, qrels)


def _jsonl(path: Path):  # noqa: ANN202
    if not path.exists():
        raise DatasetError(f"{path}: missing (a BEIR folder needs corpus.jsonl, queries.jsonl, qrels/)")
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}: line {lineno}: bad JSON ({exc.msg})") from exc


def load_qrels_tsv(path: Path, corpus: dict | None = None, queries: dict | None = None) -> dict[str, dict[str, int]]:
    """BEIR qrels TSV (query-id, corpus-id, score, with a header) or TREC qrels (qid 0 docid rel)."""
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            parts = line.split()
            if not parts or (lineno == 1 and not parts[-1].lstrip("-").isdigit()):
                continue  # blank line or header
            if len(parts) == 3:
                qid, did, rel = parts
            elif len(parts) == 4:
                qid, _, did, rel = parts
            else:
                raise DatasetError(f"{path}: line {lineno}: expected 3 (BEIR) or 4 (TREC) columns, got {len(parts)}")
            try:
                score = int(rel)
            except ValueError as exc:
                raise DatasetError(f"{path}: line {lineno}: relevance '{rel}' is not an integer") from exc
            if corpus is not None and did not in corpus:
                raise DatasetError(f"{path}: line {lineno}: unknown document id '{did}'")
            if queries is not None and qid not in queries:
                raise DatasetError(f"{path}: line {lineno}: unknown query id '{qid}'")
            qrels.setdefault(qid, {})[did] = score
    return qrels


BUNDLED = ("xquad-ar", "xquad-en", "arcd", "tydiqa-ar")  # in assistant/data/datasets


def bundled(name: str) -> Path:
    """The folder of a dataset shipped with the package (every file checked against the manifest)."""
    from assistant.resources import data_dir

    if name not in BUNDLED:
        raise DatasetError(f"no bundled dataset '{name}'; choose {', '.join(BUNDLED)} or give a path")
    return data_dir(f"datasets/{name}")


def dataset_path(given: str | Path) -> Path:
    """A path as given when it exists, else a bundled dataset of that name ("xquad-ar")."""
    path = Path(given)
    if path.exists() or str(given) not in BUNDLED:
        return path
    return bundled(str(given))


def load_dataset(path: Path | str) -> Dataset:
    """A SQuAD JSON file, a folder holding one, a BEIR folder, or the name of a bundled dataset."""
    path = dataset_path(path)
    if path.is_file():
        return load_squad(path)  # .json or .jsonl
    if not path.is_dir():
        raise DatasetError(f"{path}: no such dataset file or folder (bundled sets: {', '.join(BUNDLED)})")
    if (path / "corpus.jsonl").exists():
        ds = load_beir(path)
        meta_path = path / "dataset.json"
        if meta_path.exists():
            meta = _read_json(meta_path)
            if isinstance(meta, dict):
                ds.synthetic = meta.get("synthetic")
                ds.own_index = meta.get("index")
        return ds
    jsons = sorted(p for p in [*path.glob("*.json"), *path.glob("*.jsonl")] if p.name != "dataset.json")
    if len(jsons) == 1:
        ds = load_squad(jsons[0], name=path.name)
        meta = _read_json(path / "dataset.json") if (path / "dataset.json").exists() else {}
        ds.splits = meta.get("splits") if isinstance(meta, dict) else None
        return ds
    raise DatasetError(f"{path}: expected corpus.jsonl (BEIR) or exactly one SQuAD .json file, found {len(jsons)}")


def cross_lingual_companion(path: Path) -> Dataset | None:
    """The same questions in another language, if the dataset folder's dataset.json names them."""
    path = Path(path)
    meta_path = path / "dataset.json"
    if not (path.is_dir() and meta_path.exists()):
        return None
    meta = _read_json(meta_path)
    if isinstance(meta, dict) and meta.get("cross_lingual"):
        return load_dataset((path / meta["cross_lingual"]).resolve())
    return None


def open_dataset(path: Path, workdir: Path) -> Dataset:
    """A dataset as a user hands it over: SQuAD JSON or JSONL, a folder, or a BEIR zip (unpacked into
    workdir, within the archive limits: a zip bomb is refused before anything is written)."""
    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return load_dataset(extract_beir_zip(path, Path(workdir) / "beir"))
    return load_dataset(path)


def extract_beir_zip(src: Path, folder: Path) -> Path:
    """Unpack only the BEIR files (corpus.jsonl, queries.jsonl, qrels/*.tsv); the folder holding corpus.jsonl."""
    from assistant.ingest.archives import extract

    def beir(p: PurePosixPath) -> bool:
        return p.name in ("corpus.jsonl", "queries.jsonl") or (p.parent.name == "qrels" and p.suffix == ".tsv")

    written = extract(src, folder, keep=beir)
    corpus = [p for _, p in written if p.name == "corpus.jsonl"]
    if not corpus:
        raise DatasetError(
            f"{src.name}: no corpus.jsonl in the zip (a BEIR set needs corpus.jsonl, queries.jsonl and qrels/test.tsv)"
        )
    return corpus[0].parent
