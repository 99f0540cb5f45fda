r"""Seeded datasets for the regularization experiments, splits, minibatches, augmentation.

Every function takes an explicit ``rng: numpy.random.Generator`` and nothing else random,
so the same seed gives the same data in a notebook, a test and a grader. The
scikit-learn generators are fed ``random_state=int(rng.integers(2**31 - 1))``, drawn from
``rng``; scikit-learn itself is imported only when one of them is called, because it
takes about a second to import.

The 1-D regression problem (a smooth truth plus Gaussian noise, fitted by polynomials) is
the setting of seed 004 §1.4-1.6 ("Polynomial Regression", "Model Over-fitting",
training and validation error curves); the truth is a :class:`Truth` object separate from
the sampling, so the bias-variance experiments can draw many training sets from it::

    >>> import numpy as np
    >>> truth = truth_function("sin", noise_std=0.3)
    >>> train = truth.sample(np.random.default_rng(0), 20)
    >>> train.X.shape, train.y.shape
    ((20, 1), (20,))
    >>> float(truth(0.25))  # sin(2π · 0.25)
    1.0

Seed numbers ("seed 004") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np

from course_lib._validation import (
    CourseLibError,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
    check_rng,
    check_unit_interval,
)

# --- containers ----------------------------------------------------------------------


class Dataset(NamedTuple):
    """Inputs and targets: ``X`` has one row (or image) per example, ``y`` one entry.

    Unpacks as ``X, y = data``. ``len(data)`` is 2 (it is a tuple): use
    :attr:`n_samples` for the number of examples.
    """

    X: np.ndarray
    y: np.ndarray

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])


class Split(NamedTuple):
    """Training, validation and test sets (seed 004 §1.6: holdout validation)."""

    train: Dataset
    val: Dataset
    test: Dataset


def concatenate(*datasets: Dataset) -> Dataset:
    """One dataset holding the examples of ``datasets`` in order (e.g. ``train + val``)."""
    if not datasets:
        raise CourseLibError("concatenate needs at least one Dataset")
    for k, d in enumerate(datasets):
        if not isinstance(d, Dataset):
            raise CourseLibError(
                f"concatenate takes Datasets, but argument {k} is a {type(d).__name__}"
            )
    return Dataset(np.concatenate([d.X for d in datasets]), np.concatenate([d.y for d in datasets]))



def _sklearn_seed(rng: np.random.Generator) -> int:
    return int(rng.integers(2**31 - 1))


# --- 1-D regression: a truth plus noise ----------------------------------------------

# The cubic has the zeros of sin(2πx) on [0, 1] (0, 1/2, 1) and the same peak height:
# u³ - u/4 with u = x - 1/2 peaks at |u| = 1/(2√3) with height 1/(12√3). A polynomial
# model of degree >= 3 can then fit it exactly (no bias), which sin(2πx) never allows.
_CUBIC_SCALE = 12.0 * math.sqrt(3.0)

_TRUTHS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], str]] = {
    "sin": (lambda x: np.sin(2.0 * np.pi * x), r"\sin(2\pi x)"),
    "cubic": (
        lambda x: _CUBIC_SCALE * x * (x - 0.5) * (x - 1.0),
        r"12\sqrt{3}\, x (x - \tfrac12)(x - 1)",
    ),
    "linear": (lambda x: 2.0 * x - 1.0, r"2x - 1"),
}
TRUTH_NAMES: tuple[str, ...] = tuple(_TRUTHS)
"""The names :func:`truth_function` and :func:`regression_1d` accept."""


def _check_x_range(x_range: object) -> tuple[float, float]:
    try:
        lo, hi = x_range  # type: ignore[misc]
    except (TypeError, ValueError):
        raise CourseLibError(f"x_range must be a pair (low, high), got {x_range!r}") from None
    lo, hi = check_real("x_range[0]", lo), check_real("x_range[1]", hi)
    if not lo < hi:
        raise CourseLibError(f"x_range must have low < high, got {x_range!r}")
    return lo, hi


@dataclass(frozen=True)
class Truth:
    r"""A noiseless function :math:`f` and the noise of its observations.

    .. math:: y = f(x) + \varepsilon, \qquad \varepsilon \sim \mathcal N(0, \sigma^2),
              \qquad x \sim \mathcal U(\text{x\_range})

    Calling the object evaluates :math:`f` (no noise); :meth:`sample` draws a fresh
    training set, which is all a bias-variance experiment repeats. ``noise_std**2`` is
    the irreducible error of the bias-variance decomposition.

    Parameters
    ----------
    name
        One of :data:`TRUTH_NAMES`: ``"sin"`` (:math:`\sin 2\pi x`), ``"cubic"``
        (:math:`12\sqrt3\, x(x-\frac12)(x-1)`, same zeros and peak height on [0, 1] as the
        sine, but a polynomial of degree 3) or ``"linear"`` (:math:`2x - 1`).
    noise_std
        :math:`\sigma \ge 0`.
    x_range
        Interval the inputs are drawn from, uniformly.
    """

    name: str = "sin"
    noise_std: float = 0.3
    x_range: tuple[float, float] = (0.0, 1.0)

    def __post_init__(self) -> None:
        check_choice("truth", self.name, TRUTH_NAMES)
        object.__setattr__(self, "noise_std", check_nonnegative("noise_std", self.noise_std))
        object.__setattr__(self, "x_range", _check_x_range(self.x_range))

    @property
    def formula(self) -> str:
        """:math:`f` in LaTeX, for plot labels."""
        return _TRUTHS[self.name][1]

    def __call__(self, x: np.ndarray | float) -> np.ndarray:
        """:math:`f(x)`, element-wise, without noise.

        An ``X`` of shape ``(n, 1)``, as stored in a :class:`Dataset`, gives shape
        ``(n,)`` like ``y``, so ``y - truth(X)`` is the noise and not an ``(n, n)``
        broadcast.
        """
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 2 and x.shape[1] == 1:
            x = x[:, 0]
        return _TRUTHS[self.name][0](x)

    def observe(self, rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
        """Noisy targets :math:`f(x) + \\varepsilon` at given inputs (a fixed design)."""
        rng = check_rng(rng)
        f = self(x)
        return f + self.noise_std * rng.standard_normal(f.shape)

    def sample(self, rng: np.random.Generator, n: int) -> Dataset:
        """A fresh training set: ``n`` inputs drawn uniformly, then their noisy targets."""
        rng = check_rng(rng)
        n = check_int("n", n, minimum=1)
        X = rng.uniform(self.x_range[0], self.x_range[1], size=(n, 1))
        return Dataset(X, self.observe(rng, X))


def truth_function(
    name: str = "sin", *, noise_std: float = 0.3, x_range: tuple[float, float] = (0.0, 1.0)
) -> Truth:
    """The :class:`Truth` called ``name`` (one of :data:`TRUTH_NAMES`)."""
    check_choice("truth", name, TRUTH_NAMES)
    return Truth(name, noise_std, x_range)


def regression_1d(
    rng: np.random.Generator,
    n: int,
    *,
    noise_std: float = 0.3,
    truth: str = "sin",
    x_range: tuple[float, float] = (0.0, 1.0),
) -> Dataset:
    r"""``n`` noisy observations of a 1-D truth: the polynomial-regression setting.

    Seed 004 §1.4 fits :math:`f(x; w) = w_0 + w_1 x + \dots + w_m x^m` to such data and
    §1.5-1.6 show it over-fitting when :math:`m` is large for :math:`n`. The same draw as
    ``truth_function(truth, noise_std=noise_std, x_range=x_range).sample(rng, n)``; keep
    that :class:`Truth` to evaluate the noiseless function.

    Returns
    -------
    Dataset
        ``X`` of shape ``(n, 1)`` and ``y`` of shape ``(n,)``, float64.
    """
    return truth_function(truth, noise_std=noise_std, x_range=x_range).sample(rng, n)


# --- 2-D classification ----------------------------------------------------------------


def _classification(X: np.ndarray, y: np.ndarray) -> Dataset:
    return Dataset(np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64))


def two_moons(rng: np.random.Generator, n: int, noise: float = 0.2) -> Dataset:
    """Two interleaving half circles (``sklearn.datasets.make_moons``), labels 0 and 1.

    ``noise`` is the standard deviation of Gaussian noise added to each coordinate.
    """
    rng = check_rng(rng)
    n = check_int("n", n, minimum=2)
    noise = check_nonnegative("noise", noise)
    from sklearn.datasets import make_moons

    return _classification(*make_moons(n, noise=noise, random_state=_sklearn_seed(rng)))


def circles(rng: np.random.Generator, n: int, noise: float = 0.1, factor: float = 0.5) -> Dataset:
    """A small circle (label 1) inside a large one (label 0), ``sklearn.datasets.make_circles``.

    ``factor`` in [0, 1) is the ratio of the radii; ``noise`` the standard deviation of
    Gaussian noise added to each coordinate.
    """
    rng = check_rng(rng)
    n = check_int("n", n, minimum=2)
    noise = check_nonnegative("noise", noise)
    factor = check_unit_interval("factor", factor)
    from sklearn.datasets import make_circles

    X, y = make_circles(n, noise=noise, factor=factor, random_state=_sklearn_seed(rng))
    return _classification(X, y)


def blobs(
    rng: np.random.Generator, n: int, centers: int | np.ndarray = 3, std: float = 1.0
) -> Dataset:
    """Isotropic Gaussian clusters, ``sklearn.datasets.make_blobs``, labels 0..K-1.

    ``centers`` is a number of clusters K (centres drawn in the 2-D box [-10, 10]²) or
    an array of shape ``(K, d)`` of centres; ``std`` the standard deviation of each
    cluster.
    """
    rng = check_rng(rng)
    n = check_int("n", n, minimum=1)
    std = check_positive("std", std)
    if isinstance(centers, int | np.integer) and not isinstance(centers, bool):
        centers = check_int("centers", centers, minimum=1)
        n_features = 2
    else:
        try:
            centers = np.asarray(centers, dtype=np.float64)
        except (TypeError, ValueError):
            raise CourseLibError(
                f"centers must be a number of clusters or an array of shape (K, d), got {centers!r}"
            ) from None
        if centers.ndim != 2 or centers.shape[0] < 1 or not np.isfinite(centers).all():
            raise CourseLibError(
                "centers must be a number of clusters or a finite array of shape (K, d), "
                f"got an array of shape {centers.shape}"
            )
        n_features = centers.shape[1]
    from sklearn.datasets import make_blobs

    X, y = make_blobs(
        n,
        n_features=n_features,
        centers=centers,
        cluster_std=std,
        random_state=_sklearn_seed(rng),
    )
    return _classification(X, y)


# --- digits --------------------------------------------------------------------------


@cache
def _load_digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    X, y = bunch.data.astype(np.float64), bunch.target.astype(np.int64)
    # Cached arrays are shared between calls: make them read-only so nobody edits them.
    X.flags.writeable = False
    y.flags.writeable = False
    return X, y


def digits(
    rng: np.random.Generator,
    *,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    scale: bool = True,
) -> Split:
    """The 1797 8×8 handwritten digits of ``sklearn.datasets.load_digits``, split.

    The data ships inside scikit-learn (no download). Each image is a row of 64 pixels
    (reshape to ``(-1, 8, 8)`` to view); the raw values are counts 0..16, which
    ``scale=True`` divides by 16 into [0, 1]. The split is stratified, so each of the
    ten classes is represented in proportion in every part.

    Returns
    -------
    Split
        ``X`` float64 of shape ``(m, 64)``, ``y`` int64 labels 0..9, in each part.
    """
    rng = check_rng(rng)
    X, y = _load_digits()
    if scale:
        X = X / 16.0
    return train_val_test_split(
        rng, X, y, val_fraction=val_fraction, test_fraction=test_fraction, stratify=True
    )


# --- splits and minibatches ------------------------------------------------------------


def _allocate(
    quotas: np.ndarray, total: int, capacity: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Integer counts near ``quotas`` summing to ``total`` (largest remainders first).

    Each count is the floor of its quota, plus one for the classes with the largest
    fractional parts (ties broken at random) until the counts add up to ``total``; no
    count exceeds ``capacity``.
    """
    counts = np.minimum(np.floor(quotas).astype(np.int64), capacity)
    remainders = quotas - counts
    order = np.lexsort((rng.random(quotas.size), -remainders))
    for k in order:
        if counts.sum() >= total:
            break
        if counts[k] < capacity[k]:
            counts[k] += 1
    if counts.sum() != total:
        raise CourseLibError(
            f"cannot stratify: {int(total)} examples were asked for but the classes only "
            f"have room for {int(counts.sum())}; use fewer classes or larger fractions"
        )
    return counts


