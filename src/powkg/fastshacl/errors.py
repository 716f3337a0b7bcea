"""The fast engine's one error: a shape (or data) it cannot evaluate exactly as pyshacl would."""

from __future__ import annotations

from ..errors import ShapesError


class UnsupportedShapeError(ShapesError):
    """A shape uses a SHACL feature the fast engine does not compile, or the data needs a dataset the
    compiled queries cannot express exactly. Raised when the shapes are compiled (or, for data-dependent
    cases, when a run starts): never a shape silently skipped. Use pyshacl (powkg.validation) instead."""
