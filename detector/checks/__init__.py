"""Checks, one module each; importing a module registers its check."""

from .base import GROUP_FLAG_TYPES, Analysis, Check, CheckResult, register, registered_checks, resolve_checks

# One line per check module: adding a check means a new module and a line here.
from . import repetition  # noqa: E402,F401
from . import generic, stock_phrase, tautology, template_residue  # noqa: E402,F401
from . import figures  # noqa: E402,F401
from . import contradiction  # noqa: E402,F401
from .. import integrity  # noqa: E402,F401

__all__ = ["GROUP_FLAG_TYPES", "Analysis", "Check", "CheckResult", "register", "registered_checks", "resolve_checks"]