def train_val_test_split(
    rng: np.random.Generator,
    X: np.ndarray,
    y: np.ndarray,
    *,
    val_fraction: float,
    test_fraction: float,
    stratify: bool = False,
) -> Split:
    """Split ``(X, y)`` at random into training, validation and test sets.

    The test part has ``round(test_fraction * n)`` examples, the validation part
    ``round(val_fraction * n)`` and training the rest (which must not be empty); a
    fraction of 0 gives an empty part. With ``stratify=True`` each class ``c`` with
    :math:`n_c` examples contributes within one of ``fraction * n_c`` to each part
    (largest-remainder rounding), so the label proportions agree across the parts.
    Within each part the order is random.

    Parameters
    ----------
    X
        Inputs, first axis over examples (rows, or images of shape ``(n, 8, 8)``).
    y
        Targets of length ``n``; class labels when ``stratify``.
    """
    rng = check_rng(rng)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise CourseLibError(
            f"X and y must have a first axis over examples, got shapes {X.shape} and {y.shape}"
        )
    n = X.shape[0]
    if y.shape[0] != n:
        raise CourseLibError(
            f"X and y must have one entry per example: X has {n} rows but y has {y.shape[0]}"
        )
    val_fraction = check_unit_interval("val_fraction", val_fraction)
    test_fraction = check_unit_interval("test_fraction", test_fraction)
    if val_fraction + test_fraction >= 1.0:
        raise CourseLibError(
            f"val_fraction + test_fraction must be < 1 to leave examples for training, "
            f"got {val_fraction} + {test_fraction} = {val_fraction + test_fraction}"
        )
    n_test, n_val = round(test_fraction * n), round(val_fraction * n)
    if n - n_test - n_val < 1:
        raise CourseLibError(
            f"with {n} examples, val_fraction={val_fraction} and test_fraction="
            f"{test_fraction} leave no example for training"
        )

    if not stratify:
        perm = rng.permutation(n)
        parts = perm[:n_test], perm[n_test : n_test + n_val], perm[n_test + n_val :]
    else:
        if y.ndim != 1:
            raise CourseLibError(f"stratify needs 1-D class labels y, got shape {y.shape}")
        classes, labels = np.unique(y, return_inverse=True)
        members = [rng.permutation(np.flatnonzero(labels == c)) for c in range(classes.size)]
        sizes = np.array([m.size for m in members])
        test_counts = _allocate(test_fraction * sizes, n_test, sizes, rng)
        val_counts = _allocate(val_fraction * sizes, n_val, sizes - test_counts, rng)
        test_idx, val_idx, train_idx = [], [], []
        for m, t, v in zip(members, test_counts, val_counts, strict=True):
            test_idx.append(m[:t])
            val_idx.append(m[t : t + v])
            train_idx.append(m[t + v :])
        # Shuffle within each part so that no part is sorted by class (which would make
        # unshuffled minibatches hold a single class).
        parts = tuple(rng.permutation(np.concatenate(p)) for p in (test_idx, val_idx, train_idx))
    test, val, train = (Dataset(X[p], y[p]) for p in parts)
    return Split(train=train, val=val, test=test)


