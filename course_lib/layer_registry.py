"""One table of every layer, which the gradient-check tests walk.

The layer contract (``shared/DESIGN.md``): ``forward(x, ...) -> (out, cache)`` and
``backward(dout, cache) -> grads``, where ``grads`` is a NamedTuple with one field
``d<name>`` per array input of the forward, in the forward's order; caches are
NamedTuples; train/eval behaviour is an explicit ``train=`` keyword; randomness (dropout
masks) comes from an explicit generator or a mask passed in.

Each module that defines layers registers them here with :func:`register`, giving a
function that draws valid inputs (away from kinks such as ReLU's 0, so that finite
differences are meaningful) and the keyword options to call the forward with.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_lib._validation import CourseLibError

Inputs = tuple[dict[str, np.ndarray], dict[str, Any]]


@dataclass(frozen=True)
class LayerSpec:
    """A registered layer.

    Attributes
    ----------
    name
        Unique name, with the variant in brackets where one function has several
        (``"dropout[inverted]"``).
    forward, backward
        The pair of the layer contract.
    inputs
        ``inputs(rng) -> (arrays, options)``: the array inputs by argument name, in the
        forward's order, and the keyword options (``train=True``, a fixed mask, ...).
    source
        The seed (and heading) the layer's formulas come from.
    """

    name: str
    forward: Callable[..., tuple[np.ndarray, Any]]
    backward: Callable[[np.ndarray, Any], tuple]
    inputs: Callable[[np.random.Generator], Inputs]
    source: str


_REGISTRY: dict[str, LayerSpec] = {}

# Modules whose import registers layers; all_layers() imports them so the table is
# complete however course_lib was imported.
LAYER_MODULES = (
    "course_lib.layers",
    "course_lib.activations",
    "course_lib.losses",
    "course_lib.dropout",
    "course_lib.batchnorm",
)


def register(spec: LayerSpec) -> LayerSpec:
    if spec.name in _REGISTRY and _REGISTRY[spec.name] is not spec:
        raise CourseLibError(f"a layer named {spec.name!r} is already registered")
    _REGISTRY[spec.name] = spec
    return spec


def all_layers() -> dict[str, LayerSpec]:
    """Every registered layer, by name (importing the layer modules first)."""
    for module in LAYER_MODULES:
        importlib.import_module(module)
    return dict(sorted(_REGISTRY.items()))
