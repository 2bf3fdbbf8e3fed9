"""Persistence: SQLite records, FAISS vectors and a BM25 index per committed generation."""
from .index import Index, Manifest

__all__ = ["Index", "Manifest"]