def minibatches(
    rng: np.random.Generator,
    n: int,
    batch_size: int,
    *,
    shuffle: bool = True,
    drop_last: bool = False,
    allow_larger_batch: bool = False,
) -> Iterator[np.ndarray]:
    """One epoch of minibatch indices into a dataset of ``n`` examples.

    ``for idx in minibatches(rng, n, 32): X[idx], y[idx]`` visits every example exactly
    once. With ``shuffle`` each call draws a fresh permutation from ``rng`` (so call it
    once per epoch); without, the order is ``0..n-1`` and ``rng`` is not used. The last
    batch is smaller when ``batch_size`` does not divide ``n``, unless ``drop_last``
    drops it (as ``torch.utils.data.DataLoader`` does).

    ``batch_size > n`` is usually a mistake (a validation set smaller than expected),
    so it raises unless ``allow_larger_batch=True``, which then yields all ``n`` indices
    as one batch (full-batch gradient descent).
    """
    rng = check_rng(rng)
    n = check_int("n", n, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if batch_size > n:
        if drop_last:
            raise CourseLibError(
                f"batch_size={batch_size} is larger than n={n}, so drop_last=True would "
                "yield no batch at all"
            )
        if not allow_larger_batch:
            raise CourseLibError(
                f"batch_size={batch_size} is larger than the number of examples n={n}; "
                "pass allow_larger_batch=True to use all of them as one batch"
            )
    # The permutation is drawn now, not when iteration starts, so the argument checks
    # above fire at the call and rng is consumed in call order.
    order = rng.permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    return (order[start : start + batch_size] for start in range(0, stop, batch_size))


# --- noise injection and augmentation --------------------------------------------------


def add_input_noise(rng: np.random.Generator, X: np.ndarray, std: float) -> np.ndarray:
    r"""``X`` plus independent Gaussian noise: :math:`\tilde x = x + \epsilon`,
    :math:`\epsilon \sim \mathcal N(0, \sigma^2 I)`.

    Noise injection (seed 001 "Regularization - Others": noise robustness, adding noise
    to the input; also the "Additive/Multiplicative Noise" of "Data Augmentation"). Draw
    fresh noise every epoch; for small :math:`\sigma` and a squared loss, training on
    noisy inputs is equivalent to a Tikhonov penalty (Bishop, 1995). Returns a new array.
    """
    rng = check_rng(rng)
    std = check_nonnegative("std", std)
    X = np.asarray(X, dtype=np.float64)
    return X + std * rng.standard_normal(X.shape)


def augment_digits(rng: np.random.Generator, images: np.ndarray, max_shift: int = 1) -> np.ndarray:
    """Translate each 8×8 digit by a random whole number of pixels in each direction.

    Data augmentation (seed 001 "Data Augmentation": horizontal/vertical translation;
    seed 004 §3.7). Each image gets its own shift ``(dy, dx)``, uniform over
    ``{-max_shift, ..., max_shift}²`` (no shift included); pixels moved past the border
    are lost and the background value 0 is shifted in. There are no flips: seed 004
    §3.7 notes that flipping is unsuitable for character recognition (a mirrored 2 is not
    a 2).

    Parameters
    ----------
    images
        Shape ``(n, 64)`` (rows of :func:`digits`) or ``(n, 8, 8)``; the result has the
        same shape. Not modified.
    max_shift
        Largest shift in pixels, 0..7.
    """
    rng = check_rng(rng)
    max_shift = check_int("max_shift", max_shift, minimum=0)
    if max_shift > 7:
        raise CourseLibError(f"max_shift must be at most 7 for 8×8 images, got {max_shift}")
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == 2 and images.shape[1] == 64:
        square = images.reshape(-1, 8, 8)
    elif images.ndim == 3 and images.shape[1:] == (8, 8):
        square = images
    else:
        raise CourseLibError(f"images must have shape (n, 64) or (n, 8, 8), got {images.shape}")
    shifts = rng.integers(-max_shift, max_shift + 1, size=(square.shape[0], 2))
    # Pad with the background, then cut each image's window out of its padded copy:
    # out[i, r, c] = image[i, r - dy, c - dx], zero where that falls outside the image.
    m = max_shift
    padded = np.pad(square, ((0, 0), (m, m), (m, m)))
    rows = (m - shifts[:, :1]) + np.arange(8)
    cols = (m - shifts[:, 1:]) + np.arange(8)
    n = square.shape[0]
    out = padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]
    return out.reshape(images.shape)
