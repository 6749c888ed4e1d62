"""What the families' training and evaluation commands share.

Each family trains and evaluates its own models (``detector/filler/train.py``,
``detector/figures/train.py``, ``detector/contradiction/train.py`` and their
``evaluate.py``); this package holds only what several of them read: the shared
data (``data``), the segmented, embedded corpus (``corpus``) and the click
options every ``detector train``/``detector eval`` command takes (``commands``).
"""
