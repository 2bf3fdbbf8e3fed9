"""Evaluation datasets: corpus {doc_id: (title, text)}, queries {qid: text}, qrels {qid: {doc_id: rel}}."""
from __future__ import annotations

import json
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DatasetError


@dataclass
class Dataset:
    name: str
    corpus: dict[str, tuple[str, str]]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    answers: dict[str, list[str]] = field(default_factory=dict)  # gold answer strings (SQuAD)
    synthetic: str | None = None  # how the queries were generated, if they were
    own_index: str | None = None  # data dir of the user's index the set was generated from


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}: line {exc.lineno}, column {exc.colno}: bad JSON ({exc.msg})") from exc
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc.strerror})") from exc


def load_squad(path: Path, name: str | None = None) -> Dataset:
    """SQuAD v1.1 format: each question's own paragraph is its one relevant document."""
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise DatasetError(f"{path}: not SQuAD format (expected an object with a 'data' list)")
    corpus: dict[str, tuple[str, str]] = {}
    queries: dict[str, str] = {}
    qrels: dict[str, dict[str, int]] = {}
    answers: dict[str, list[str]] = {}
    for ai, article in enumerate(data["data"]):
        title = str(article.get("title", f"article {ai}"))
        for pi, para in enumerate(article.get("paragraphs", [])):
            if "context" not in para:
                raise DatasetError(f"{path}: data[{ai}].paragraphs[{pi}] has no 'context'")
            pid = f"{ai}-{pi}"
            corpus[pid] = (title, para["context"])
            for qa in para.get("qas", []):
                if "id" not in qa or "question" not in qa:
                    raise DatasetError(f"{path}: data[{ai}].paragraphs[{pi}] has a question without 'id' or 'question'")
                qid = str(qa["id"])
                queries[qid] = qa["question"].strip()
                qrels[qid] = {pid: 1}
                answers[qid] = [a["text"] for a in qa.get("answers", []) if a.get("text")]
    if not queries:
        raise DatasetError(f"{path}: no questions found")
    return Dataset(name or path.stem, corpus, queries, qrels, answers)


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


def load_dataset(path: Path) -> Dataset:
    """A SQuAD JSON file, a folder holding one, or a BEIR folder."""
    path = Path(path)
    if path.is_file():
        return load_squad(path)
    if not path.is_dir():
        raise DatasetError(f"{path}: no such dataset file or folder")
    if (path / "corpus.jsonl").exists():
        ds = load_beir(path)
        meta_path = path / "dataset.json"
        if meta_path.exists():
            meta = _read_json(meta_path)
            if isinstance(meta, dict):
                ds.synthetic = meta.get("synthetic")
                ds.own_index = meta.get("index")
        return ds
    jsons = sorted(p for p in path.glob("*.json") if p.name != "dataset.json")
    if len(jsons) == 1:
        return load_squad(jsons[0], name=path.name)
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
    """A dataset as a user hands it over: SQuAD JSON, a folder, or a BEIR zip (unpacked into workdir)."""
    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        folder = Path(workdir) / "beir"
        extract_beir_zip(path, folder)
        return load_dataset(folder)
    return load_dataset(path)


def extract_beir_zip(src: Path, folder: Path) -> None:
    """Unpack only the BEIR layout (corpus.jsonl, queries.jsonl, qrels/*.tsv) of a zip into folder."""
    with zipfile.ZipFile(src) as z:
        for info in z.infolist():
            parts = [p for p in info.filename.replace("\\", "/").split("/") if p and p != ".."]
            if info.is_dir() or not parts:
                continue
            rel = Path(*parts[-2:]) if parts[-2:-1] == ["qrels"] else Path(parts[-1])
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as fin, open(folder / rel, "wb") as fout:
                shutil.copyfileobj(fin, fout)
