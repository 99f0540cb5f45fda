"""Every optimizer of the course, with one contract (see :mod:`course_lib.optim.base`).

>>> from course_lib import optim
>>> opt = optim.Adam(lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8)
>>> traj = optim.run(opt, lambda p: {"x": 2 * p["x"]}, {"x": 1.0}, n_steps=3)
>>> len(traj.params)
4
"""

from course_lib.optim.adam import BIAS_CORRECTIONS, Adam, Adamax, AdamState, AdamW, NAdam
from course_lib.optim.adaptive import Adadelta, AdaGrad, RMSProp, RMSPropNesterov
from course_lib.optim.base import Optimizer, State, Trajectory, run
from course_lib.optim.clipping import Clipped, clip_by_global_norm, clip_by_value, global_norm
from course_lib.optim.momentum import MOMENTUM_FORMS, NESTEROV_FORMS, SGD, Momentum, Nesterov
from course_lib.optim.newton import Newton, RegularizedNewton, flatten, unflatten
from course_lib.optim.penalized import l2_regularized

__all__ = [
    "BIAS_CORRECTIONS",
    "MOMENTUM_FORMS",
    "NESTEROV_FORMS",
    "SGD",
    "AdaGrad",
    "Adadelta",
    "Adam",
    "AdamState",
    "AdamW",
    "Adamax",
    "Clipped",
    "Momentum",
    "NAdam",
    "Nesterov",
    "Newton",
    "Optimizer",
    "RMSProp",
    "RMSPropNesterov",
    "RegularizedNewton",
    "State",
    "Trajectory",
    "clip_by_global_norm",
    "clip_by_value",
    "flatten",
    "global_norm",
    "l2_regularized",
    "run",
    "unflatten",
]
