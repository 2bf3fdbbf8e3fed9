#!/usr/bin/env bash
# The package stands on its own: build the wheel, install it (not editable) into a fresh venv, and ask
# the sample question through it, from a folder outside the checkout, with the tuned files in use; then
# delete one shipped data file and expect a one-line error that names it.
# The new venv takes its third-party packages from .venv (a .pth line: their .pth hooks, such as the
# editable install of this repository, are not run), so nothing of the checkout is importable in it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
.venv/bin/python -m pip wheel --quiet --no-deps --no-build-isolation . -w "$WORK/dist"
python3.11 -m venv "$WORK/venv"
SITE=$("$WORK/venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
.venv/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])" > "$SITE/deps.pth"
"$WORK/venv/bin/python" -m pip install --quiet --no-deps "$WORK"/dist/*.whl
cd "$WORK"
"$WORK/venv/bin/python" - "$ROOT" <<'PY'
import sys
from pathlib import Path

import assistant
from assistant import Assistant
from assistant.resources import DATA, data_file, sample_articles

root = Path(sys.argv[1]).resolve()
where = Path(assistant.__file__).resolve()
assert root not in where.parents, f"imported from the checkout: {where}"
for name in ("answer_scorer.json", "fusion.json", "verifier.json", "splits.json", "reader/reader.json", "support/support.json"):
    data_file(name)  # present and matching the manifest
a = Assistant(data_dir="index", llm_backend="none")
a.ingest(sample_articles())
ans = a.ask("كم دولة التزمت بإرسال جنود ضمن قوة أمنية؟", mode="extractive")
print(ans.answer)
assert "26" in ans.answer and not ans.abstained, ans
print(f"wheel ok: {where.parent}, data {DATA}")
PY
DATA=$("$WORK/venv/bin/python" -c "from assistant.resources import DATA; print(DATA)")
rm "$DATA/fusion.json"
set +e
out=$(ASSISTANT_LLM_BACKEND=none "$WORK/venv/bin/assistant" -d index2 search "الضمانات الأمنية" 2>&1)
rc=$?
set -e
echo "$out"
if [ "$rc" -ne 2 ] || ! grep -q "fusion.json" <<<"$out" || [ "$(wc -l <<<"$out")" -ne 1 ]; then
  echo "a missing data file must give one line naming it (exit 2); got rc=$rc" >&2
  exit 1
fi
echo "wheel check passed"
