"""The vector index can be loaded first in a fresh process: it loads onnxruntime before
usearch itself, since onnxruntime loaded after usearch crashes the process."""

import subprocess
import sys
from pathlib import Path

VECTORS = Path(__file__).resolve().parents[3] / "claims" / "matching" / "engine" / "vectors.py"
LOAD_FIRST = f"""
import importlib.util
spec = importlib.util.spec_from_file_location("vectors", {str(VECTORS)!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
import onnxruntime
print("both loaded")
"""


def test_the_vector_index_loaded_first_leaves_onnxruntime_loadable() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", LOAD_FIRST], capture_output=True, text=True, timeout=120
    )
    assert (ran.returncode, ran.stdout.strip()) == (0, "both loaded"), ran.stderr[-2000:]
