"""The support checker in the verifier (a fake checker: fast), and its shipped files' checks."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.answer.grounding import Verifier, default_verifier, parse_claims, verify_claims

SOURCE = (
    "أعلنت بولندا أنها لن ترسل قوات برية إلى أوكرانيا. "
    "والتزمت 26 دولة على الأقل بإرسال جنود ضمن قوة أمنية. "
    "وقدمت السويد مساعدات مالية للحكومة الأوكرانية. "
    "وقالت فرنسا إنها ستقود القوة في البحر الأسود. "
    "وتحدث المسؤولون عن جدول زمني للانتشار."
)


class FakeChecker:
    """Probabilities from a table of claims it accepts; it records what it was shown."""

    def __init__(self, accepts: set[str], calibration: dict | None = None) -> None:
        self.accepts = accepts
        self.record = {"calibration": calibration or {"min_support": {"ar-ar": 0.6, "en-ar": 0.4}}}
        self.seen: list[tuple[str, str]] = []

    def probabilities(self, claim: str, windows: list[str]) -> np.ndarray:
        self.seen += [(claim, w) for w in windows]
        return np.array([0.9 if claim in self.accepts else 0.1 for _ in windows], np.float32)


def test_the_checker_decides_after_the_rules_and_reads_a_window_around_the_closest_sentence() -> None:
    good = "التزمت 26 دولة على الأقل بإرسال جنود."
    lie = "التزمت 26 دولة على الأقل بإرسال قوات برية إلى أوكرانيا."  # words of the source, recombined
    fake = FakeChecker({good})
    v = default_verifier(None, None, fake)
    assert v.check(good, SOURCE) is None
    why = v.check(lie, SOURCE)
    assert why and "support checker" in why and "0.10 < 0.60" in why
    claim, window = fake.seen[0]
    assert claim == good
    assert "26 دولة" in window and "فرنسا" not in window  # the closest sentence and its neighbours only
    assert window.startswith("أعلنت بولندا") and window.endswith("الأوكرانية.")


def test_rules_still_drop_first_without_asking_the_checker() -> None:
    fake = FakeChecker({"التزمت 27 دولة بإرسال جنود."})
    v = default_verifier(None, None, fake)
    assert "numbers not in the cited passage" in v.check("التزمت 27 دولة بإرسال جنود.", SOURCE)
    assert fake.seen == []


def test_per_pair_thresholds_and_the_cosine_floor_switch() -> None:
    fake = FakeChecker(set(), {"min_support": {"ar-ar": 0.05}, "keep_cosine_floor": {"ar-ar": False}})

    class Emb:
        model_id = "whatever"

        def embed_passages(self, texts):
            return np.ones((len(texts), 2)) / np.sqrt(2)

    v = default_verifier(Emb(), None, fake)
    assert v.min_support == {"ar-ar": 0.05}
    assert v.check("التزمت 26 دولة على الأقل بإرسال جنود.", SOURCE) is None  # 0.1 >= 0.05
    assert default_verifier(None, None).support is None  # no checker: the rules alone


def test_a_rejected_draft_sentence_is_dropped_with_the_checkers_reason() -> None:
    fake = FakeChecker({"التزمت 26 دولة على الأقل بإرسال جنود."})
    v = default_verifier(None, None, fake)
    claims = parse_claims("التزمت 26 دولة على الأقل بإرسال جنود [1]. وقدمت السويد جنوداً ضمن قوة أمنية [1].")
    kept, dropped = verify_claims(claims, {1: SOURCE}, check=v.check, locate=v.locate)
    assert [c.text for c, _ in kept] == ["التزمت 26 دولة على الأقل بإرسال جنود."]
    assert len(dropped) == 1 and "support checker" in dropped[0].reason


def test_support_probability_is_what_calibration_reads() -> None:
    fake = FakeChecker({"x"})
    assert Verifier().support_probability("x", SOURCE) is None
    assert default_verifier(None, None, fake).support_probability("x", SOURCE) == pytest.approx(0.9)


def test_a_support_folder_is_checked_like_the_reader(tmp_path) -> None:
    from assistant.errors import ModelError
    from assistant.models.reader import load_record, onnx_path

    folder = tmp_path / "support"
    folder.mkdir()
    with pytest.raises(ModelError, match="the support checker's record is missing.*train_support"):
        load_record(folder)
    (folder / "delta.safetensors").write_bytes(b"weights")
    from assistant.resources import sha256_file

    (folder / "support.json").write_text(json.dumps({"delta": {"sha256": sha256_file(folder / "delta.safetensors")}}))
    record = load_record(folder)
    assert onnx_path(tmp_path, record).name == "support.onnx"
    (folder / "delta.safetensors").write_bytes(b"other weights")
    with pytest.raises(ModelError, match="does not match the sha256.*train_support"):
        load_record(folder)
