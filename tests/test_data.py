"""Tests for course_lib.data: shapes, determinism, truths, splits, minibatches, augmentation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_blobs, make_circles, make_moons

from course_lib import CourseLibError
from course_lib.data import (
    TRUTH_NAMES,
    Dataset,
    Split,
    Truth,
    add_input_noise,
    augment_digits,
    blobs,
    circles,
    concatenate,
    digits,
    minibatches,
    regression_1d,
    train_val_test_split,
    truth_function,
    two_moons,
)


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- 1-D regression and its truth -------------------------------------------------------


def test_regression_1d_shapes_dtypes_and_range():
    d = regression_1d(rng(), 50, x_range=(-2.0, 3.0))
    assert isinstance(d, Dataset)
    assert d.X.shape == (50, 1) and d.y.shape == (50,)
    assert d.X.dtype == np.float64 and d.y.dtype == np.float64
    assert d.n_samples == 50
    assert d.X.min() >= -2.0 and d.X.max() < 3.0


def test_regression_1d_is_deterministic_per_seed():
    a, b, c = (regression_1d(rng(s), 30) for s in (7, 7, 8))
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)
    assert not np.array_equal(a.y, c.y)


def test_regression_1d_is_the_truths_sample():
    truth = truth_function("cubic", noise_std=0.1)
    a = regression_1d(rng(3), 25, truth="cubic", noise_std=0.1)
    b = truth.sample(rng(3), 25)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)


def test_sampling_draws_fresh_sets_from_one_truth():
    truth = truth_function("sin")
    g = rng(1)
    first, second = truth.sample(g, 10), truth.sample(g, 10)
    assert not np.array_equal(first.X, second.X)


def test_sin_truth_values():
    sin = truth_function("sin")
    # sin(2π·x) at x = 0, 1/4, 1/2, 3/4: 0, 1, 0, -1
    np.testing.assert_allclose(sin(np.array([0.0, 0.25, 0.5, 0.75])), [0, 1, 0, -1], atol=1e-15)
    assert sin.name == "sin" and sin.noise_std == 0.3


def test_cubic_truth_shares_the_sines_zeros_and_peak():
    cubic = truth_function("cubic")
    np.testing.assert_allclose(cubic(np.array([0.0, 0.5, 1.0])), 0.0, atol=1e-15)
    # 12√3·x(x-1/2)(x-1) = 12√3·(u³ - u/4) with u = x - 1/2; its derivative 3u² - 1/4
    # vanishes at u = ±1/(2√3), where u³ - u/4 = ∓1/(12√3): the peaks are ±1.
    u = 1 / (2 * math.sqrt(3))
    assert cubic(0.5 - u) == pytest.approx(1.0, rel=1e-14)
    assert cubic(0.5 + u) == pytest.approx(-1.0, rel=1e-14)
    # a polynomial of degree 3: a cubic fit through many points is exact
    x = np.linspace(-1, 2, 40)
    coef = np.polyfit(x, cubic(x), 3)
    np.testing.assert_allclose(np.polyval(coef, x), cubic(x), atol=1e-10)
    assert coef[0] == pytest.approx(12 * math.sqrt(3), rel=1e-10)


def test_linear_truth():
    np.testing.assert_allclose(truth_function("linear")(np.array([0.0, 0.5, 1.0])), [-1, 0, 1])


def test_truth_of_a_column_matches_y():
    truth = truth_function("sin", noise_std=0.0)
    d = truth.sample(rng(), 12)
    assert truth(d.X).shape == (12,)
    np.testing.assert_array_equal(d.y, np.sin(2 * np.pi * d.X[:, 0]))  # no noise


def test_sin_noise_level_is_recovered_from_a_large_sample():
    sigma, n = 0.3, 200_000
    truth = truth_function("sin", noise_std=sigma)
    d = truth.sample(rng(5), n)
    residual = d.y - np.sin(2 * np.pi * d.X[:, 0])
    # For Gaussian noise the sample standard deviation has standard error ≈ σ/√(2(n-1))
    # and the mean σ/√n; allow four of each.
    assert abs(residual.std(ddof=1) - sigma) < 4 * sigma / math.sqrt(2 * (n - 1))
    assert abs(residual.mean()) < 4 * sigma / math.sqrt(n)


def test_observe_at_fixed_inputs():
    truth = truth_function("linear", noise_std=0.0)
    x = np.array([0.0, 1.0])
    np.testing.assert_array_equal(truth.observe(rng(), x), [-1.0, 1.0])


def test_truth_is_frozen_and_reports_its_formula():
    truth = Truth("sin", 0.2, (0, 1))
    assert truth.x_range == (0.0, 1.0)
    assert "sin" in truth.formula
    with pytest.raises(AttributeError):
        truth.noise_std = 0.5  # type: ignore[misc]
    assert set(TRUTH_NAMES) >= {"sin", "cubic"}


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: truth_function("cosine"), r"truth must be one of 'sin', 'cubic', 'linear', got 'cosine'"),
        (lambda: regression_1d(rng(), 10, truth="tanh"), r"truth must be one of 'sin', 'cubic', 'linear', got 'tanh'"),
        (lambda: regression_1d(rng(), 10, noise_std=-0.1), r"noise_std must be >= 0, got -0.1"),
        (lambda: regression_1d(rng(), 0), r"n must be >= 1, got 0"),
        (lambda: regression_1d(rng(), 10, x_range=(1, 0)), r"x_range must have low < high, got \(1, 0\)"),
        (lambda: regression_1d(rng(), 10, x_range=3), r"x_range must be a pair \(low, high\), got 3"),
        (lambda: regression_1d(42, 10), r"rng must be a numpy.random.Generator, e.g. np.random.default_rng\(0\), got 42"),
        (lambda: regression_1d(np.random.RandomState(0), 10), r"rng must be a numpy.random.Generator"),
    ],
)
def test_regression_bad_arguments(call, message):
    with pytest.raises(CourseLibError, match=message):
        call()


# --- 2-D classification --------------------------------------------------------------


def sklearn_seed(seed: int) -> int:
    """The random_state the data functions derive from np.random.default_rng(seed)."""
    return int(np.random.default_rng(seed).integers(2**31 - 1))


def test_two_moons_matches_sklearn_with_the_derived_seed():
    d = two_moons(rng(4), 101, noise=0.15)
    X, y = make_moons(101, noise=0.15, random_state=sklearn_seed(4))
    np.testing.assert_array_equal(d.X, X)
    np.testing.assert_array_equal(d.y, y)
    assert d.X.shape == (101, 2) and d.X.dtype == np.float64 and d.y.dtype == np.int64
    assert np.bincount(d.y).tolist() == [50, 51]  # make_moons puts n // 2 in the outer moon


def test_circles_radii_without_noise():
    d = circles(rng(), 200, noise=0.0, factor=0.3)
    radius = np.linalg.norm(d.X, axis=1)
    np.testing.assert_allclose(radius[d.y == 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(radius[d.y == 1], 0.3, rtol=1e-12)
    X, y = make_circles(200, noise=0.0, factor=0.3, random_state=sklearn_seed(0))
    np.testing.assert_array_equal(d.X, X)
    np.testing.assert_array_equal(d.y, y)
    assert d.y.dtype == np.int64 and set(d.y.tolist()) == {0, 1}


def test_blobs_labels_and_centres():
    centers = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    d = blobs(rng(2), 400, centers=centers, std=0.5)
    assert d.X.shape == (400, 2) and d.y.dtype == np.int64
    assert sorted(set(d.y.tolist())) == [0, 1, 2, 3]
    for k, c in enumerate(centers):
        members = d.X[d.y == k]
        # ~100 points of std 0.5: the mean is within 4·0.5/√(count) of the centre
        assert np.all(np.abs(members.mean(axis=0) - c) < 4 * 0.5 / math.sqrt(len(members)))


def test_blobs_with_a_number_of_centres_matches_sklearn():
    d = blobs(rng(9), 60, centers=3, std=1.0)
    X, y = make_blobs(60, n_features=2, centers=3, cluster_std=1.0, random_state=sklearn_seed(9))
    np.testing.assert_array_equal(d.X, X)
    np.testing.assert_array_equal(d.y, y)


@pytest.mark.parametrize("make", [two_moons, circles, blobs])
def test_classification_is_deterministic_per_seed(make):
    a, b, c = make(rng(1), 50), make(rng(1), 50), make(rng(2), 50)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: two_moons(rng(), 50, noise=-1), r"noise must be >= 0, got -1"),
        (lambda: two_moons(rng(), 1), r"n must be >= 2, got 1"),
        (lambda: circles(rng(), 50, factor=1.0), r"factor must lie in \[0, 1\), got 1.0"),
        (lambda: blobs(rng(), 50, std=0), r"std must be > 0, got 0"),
        (lambda: blobs(rng(), 50, centers=0), r"centers must be >= 1, got 0"),
        (lambda: blobs(rng(), 50, centers=np.zeros(3)), r"centers must be a number of clusters or a finite array of shape \(K, d\), got an array of shape \(3,\)"),
        (lambda: blobs(rng(), 50, centers="three"), r"centers must be a number of clusters or an array of shape \(K, d\)"),
        (lambda: two_moons(None, 50), r"rng must be a numpy.random.Generator"),
    ],
)
def test_classification_bad_arguments(call, message):
    with pytest.raises(CourseLibError, match=message):
        call()


# --- digits ---------------------------------------------------------------------------


def sort_rows(a: np.ndarray) -> np.ndarray:
    return a[np.lexsort(a.T[::-1])]


def test_digits_split_sizes_range_and_content():
    split = digits(rng())
    assert isinstance(split, Split)
    # 1797 images: round(0.15 · 1797) = round(269.55) = 270 each for test and validation
    assert [p.n_samples for p in split] == [1797 - 540, 270, 270]
    for part in split:
        assert part.X.shape[1] == 64 and part.X.dtype == np.float64 and part.y.dtype == np.int64
        assert part.X.min() >= 0.0 and part.X.max() <= 1.0
    everything = concatenate(*split)
    assert everything.X.max() == 1.0 and everything.X.min() == 0.0
    # the parts together are exactly the data set, pixel counts divided by 16
    raw = load_digits()
    both = np.column_stack([everything.X * 16, everything.y])
    np.testing.assert_array_equal(sort_rows(both), sort_rows(np.column_stack([raw.data, raw.target])))


def test_digits_split_is_stratified():
    split = digits(rng(1), val_fraction=0.2, test_fraction=0.1)
    per_class = np.bincount(load_digits().target)  # 178, 182, 177, ...
    for part, fraction in ((split.val, 0.2), (split.test, 0.1), (split.train, 0.7)):
        counts = np.bincount(part.y, minlength=10)
        assert np.all(np.abs(counts - fraction * per_class) < 1 + 1e-9), (fraction, counts)


def test_digits_unscaled_and_deterministic():
    raw = digits(rng(2), scale=False)
    assert raw.train.X.max() == 16.0
    again = digits(rng(2), scale=False)
    np.testing.assert_array_equal(raw.test.X, again.test.X)
    other = digits(rng(3), scale=False)
    assert not np.array_equal(raw.test.y, other.test.y)


# --- train_val_test_split -------------------------------------------------------------


def test_split_partitions_the_examples():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    split = train_val_test_split(rng(), X, y, val_fraction=0.2, test_fraction=0.3)
    assert [p.n_samples for p in split] == [5, 2, 3]
    ids = np.concatenate([p.y for p in split])
    assert sorted(ids.tolist()) == list(range(10))
    for part in split:  # rows stay with their labels
        np.testing.assert_array_equal(part.X[:, 0], 2.0 * part.y)
    assert ids.tolist() != list(range(10))  # shuffled


def test_split_is_deterministic_and_does_not_mutate():
    X, y = np.arange(30.0).reshape(15, 2), np.arange(15)
    X0 = X.copy()
    a = train_val_test_split(rng(5), X, y, val_fraction=0.2, test_fraction=0.2)
    b = train_val_test_split(rng(5), X, y, val_fraction=0.2, test_fraction=0.2)
    c = train_val_test_split(rng(6), X, y, val_fraction=0.2, test_fraction=0.2)
    np.testing.assert_array_equal(X, X0)
    for p, q in zip(a, b, strict=True):
        np.testing.assert_array_equal(p.y, q.y)
    assert not np.array_equal(a.train.y, c.train.y)


def test_split_with_zero_fractions_gives_empty_parts():
    X, y = np.ones((6, 3)), np.zeros(6)
    split = train_val_test_split(rng(), X, y, val_fraction=0.5, test_fraction=0.0)
    assert split.test.X.shape == (0, 3) and split.test.y.shape == (0,)
    assert split.val.n_samples == 3 and split.train.n_samples == 3


def test_stratified_split_keeps_label_proportions():
    y = np.repeat([0, 1, 2], [70, 20, 10])
    X = np.arange(100.0)[:, None]
    split = train_val_test_split(rng(), X, y, val_fraction=0.2, test_fraction=0.1, stratify=True)
    # val: 0.2 · (70, 20, 10) = (14, 4, 2); test: 0.1 · (70, 20, 10) = (7, 2, 1); whole numbers
    assert np.bincount(split.val.y).tolist() == [14, 4, 2]
    assert np.bincount(split.test.y).tolist() == [7, 2, 1]
    assert np.bincount(split.train.y).tolist() == [49, 14, 7]


def test_stratified_split_rounds_each_class_within_one():
    y = np.repeat([0, 1, 2], [13, 7, 5])  # 25 examples; 0.3 · 25 = 7.5 -> 8 in test
    X = np.zeros((25, 1))
    split = train_val_test_split(rng(3), X, y, val_fraction=0.2, test_fraction=0.3, stratify=True)
    assert split.test.n_samples == 8 and split.val.n_samples == 5
    for part, fraction in ((split.test, 0.3), (split.val, 0.2)):
        counts = np.bincount(part.y, minlength=3)
        assert np.all(np.abs(counts - fraction * np.array([13, 7, 5])) < 1)


def test_concatenate():
    a = Dataset(np.zeros((2, 3)), np.array([0, 1]))
    b = Dataset(np.ones((1, 3)), np.array([2]))
    c = concatenate(a, b)
    assert c.X.shape == (3, 3) and c.y.tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"val_fraction": 0.5, "test_fraction": 0.5}, r"val_fraction \+ test_fraction must be < 1 to leave examples for training, got 0.5 \+ 0.5 = 1.0"),
        ({"val_fraction": 0.7, "test_fraction": 0.4}, r"val_fraction \+ test_fraction must be < 1"),
        ({"val_fraction": -0.1, "test_fraction": 0.2}, r"val_fraction must lie in \[0, 1\), got -0.1"),
        ({"val_fraction": 0.2, "test_fraction": 1.0}, r"test_fraction must lie in \[0, 1\), got 1.0"),
        ({"val_fraction": 0.45, "test_fraction": 0.45}, r"with 4 examples, val_fraction=0.45 and test_fraction=0.45 leave no example for training"),
    ],
)
def test_split_bad_fractions(kwargs, message):
    with pytest.raises(CourseLibError, match=message):
        train_val_test_split(rng(), np.zeros((4, 1)), np.zeros(4), **kwargs)


def test_split_bad_shapes():
    with pytest.raises(CourseLibError, match=r"X has 4 rows but y has 3"):
        train_val_test_split(rng(), np.zeros((4, 1)), np.zeros(3), val_fraction=0.2, test_fraction=0.2)
    with pytest.raises(CourseLibError, match=r"stratify needs 1-D class labels y, got shape \(4, 2\)"):
        train_val_test_split(rng(), np.zeros((4, 1)), np.zeros((4, 2)), val_fraction=0.2, test_fraction=0.2, stratify=True)
    with pytest.raises(CourseLibError, match=r"concatenate takes Datasets, but argument 1 is a tuple"):
        concatenate(Dataset(np.zeros((1, 1)), np.zeros(1)), (np.zeros((1, 1)), np.zeros(1)))


# --- minibatches --------------------------------------------------------------------------


def test_minibatches_partition_each_epoch():
    g = rng()
    for _ in range(3):
        batches = list(minibatches(g, 10, 4))
        assert [b.size for b in batches] == [4, 4, 2]
        assert sorted(np.concatenate(batches).tolist()) == list(range(10))


def test_minibatches_draw_a_fresh_permutation_per_call():
    g = rng()
    first = np.concatenate(list(minibatches(g, 50, 10)))
    second = np.concatenate(list(minibatches(g, 50, 10)))
    assert not np.array_equal(first, second)
    again = np.concatenate(list(minibatches(rng(), 50, 10)))
    np.testing.assert_array_equal(first, again)


def test_minibatches_drop_last():
    batches = list(minibatches(rng(), 10, 4, drop_last=True))
    assert [b.size for b in batches] == [4, 4]
    assert len(set(np.concatenate(batches).tolist())) == 8


def test_minibatches_without_shuffle_are_in_order_and_leave_rng_alone():
    g = rng(3)
    batches = list(minibatches(g, 7, 3, shuffle=False))
    assert [b.tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]
    assert g.random() == rng(3).random()


def test_minibatches_larger_batch_only_when_allowed():
    with pytest.raises(CourseLibError, match=r"batch_size=8 is larger than the number of examples n=5; pass allow_larger_batch=True"):
        minibatches(rng(), 5, 8)
    batches = list(minibatches(rng(), 5, 8, allow_larger_batch=True))
    assert len(batches) == 1 and sorted(batches[0].tolist()) == [0, 1, 2, 3, 4]
    with pytest.raises(CourseLibError, match=r"drop_last=True would yield no batch at all"):
        minibatches(rng(), 5, 8, drop_last=True, allow_larger_batch=True)


@pytest.mark.parametrize(
    "args, message",
    [
        ((10, 0), r"batch_size must be >= 1, got 0"),
        ((0, 1), r"n must be >= 1, got 0"),
        ((10, 2.0), r"batch_size must be an integer, got 2.0"),
    ],
)
def test_minibatches_bad_arguments(args, message):
    with pytest.raises(CourseLibError, match=message):
        minibatches(rng(), *args)


# --- noise injection and augmentation -------------------------------------------------


def test_add_input_noise():
    X = np.zeros((400, 50))
    noisy = add_input_noise(rng(), X, 0.5)
    assert noisy.shape == X.shape and noisy.dtype == np.float64
    assert np.all(X == 0)  # not mutated
    n = noisy.size  # 20000 draws: standard error of the std ≈ 0.5/√(2n) = 0.0025
    assert abs(noisy.std() - 0.5) < 4 * 0.5 / math.sqrt(2 * n)
    same = add_input_noise(rng(), np.ones(3), 0.0)
    np.testing.assert_array_equal(same, np.ones(3))
    with pytest.raises(CourseLibError, match=r"std must be >= 0, got -1"):
        add_input_noise(rng(), X, -1)


def shifted(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Independent shift: roll, then blank the rows and columns that wrapped around."""
    out = np.roll(image, (dy, dx), axis=(0, 1))
    if dy > 0:
        out[:dy] = 0
    elif dy < 0:
        out[dy:] = 0
    if dx > 0:
        out[:, :dx] = 0
    elif dx < 0:
        out[:, dx:] = 0
    return out


