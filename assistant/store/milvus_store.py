"""Milvus as the search engine: dense vectors and BM25 full-text search in one collection.

Works against a Milvus server or cluster (``http://host:19530``) and against Milvus Lite (a local
path, the ``milvus-lite`` package) with the same client API.

Generations. Every row carries ``added_gen``; readers filter ``added_gen <= G`` for the generation
G the manifest names, so rows a writer is still adding stay invisible. Removed chunks are deleted
after the manifest switch (a reader in between finds them gone from SQLite and drops them); a writer
that died mid-commit leaves rows with ``added_gen > G``, which the next writer deletes.

Lexical search. Milvus's BM25 runs over its own analysers, which do not know Arabic light stemming
or our normalisation. So we index our analyser's tokens, each replaced by a stable 64-bit hash
written as an ASCII word (``t3fa9…``): the built-in ``standard`` tokenizer keeps such a word whole,
so Milvus sees exactly our terms. BM25 k1/b are ours (1.5, 0.75).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from assistant.errors import ConfigError, IndexCorruptError, IndexLockedError, IndexMismatchError
from assistant.store.base import CommitPlan, DocFilter, id_problems
from assistant.store.seal import hash_ids

_BATCH = 1000
_MAX_TOKENS_TEXT = 65_535  # VARCHAR limit in bytes; 17 bytes a term → ~3,800 terms a chunk


def term_key(token: str) -> str:
    return "t" + hashlib.blake2b(token.encode("utf-8"), digest_size=8).hexdigest()


def terms_text(tokens: Iterable[str]) -> str:
    text = " ".join(term_key(t) for t in tokens)
    return text[: _MAX_TOKENS_TEXT - 17].rsplit(" ", 1)[0] if len(text) >= _MAX_TOKENS_TEXT else text


def is_local(uri: str) -> bool:
    return not uri.startswith(("http://", "https://", "tcp://", "unix:"))


class MilvusStore:
    kind = "milvus"

    def __init__(self, uri: str, collection: str, dim: int, index_type: str = "AUTOINDEX", token: str = "") -> None:
        self.uri = uri
        self.collection = collection
        self.dim = dim
        self.index_type = index_type
        self.token = token
        self._client = None
        self._connect_lock = threading.Lock()
        self._known: dict[str, bool] = {}  # term → occurs in generation _known_gen (coverage cache)
        self._known_gen = -1
        self._df: dict[str, int] = {}  # term → chunks holding it in generation _df_gen
        self._df_gen = -1
        self._df_total = 0

    # -------------------------------------------------------------- connecting
    @property
    def client(self):
        with self._connect_lock:  # the web app's worker threads share one client
            if self._client is None:
                self._client = self._connect()
            return self._client

    def _connect(self):
        try:
            from pymilvus import MilvusClient
        except ImportError as exc:
            raise ConfigError(
                "ASSISTANT_VECTOR_STORE=milvus needs pymilvus (and milvus-lite for a local "
                "file): pip install 'article-assistant[milvus]'"
            ) from exc
        if is_local(self.uri):
            import importlib.util

            if importlib.util.find_spec("milvus_lite") is None:
                raise ConfigError(
                    f"ASSISTANT_MILVUS_URI={self.uri} is a local file, which needs Milvus Lite: "
                    "pip install 'article-assistant[milvus]' (or point it at a Milvus server)"
                )
            Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            client = MilvusClient(self.uri, token=self.token) if self.token else MilvusClient(self.uri)
        except Exception as exc:
            if is_local(self.uri):
                raise IndexLockedError(
                    f"cannot open the Milvus Lite file {self.uri} ({exc}). Milvus Lite serves one process at a "
                    "time: close the other assistant process using it (web app or CLI), or run a Milvus "
                    "server and set ASSISTANT_MILVUS_URI=http://host:19530"
                ) from exc
            raise ConfigError(
                f"cannot reach Milvus at {self.uri} ({exc}); check ASSISTANT_MILVUS_URI and that the server is running"
            ) from exc
        if not client.has_collection(self.collection):
            self._create(client)
        else:
            self._check_schema(client)
        client.load_collection(self.collection)
        return client

    def _create(self, client) -> None:
        from pymilvus import DataType, Function, FunctionType

        schema = client.create_schema(
            auto_id=False, enable_dynamic_field=False, description=json.dumps({"dim": self.dim, "terms": "blake2b-64"})
        )
        schema.add_field("chunk_id", DataType.INT64, is_primary=True)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=128)
        schema.add_field("added_gen", DataType.INT64)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field(
            "terms",
            DataType.VARCHAR,
            max_length=_MAX_TOKENS_TEXT,
            enable_analyzer=True,
            enable_match=True,
            analyzer_params={"tokenizer": "standard"},
        )
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(
            Function(
                name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"], output_field_names=["sparse"]
            )
        )
        params = client.prepare_index_params()
        params.add_index("vector", index_type=self.index_type, metric_type="IP")
        params.add_index(
            "sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={"bm25_k1": 1.5, "bm25_b": 0.75}
        )
        params.add_index("doc_id", index_type="INVERTED")
        params.add_index("added_gen", index_type="INVERTED")
        client.create_collection(self.collection, schema=schema, index_params=params, consistency_level="Strong")

    def _check_schema(self, client) -> None:
        info = client.describe_collection(self.collection)
        dims = [f.get("params", {}).get("dim") for f in info.get("fields", []) if f.get("name") == "vector"]
        if not dims or int(dims[0]) != self.dim:
            raise ConfigError(
                f"Milvus collection '{self.collection}' at {self.uri} does not hold {self.dim}-d chunk vectors "
                f"(found {dims or 'no vector field'}); set ASSISTANT_MILVUS_COLLECTION to another name"
            )

    @property
    def location(self) -> str:
        """What the manifest records: the collection, and the server for a remote one."""
        return self.collection if is_local(self.uri) else f"{self.collection}@{self.uri}"

    def ensure_new(self) -> None:
        """Refuse to start a new index in a collection that already holds rows (another index's)."""
        rows = self.client.query(self.collection, filter="", output_fields=["count(*)"])
        n = int(rows[0]["count(*)"]) if rows else 0
        if n:
            raise IndexMismatchError(
                f"Milvus collection '{self.collection}' at {self.uri} already holds {n} chunks of another "
                "index; set ASSISTANT_MILVUS_COLLECTION to a new name for this --data-dir, or open the "
                "data directory that collection belongs to"
            )

    # ---------------------------------------------------------------- reading
    def prepare(self, gen: int) -> None:
        _ = self.client  # connects now, not on the first query

    @staticmethod
    def _filter(gen: int, docs: DocFilter | None) -> str:
        expr = f"added_gen <= {int(gen)}"
        if docs is not None:
            expr += f" and doc_id in {json.dumps(list(docs.doc_ids))}"
        return expr

    def _search(
        self, data: list, field: str, k: int, gen: int, docs: DocFilter | None, params: dict
    ) -> list[tuple[int, float]]:
        if docs is not None and not docs.doc_ids:
            return []
        res = self.client.search(
            self.collection,
            data=data,
            anns_field=field,
            limit=min(k, 16_384),
            filter=self._filter(gen, docs),
            output_fields=[],
            search_params=params,
        )
        return [(int(h["chunk_id"] if "chunk_id" in h else h["id"]), float(h["distance"])) for h in res[0]]

    def dense(self, gen: int, query: np.ndarray, k: int, docs: DocFilter | None = None) -> list[tuple[int, float]]:
        return self._search(
            [np.asarray(query, np.float32).ravel().tolist()], "vector", k, gen, docs, {"metric_type": "IP"}
        )

    def lexical(
        self, gen: int, tokens: Sequence[str], k: int, docs: DocFilter | None = None
    ) -> list[tuple[int, float]]:
        if not tokens:
            return []
        hits = self._search(
            [terms_text(tokens)], "sparse", k, gen, docs, {"metric_type": "BM25", "params": {"drop_ratio_search": 0.0}}
        )
        # Milvus Lite reports BM25 as a negative distance (best first); a server reports the score.
        return [(cid, abs(score)) for cid, score in hits if score != 0]

    def coverage(self, gen: int, tokens: Sequence[str]) -> float:
        if not tokens:
            return 0.0
        if gen != self._known_gen:  # what a term query found holds for one generation only
            self._known, self._known_gen = {}, gen
        for t in set(tokens) - self._known.keys():
            rows = self.client.query(
                self.collection,
                filter=f"TEXT_MATCH(terms, '{term_key(t)}') and added_gen <= {int(gen)}",
                output_fields=["chunk_id"],
                limit=1,
            )
            if len(self._known) > 200_000:
                self._known.clear()
            self._known[t] = bool(rows)
        return sum(1 for t in tokens if self._known[t]) / len(tokens)

    def doc_freqs(self, gen: int, tokens: Sequence[str]) -> tuple[list[int], int]:
        if gen != self._df_gen:  # counts hold for one generation only
            self._df, self._df_gen = {}, gen
            self._df_total = self._count(f"added_gen <= {int(gen)}")
        for t in set(tokens) - self._df.keys():
            if len(self._df) > 200_000:
                self._df.clear()
            self._df[t] = self._count(f"TEXT_MATCH(terms, '{term_key(t)}') and added_gen <= {int(gen)}")
        return [self._df[t] for t in tokens], self._df_total

    def _count(self, expr: str) -> int:
        rows = self.client.query(self.collection, filter=expr, output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    # ---------------------------------------------------------------- writing
    def _upsert(self, rows: list[dict]) -> None:
        for i in range(0, len(rows), _BATCH):
            self.client.upsert(self.collection, rows[i : i + _BATCH])

    def _delete(self, ids: Iterable[int]) -> None:
        ids = [int(i) for i in ids]
        for i in range(0, len(ids), _BATCH):
            self.client.delete(self.collection, ids=ids[i : i + _BATCH])

    def write(self, plan: CommitPlan) -> dict[str, float]:
        t0 = time.perf_counter()
        if plan.rebuild:
            self._resync(plan)
        else:
            self._upsert(
                [
                    {
                        "chunk_id": cid,
                        "doc_id": a.doc_id,
                        "added_gen": plan.gen,
                        "vector": np.asarray(a.vector, np.float32).tolist(),
                        "terms": terms_text(a.tokens),
                    }
                    for cid, a in plan.added.items()
                ]
            )
        self.client.flush(self.collection)
        return {"milvus": time.perf_counter() - t0}

    def _resync(self, plan: CommitPlan) -> None:
        """Make the collection hold exactly the live rows of plan.gen, from SQLite (no re-embedding)."""
        live = plan.live_ids()
        self._delete(self.ids(None) - live)
        for batch in plan.live_rows(True):
            assert batch.vectors is not None
            self._upsert(
                [
                    {
                        "chunk_id": int(cid),
                        "doc_id": doc,
                        "added_gen": int(gen),
                        "vector": vec.tolist(),
                        "terms": terms_text(toks),
                    }
                    for cid, doc, gen, vec, toks in zip(
                        batch.ids, batch.doc_ids, batch.added_gen, batch.vectors, batch.tokens
                    )
                ]
            )

    def committed(self, plan: CommitPlan) -> None:
        self._delete(plan.removed - plan.added.keys())

    def rollback(self, committed_gen: int, purge: Sequence[int]) -> None:
        self.client.delete(self.collection, filter=f"added_gen > {int(committed_gen)}")
        self._delete(purge)

    def ids(self, gen: int | None) -> set[int]:
        """Chunk ids in the collection (visible at gen, or all when gen is None)."""
        out: set[int] = set()
        it = self.client.query_iterator(
            self.collection,
            batch_size=4096,
            filter="chunk_id >= -9223372036854775807" if gen is None else f"added_gen <= {int(gen)}",
            output_fields=["chunk_id"],
        )
        try:
            while batch := it.next():
                out.update(int(r["chunk_id"]) for r in batch)
        finally:
            it.close()
        return out

    def verify(self, gen: int, live: set[int]) -> list[str]:
        try:
            return id_problems(f"Milvus rows in '{self.collection}'", self.ids(gen), live)
        except (IndexLockedError, ConfigError):
            raise
        except Exception as exc:
            raise IndexCorruptError(f"Milvus collection '{self.collection}' at {self.uri}: {exc}") from exc

    def seal(self, plan: CommitPlan) -> dict:
        ids = plan.live_ids()
        return {"rows": len(ids), "ids_xxh3": hash_ids(ids)}

    def seal_problems(self, gen: int, seal: dict, full: bool = False) -> list[str]:
        """Row count and id checksum of the generation (a full scan of the ids: only when ``full``)."""
        if not full or not seal:
            return []
        ids = self.ids(gen)
        if len(ids) != seal["rows"] or hash_ids(ids) != seal["ids_xxh3"]:
            return [
                f"Milvus collection '{self.collection}' holds {len(ids)} rows for generation {gen}; "
                f"{seal['rows']} were committed (or their ids differ)"
            ]
        return []

    def close(self) -> None:
        if self._client is None:
            return
        try:
            self._client.close()
        finally:
            self._client = None
            if is_local(self.uri):
                # Milvus Lite serves a file from a thread of this process and holds the file's lock
                # until that server stops; stop it so another process can open the file.
                try:
                    from milvus_lite.server_manager import server_manager_instance
                except ImportError:  # an older milvus-lite: it runs as a subprocess of its own
                    return
                server_manager_instance.release_server(self.uri)
