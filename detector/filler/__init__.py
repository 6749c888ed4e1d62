"""What the filler checks share: the stock-phrase list, template-residue and
tautology rules, and the interpretable sentence features of ``filler.generic``.

The checks themselves are in ``detector/checks/`` (one small class each); the
logic here is plain functions over sentence text so that training, evaluation
and the checks compute exactly the same thing.
"""
