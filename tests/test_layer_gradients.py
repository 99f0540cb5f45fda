"""Every registered layer's backward agrees with central differences (relative error < 1e-7).

The table is course_lib.layer_registry: a layer module registers each layer and variant
with a generator of valid inputs, so a new layer is checked as soon as it is registered.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.gradcheck import check_layer
from course_lib.layer_registry import all_layers

LAYERS = all_layers()
TOLERANCE = 1e-7


def test_the_table_covers_every_kind_of_layer():
    names = " ".join(LAYERS)
    for kind in ("affine", "activation[", "loss[", "dropout[", "gaussian_dropout[",
                 "dropconnect[", "batchnorm["):
        assert kind in names, f"no registered layer of kind {kind!r}"


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_backward_matches_finite_differences(name):
    spec = LAYERS[name]
    # three draws: one lucky input should not hide a wrong backward
    for seed in range(3):
        errors = check_layer(spec, np.random.default_rng(seed))
        assert errors, f"{name} registers no array input to check"
        for arg, err in errors.items():
            assert err < TOLERANCE, f"{name}: d{arg} relative error {err:.2e} (seed {seed})"


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_every_layer_cites_its_source(name):
    assert LAYERS[name].source.strip(), f"{name} does not say where its formulas come from"
