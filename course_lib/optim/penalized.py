r"""L2 in the loss, as a gradient transformation, to compare with decoupled weight decay."""

from __future__ import annotations

from collections.abc import Callable

from course_lib._validation import Params, as_params, check_nonnegative

GradFn = Callable[[Params], Params]


def l2_regularized(grad_fn: GradFn, weight_decay: float, exclude: tuple[str, ...] = ()) -> GradFn:
    r"""The gradient of :math:`L(w) + \tfrac{\lambda}{2}\lVert w\rVert^2`, i.e. ``grad_fn`` + λw.

    Seed 003 "Weight Decay" (:math:`\partial\tilde L/\partial W = \partial L/\partial W +
    \lambda W`). Parameters named in ``exclude`` (biases, say) are not penalized.
    """
    weight_decay = check_nonnegative("weight_decay", weight_decay)

    def penalized(params: Params) -> Params:
        params = as_params(params)
        grads = as_params(grad_fn(params), "grads")
        return {
            k: g if k in exclude else g + weight_decay * params[k] for k, g in grads.items()
        }

    return penalized