def identify_shift(original: np.ndarray, augmented: np.ndarray, max_shift: int) -> tuple[int, int]:
    matches = [
        (dy, dx)
        for dy in range(-max_shift, max_shift + 1)
        for dx in range(-max_shift, max_shift + 1)
        if np.array_equal(shifted(original, dy, dx), augmented)
    ]
    assert len(matches) == 1, matches
    return matches[0]


def test_augment_digits_is_a_random_translation():
    images = rng(1).uniform(0.1, 1.0, size=(300, 8, 8))  # no zero pixel: shifts are unique
    before = images.copy()
    out = augment_digits(rng(2), images, max_shift=1)
    assert out.shape == images.shape
    np.testing.assert_array_equal(images, before)
    seen = {identify_shift(a, b, 1) for a, b in zip(images, out, strict=True)}
    assert seen == {(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)}  # all 9 occur


def test_augment_digits_keeps_the_pixels_that_stay_inside():
    images = digits(rng()).train.X[:50]  # rows of 64 pixels
    out = augment_digits(rng(4), images, max_shift=2)
    assert out.shape == (50, 64)
    for flat_in, flat_out in zip(images, out, strict=True):
        a, b = flat_in.reshape(8, 8), flat_out.reshape(8, 8)
        # Moving down by dy loses the bottom dy rows (the top -dy rows if dy < 0); same
        # for columns. Find a shift whose surviving pixels are exactly the output's.
        candidates = []
        for dy in range(-2, 3):
            for dx in range(-2, 3):
                rows = slice(0, 8 - dy) if dy >= 0 else slice(-dy, 8)
                cols = slice(0, 8 - dx) if dx >= 0 else slice(-dx, 8)
                kept = np.sort(a[rows, cols].ravel())
                if np.array_equal(np.sort(np.concatenate([kept, np.zeros(64 - kept.size)])), np.sort(b.ravel())):
                    candidates.append((dy, dx))
        assert candidates  # the pixel multiset is the input's minus what crossed the border


def test_augment_digits_without_shift_is_the_identity_and_deterministic():
    images = rng().uniform(size=(5, 8, 8))
    np.testing.assert_array_equal(augment_digits(rng(), images, max_shift=0), images)
    np.testing.assert_array_equal(augment_digits(rng(7), images), augment_digits(rng(7), images))


@pytest.mark.parametrize(
    "images, max_shift, message",
    [
        (np.zeros((3, 8, 8)), 8, r"max_shift must be at most 7 for 8×8 images, got 8"),
        (np.zeros((3, 8, 8)), -1, r"max_shift must be >= 0, got -1"),
        (np.zeros((3, 63)), 1, r"images must have shape \(n, 64\) or \(n, 8, 8\), got \(3, 63\)"),
        (np.zeros((8, 8)), 1, r"images must have shape \(n, 64\) or \(n, 8, 8\), got \(8, 8\)"),
    ],
)
def test_augment_digits_bad_arguments(images, max_shift, message):
    with pytest.raises(CourseLibError, match=message):
        augment_digits(rng(), images, max_shift)
