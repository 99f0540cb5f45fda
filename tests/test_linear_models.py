"""course_lib.linear_models against scikit-learn, hand derivations and the optimality conditions.

Each comparison with scikit-learn writes out how our λ maps to sklearn's parameter; the
derivations are in the comments. No expected value comes from the code under test.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
import sklearn.metrics
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import CourseLibError, optim
from course_lib import linear_models as lm
from course_lib.gradcheck import numerical_gradient, relative_error


def close(actual, expected, tol=1e-12):
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol)


def regression_data(seed=0, n=60, d=8, intercept=0.7, noise=0.5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = np.zeros(d)
    w[: min(d, 4)] = [3.0, -2.0, 1.5, 0.5][: min(d, 4)]
    return X, X @ w + intercept + noise * rng.normal(size=n)


def classification_data(seed=1, n=200):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    z = X @ np.array([1.5, -2.0, 0.5]) + 0.3
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    return X, y


X, Y = regression_data()
N = X.shape[0]


# --------------------------------------------------------------------------------------
# Features and least squares
# --------------------------------------------------------------------------------------


def test_polynomial_features_by_hand():
    x = np.array([2.0, -1.0, 0.0])
    expected = [[1, 2, 4, 8], [1, -1, 1, -1], [1, 0, 0, 0]]  # [1, x, x², x³]
    close(lm.polynomial_features(x, 3), expected)
    close(lm.polynomial_features(x.reshape(-1, 1), 3), expected)
    close(lm.polynomial_features(x, 3, include_bias=False), [r[1:] for r in expected])
    close(lm.polynomial_features(x, 0), [[1], [1], [1]])


def test_normal_equations_seed004_two_by_two_system():
    # seed 004 sec. 1.3 (4): [[N, Σx], [Σx, Σx²]] [w0, w1] = [Σy, Σxy].
    # x = 0..3, y = 1, 3, 4, 8: N = 4, Σx = 6, Σx² = 14, Σy = 16, Σxy = 35;
    # det = 56 - 36 = 20, w0 = (14·16 - 6·35)/20 = 0.7, w1 = (4·35 - 6·16)/20 = 2.2
    x, y = np.arange(4.0), np.array([1.0, 3.0, 4.0, 8.0])
    close(lm.normal_equations(lm.polynomial_features(x, 1), y), [0.7, 2.2])


def test_normal_equations_match_lstsq():
    close(lm.normal_equations(X, Y), np.linalg.lstsq(X, Y, rcond=None)[0], tol=1e-10)


def test_singular_normal_equations_suggest_ridge():
    Xs = np.column_stack([X[:, 0], 2 * X[:, 0]])
    with pytest.raises(CourseLibError, match=r"rank 1 < 2 features.*ridge"):
        lm.normal_equations(Xs, Y)
    with pytest.raises(CourseLibError, match=r"fewer examples \(3\) than features \(8\)"):
        lm.normal_equations(X[:3], Y[:3])
    with pytest.raises(CourseLibError, match=r"singular.*ridge"):
        lm.ridge(Xs, Y, 0.0)
    # with λ > 0 the same problem has a unique solution: by symmetry of the two columns
    # in the penalty, w = [t, 2t]
    w = lm.ridge(Xs, Y, 1.0).coef
    close(w[1], 2 * w[0], tol=1e-10)


# --------------------------------------------------------------------------------------
# Ridge
# --------------------------------------------------------------------------------------


def test_ridge_by_hand():
    # X = [[1], [2]], y = [1, 2], λ = 1: w = (XᵀX + λ)⁻¹Xᵀy = 5 / 6
    close(lm.ridge(np.array([[1.0], [2.0]]), np.array([1.0, 2.0]), 1.0).coef, [5 / 6])
    # with an unpenalized intercept: centered x = [-0.5, 0.5], y = [-0.5, 0.5]:
    # w = 0.5 / (0.5 + 1) = 1/3, b = ȳ - x̄ w = 1.5 - 1.5/3 = 1
    fit = lm.ridge(np.array([[1.0], [2.0]]), np.array([1.0, 2.0]), 1.0, fit_intercept=True)
    close(fit.coef, [1 / 3])
    close(fit.intercept, 1.0)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_ridge_matches_sklearn(fit_intercept):
    # seed 004 minimizes ‖Xw - y‖² + λ‖w‖², exactly sklearn's Ridge objective with
    # alpha = λ (sklearn also leaves the intercept unpenalized by centering)
    for lam in (0.1, 5.0, 300.0):
        ours = lm.ridge(X, Y, lam, fit_intercept=fit_intercept)
        ref = sk.Ridge(alpha=lam, fit_intercept=fit_intercept, solver="cholesky").fit(X, Y)
        close(ours.coef, ref.coef_, tol=1e-10)
        close(ours.intercept, ref.intercept_, tol=1e-10)
        close(ours.predict(X), ref.predict(X), tol=1e-10)


@pytest.mark.parametrize("scaling", ["lambda_over_2", "lambda_over_2n"])
def test_ridge_other_scalings_match_sklearn(scaling):
    # "lambda_over_2": ‖Xw - y‖² + (λ/2)‖w‖² -> sklearn alpha = λ/2.
    # "lambda_over_2n": (1/N)‖Xw - y‖² + λ/(2N)‖w‖²; times N it is the line above, so
    # alpha = λ/2 again.
    lam = 6.0
    ours = lm.ridge(X, Y, lam, fit_intercept=True, scaling=scaling)
    ref = sk.Ridge(alpha=lam / 2, solver="cholesky").fit(X, Y)
    close(ours.coef, ref.coef_, tol=1e-10)
    close(ours.intercept, ref.intercept_, tol=1e-10)


def test_ridge_with_lambda_0_is_least_squares():
    close(lm.ridge(X, Y, 0.0).coef, lm.normal_equations(X, Y), tol=1e-10)


def test_centered_intercept_equals_an_unpenalized_column_of_ones():
    # augment X with a ones column and solve (AᵀA + λD)θ = Aᵀy with D = diag(0, 1, ..., 1)
    lam = 3.0
    A = np.column_stack([np.ones(N), X])
    D = np.diag([0.0] + [1.0] * X.shape[1])
    theta = np.linalg.solve(A.T @ A + lam * D, A.T @ Y)
    fit = lm.ridge(X, Y, lam, fit_intercept=True)
    close(fit.intercept, theta[0], tol=1e-10)
    close(fit.coef, theta[1:], tol=1e-10)


@given(seed=st.integers(0, 2**32 - 1), l1=st.floats(0, 100), l2=st.floats(0, 100))
@settings(max_examples=30, deadline=None)
def test_ridge_norm_shrinks_monotonically_in_lambda(seed, l1, l2):
    Xr, yr = regression_data(seed, n=30, d=5)
    small, big = sorted((l1, l2))
    norm_small = np.linalg.norm(lm.ridge(Xr, yr, small, fit_intercept=True).coef)
    norm_big = np.linalg.norm(lm.ridge(Xr, yr, big, fit_intercept=True).coef)
    assert norm_big <= norm_small * (1 + 1e-12)


# --------------------------------------------------------------------------------------
# Lasso and elastic net
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_lasso_matches_sklearn(fit_intercept):
    # ours: ‖Xw - y‖² + λ‖w‖₁. sklearn: 1/(2n)‖y - Xw‖² + a‖w‖₁. Dividing ours by 2n
    # gives 1/(2n)‖y - Xw‖² + λ/(2n)‖w‖₁, so a = λ/(2n).
    for lam in (1.0, 20.0, 100.0):
        ours = lm.lasso(X, Y, lam, fit_intercept=fit_intercept, tol=1e-12)
        ref = sk.Lasso(alpha=lam / (2 * N), fit_intercept=fit_intercept, tol=1e-14,
                       max_iter=1_000_000).fit(X, Y)
        assert ours.converged
        close(ours.coef, ref.coef_, tol=1e-9)
        close(ours.intercept, ref.intercept_, tol=1e-9)
    assert np.sum(ours.coef == 0.0) >= 3  # exact zeros at λ = 100 (true weights 4..8 are 0)


def test_lasso_other_scalings_match_sklearn():
    lam = 20.0
    # "sklearn": the same objective, a = λ
    ours = lm.lasso(X, Y, lam / (2 * N), scaling="sklearn", fit_intercept=True, tol=1e-12)
    ref = sk.Lasso(alpha=lam / (2 * N), tol=1e-14, max_iter=1_000_000).fit(X, Y)
    close(ours.coef, ref.coef_, tol=1e-9)
    # "lambda_over_2n": (1/N)‖r‖² + λ/(2N)‖w‖₁; halved, 1/(2N)‖r‖² + λ/(4N)‖w‖₁, so a = λ/(4N)
    ours = lm.lasso(X, Y, lam, scaling="lambda_over_2n", fit_intercept=True, tol=1e-12)
    ref = sk.Lasso(alpha=lam / (4 * N), tol=1e-14, max_iter=1_000_000).fit(X, Y)
    close(ours.coef, ref.coef_, tol=1e-9)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_elastic_net_matches_sklearn(fit_intercept):
    # ours: ‖r‖² + λ(ρ‖w‖₁ + (1-ρ)‖w‖²). Divided by 2n:
    #   1/(2n)‖r‖² + (λρ/2n)‖w‖₁ + (λ(1-ρ)/2n)‖w‖².
    # sklearn: 1/(2n)‖r‖² + aρ'‖w‖₁ + (a(1-ρ')/2)‖w‖². Matching:
    #   aρ' = λρ/(2n),  a(1-ρ')/2 = λ(1-ρ)/(2n)  =>  a(1-ρ') = λ(1-ρ)/n
    #   a = λρ/(2n) + λ(1-ρ)/n = λ(1 - ρ/2)/n,  ρ' = (ρ/2)/(1 - ρ/2) = ρ/(2 - ρ)
    for lam, rho in [(20.0, 0.3), (5.0, 0.9), (50.0, 0.5)]:
        ours = lm.elastic_net(X, Y, lam, rho, fit_intercept=fit_intercept, tol=1e-12)
        ref = sk.ElasticNet(alpha=lam * (1 - rho / 2) / N, l1_ratio=rho / (2 - rho),
                            fit_intercept=fit_intercept, tol=1e-14, max_iter=1_000_000).fit(X, Y)
        assert ours.converged
        close(ours.coef, ref.coef_, tol=1e-9)
        close(ours.intercept, ref.intercept_, tol=1e-9)


def test_elastic_net_sklearn_scaling_is_sklearns_objective():
    ours = lm.elastic_net(X, Y, 0.3, 0.4, scaling="sklearn", fit_intercept=True, tol=1e-12)
    ref = sk.ElasticNet(alpha=0.3, l1_ratio=0.4, tol=1e-14, max_iter=1_000_000).fit(X, Y)
    close(ours.coef, ref.coef_, tol=1e-9)
    close(ours.intercept, ref.intercept_, tol=1e-9)


def test_elastic_net_ends_are_lasso_and_ridge():
    close(lm.elastic_net(X, Y, 20.0, 1.0).coef, lm.lasso(X, Y, 20.0).coef, tol=1e-10)
    # l1_ratio = 0: ‖r‖² + λ‖w‖², ridge's objective (coordinate descent to tolerance)
    close(lm.elastic_net(X, Y, 7.0, 0.0, tol=1e-13).coef, lm.ridge(X, Y, 7.0).coef, tol=1e-9)


def test_lasso_on_an_orthonormal_design_is_a_soft_threshold():
    # With XᵀX = I, ‖Xw - y‖² + λ‖w‖₁ separates: ‖w - Xᵀy‖² + λ‖w‖₁ + const, whose
    # minimizer is sign(z) max(|z| - λ/2, 0) with z = Xᵀy.
    q, _ = np.linalg.qr(np.random.default_rng(5).normal(size=(20, 4)))
    y = np.random.default_rng(6).normal(size=20)
    z = q.T @ y
    lam = 2 * np.sort(np.abs(z))[1]  # thresholds the two smallest |z| to exactly 0
    expected = np.sign(z) * np.maximum(np.abs(z) - lam / 2, 0.0)
    fit = lm.lasso(q, y, lam)
    close(fit.coef, expected, tol=1e-10)
    assert np.sum(fit.coef == 0.0) == 2


def test_lasso_is_all_zero_beyond_lambda_max():
    # w = 0 is optimal iff the subgradient condition |X_jᵀ y| ≤ λ/2 holds for every j,
    # i.e. λ ≥ λ_max = 2 max_j |X_jᵀ y|
    lam_max = 2 * np.abs(X.T @ Y).max()
    close(lm.lasso(X, Y, lam_max * 1.0001).coef, np.zeros(X.shape[1]))
    assert np.any(lm.lasso(X, Y, lam_max * 0.99).coef != 0.0)


@given(seed=st.integers(0, 2**32 - 1), lam=st.floats(0.01, 200))
@settings(max_examples=30, deadline=None)
def test_lasso_solution_satisfies_the_kkt_conditions(seed, lam):
    # minimizer of ‖y - Xw‖² + λ‖w‖₁ iff g = Xᵀ(y - Xw) has g_j = (λ/2) sign(w_j) where
    # w_j ≠ 0 and |g_j| ≤ λ/2 where w_j = 0
    rng = np.random.default_rng(seed)
    Xr = rng.normal(size=(25, 5))
    Xr[:, 1] += 0.8 * Xr[:, 0]  # correlated columns make coordinate descent work harder
    yr = Xr @ rng.normal(size=5) + rng.normal(size=25)
    fit = lm.lasso(Xr, yr, lam, tol=1e-12)
    g = Xr.T @ (yr - Xr @ fit.coef)
    slack = 1e-7 * (1 + np.abs(Xr.T @ yr).max())
    nz = fit.coef != 0
    close(g[nz], lam / 2 * np.sign(fit.coef[nz]), tol=slack)
    assert np.all(np.abs(g[~nz]) <= lam / 2 + slack)


def test_no_convergence_warns_or_raises():
    Xc = X.copy()
    Xc[:, 1] = Xc[:, 0] + 0.01 * Xc[:, 1]  # nearly collinear: one sweep is not enough
    with pytest.warns(lm.ConvergenceWarning, match=r"did not converge in max_iter=1 sweeps"):
        fit = lm.lasso(Xc, Y, 1.0, max_iter=1)
    assert not fit.converged and fit.n_iter == 1
    with pytest.raises(CourseLibError, match=r"elastic_net did not converge.*Increase max_iter"):
        lm.elastic_net(Xc, Y, 1.0, 0.5, max_iter=1, on_no_convergence="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a converged fit is silent
        assert lm.lasso(Xc, Y, 1.0).converged


# --------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------


def test_metrics_by_hand():
    y, f = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 3.0, 3.0, 2.0])
    # errors 0, 1, 0, -2: MSE = 5/4, RMSE = √5/2; ȳ = 2.5, Σ(y - ȳ)² = 5: R² = 1 - 5/5 = 0
    close(lm.mse(y, f), 1.25)
    close(lm.rmse(y, f), np.sqrt(5) / 2)
    close(lm.r2_score(y, f), 0.0)
    close(lm.r2_score(y, y), 1.0)
    close(lm.r2_score(y, np.full(4, y.mean())), 0.0)  # seed 004 sec. 9 (c)
    assert lm.r2_score(y, -y) < 0  # sec. 9 (d)


def test_metrics_match_sklearn():
    rng = np.random.default_rng(2)
    y, f = rng.normal(size=30), rng.normal(size=30)
    close(lm.mse(y, f), sklearn.metrics.mean_squared_error(y, f))
    close(lm.rmse(y, f), np.sqrt(sklearn.metrics.mean_squared_error(y, f)))
    close(lm.r2_score(y, f), sklearn.metrics.r2_score(y, f))


# --------------------------------------------------------------------------------------
# Holdout, k-fold, choosing λ
# --------------------------------------------------------------------------------------


def test_holdout_split_partitions_the_rows():
    split = lm.holdout_split(np.random.default_rng(0), X, Y, 0.25)
    assert split.val_idx.size == 15 and split.train_idx.size == 45
    close(np.sort(np.concatenate([split.train_idx, split.val_idx])), np.arange(N))
    close(split.X_val, X[split.val_idx])
    close(split.y_train, Y[split.train_idx])
    again = lm.holdout_split(np.random.default_rng(0), X, Y, 0.25)
    close(again.val_idx, split.val_idx)  # reproducible from the seed


@pytest.mark.parametrize(("n", "k"), [(10, 3), (12, 4), (7, 7), (2, 2)])
def test_kfold_indices_partition_the_data(n, k):
    folds = lm.kfold_indices(np.random.default_rng(1), n, k)
    assert len(folds) == k
    vals = np.concatenate([v for _, v in folds])
    close(np.sort(vals), np.arange(n))  # every row validated exactly once
    sizes = [v.size for _, v in folds]
    assert max(sizes) - min(sizes) <= 1
    for train, val in folds:
        close(np.sort(np.concatenate([train, val])), np.arange(n))
        assert np.intersect1d(train, val).size == 0


def test_choose_lambda_holdout_matches_sklearn_on_the_same_split():
    lams = [0.01, 1.0, 30.0, 1000.0]

    def fit(Xt, yt, lam):
        return lm.ridge(Xt, yt, lam, fit_intercept=True)

    result = lm.choose_lambda(X, Y, lams, fit, method="holdout", rng=np.random.default_rng(4),
                              val_fraction=0.3)
    split = lm.holdout_split(np.random.default_rng(4), X, Y, 0.3)
    expected_val = [
        np.mean((sk.Ridge(alpha=lam).fit(split.X_train, split.y_train).predict(split.X_val)
                 - split.y_val) ** 2)
        for lam in lams
    ]
    close(result.val_errors, expected_val, tol=1e-10)
    assert result.best_index == int(np.argmin(expected_val))
    assert result.best_lam == lams[result.best_index]
    # the training error of ridge can only grow with λ
    assert np.all(np.diff(result.train_errors) >= 0)


def test_choose_lambda_kfold_matches_sklearn_on_the_same_folds():
    lams = [0.1, 10.0, 500.0]
    result = lm.choose_lambda(X, Y, lams, lambda Xt, yt, lam: lm.ridge(Xt, yt, lam),
                              method="kfold", rng=np.random.default_rng(8), k=4)
    folds = lm.kfold_indices(np.random.default_rng(8), N, 4)
    expected = [
        np.mean([np.mean((sk.Ridge(alpha=lam, fit_intercept=False).fit(X[t], Y[t]).predict(X[v])
                          - Y[v]) ** 2) for t, v in folds])
        for lam in lams
    ]
    close(result.val_errors, expected, tol=1e-10)
    assert result.best_lam == lams[int(np.argmin(expected))]


def test_choose_lambda_accepts_a_prediction_function():
    def fit(Xt, yt, lam):
        w = lm.ridge(Xt, yt, lam).coef
        return lambda Xv: Xv @ w

    result = lm.choose_lambda(X, Y, [1.0], fit, rng=np.random.default_rng(0))
    assert result.val_errors.shape == (1,) and result.val_errors[0] > 0


# --------------------------------------------------------------------------------------
# Penalized logistic regression
# --------------------------------------------------------------------------------------

XL, YL = classification_data()
NL = XL.shape[0]


def test_logistic_loss_at_zero_by_hand():
    # w = 0, b = 0: every a_i = ½, so the loss is log 2 and ∇w = (1/N) Xᵀ(½ - y),
    # ∂b = mean(½ - y)
    zero = {"w": np.zeros(3), "b": 0.0}
    loss, grads = lm.logistic_loss_and_grad(zero, XL, YL, lam=0.0)
    close(loss, np.log(2))
    close(grads["w"], XL.T @ (0.5 - YL) / NL)
    close(grads["b"], np.mean(0.5 - YL))


def test_logistic_penalty_by_hand():
    # w = [1, -2, 0], λ = 2, N = 4 rows: L2 adds λ/(2N)‖w‖² = 2/8 · 5 = 1.25 and
    # (λ/N) w = 0.5 w to the gradient; L1 adds λ/(2N)‖w‖₁ = 0.25 · 3 = 0.75 and 0.25 sign(w)
    p = {"w": np.array([1.0, -2.0, 0.0]), "b": np.array(0.5)}
    Xs, ys = XL[:4], np.array([0.0, 1.0, 1.0, 0.0])
    base_loss, base = lm.logistic_loss_and_grad(p, Xs, ys, penalty="none", lam=2.0)
    loss2, g2 = lm.logistic_loss_and_grad(p, Xs, ys, penalty="l2", lam=2.0)
    loss1, g1 = lm.logistic_loss_and_grad(p, Xs, ys, penalty="l1", lam=2.0)
    close(loss2 - base_loss, 1.25)
    close(g2["w"] - base["w"], [0.5, -1.0, 0.0])
    close(loss1 - base_loss, 0.75)
    close(g1["w"] - base["w"], [0.25, -0.25, 0.0])
    close(g2["b"], base["b"])  # the bias is not penalized
    # "lambda": λ‖w‖² = 10
    loss_l, _ = lm.logistic_loss_and_grad(p, Xs, ys, penalty="l2", lam=2.0, scaling="lambda")
    close(loss_l - base_loss, 10.0)


@pytest.mark.parametrize("penalty", ["l2", "l1", "none"])
@pytest.mark.parametrize("scaling", ["lambda_over_2n", "lambda_over_2", "lambda"])
def test_logistic_gradient_matches_central_differences(penalty, scaling):
    p = {"w": np.array([0.7, -0.4, 1.1]), "b": np.array(-0.3)}  # no zero weights (L1 kink)
    _, grads = lm.logistic_loss_and_grad(p, XL, YL, penalty=penalty, lam=0.8, scaling=scaling)
    for key in p:
        def f(v, key=key):
            return lm.logistic_loss_and_grad({**p, key: v}, XL, YL, penalty=penalty, lam=0.8,
                                             scaling=scaling)[0]

        assert relative_error(grads[key], numerical_gradient(f, p[key])) < 1e-8


def test_logistic_loss_is_stable_for_huge_logits():
    # z = ±1000·x: log(1 + e^{-sz}) must neither overflow nor hit log 0
    Xh, yh = np.array([[1.0], [-1.0], [1.0]]), np.array([1.0, 0.0, 0.0])
    loss, grads = lm.logistic_loss_and_grad({"w": np.array([1000.0]), "b": 0.0}, Xh, yh)
    # the first two are right with margin 1000 (loss e^{-1000} ≈ 0), the third wrong (≈ 1000)
    close(loss, 1000.0 / 3)
    close(grads["w"], [(0.0 + 0.0 + 1.0) / 3])  # (a - y)·x = 0, 0, 1


@pytest.mark.parametrize("opt", [optim.SGD(lr=1.0), optim.Adam(lr=0.05)], ids=["gd", "adam"])
def test_l2_logistic_matches_sklearn(opt):
    # ours (seed 000): (1/N) Σ ℓ_i + λ/(2N)‖w‖² = (1/N) [Σ ℓ_i + (λ/2)‖w‖²].
    # sklearn: ½‖w‖² + C Σ ℓ_i, intercept unpenalized. Multiplying ours by N/λ gives
    # ½‖w‖² + (1/λ) Σ ℓ_i, the same minimizer, so C = 1/λ.
    lam = 1.0
    ref = sk.LogisticRegression(C=1 / lam, tol=1e-12, max_iter=10_000).fit(XL, YL)
    fit = lm.fit_logistic(XL, YL, penalty="l2", lam=lam, optimizer=opt, n_steps=3000)
    close(fit.params["w"], ref.coef_[0], tol=1e-6)
    close(fit.params["b"], ref.intercept_[0], tol=1e-6)
    close(fit.predict_proba(XL), ref.predict_proba(XL)[:, 1], tol=1e-6)


def test_l2_logistic_lambda_over_2_matches_sklearn():
    # (1/N) Σ ℓ_i + (λ/2)‖w‖²; times N/(Nλ): ½‖w‖² + (1/(Nλ)) Σ ℓ_i, so C = 1/(Nλ)
    lam = 0.01
    ref = sk.LogisticRegression(C=1 / (NL * lam), tol=1e-12, max_iter=10_000).fit(XL, YL)
    fit = lm.fit_logistic(XL, YL, lam=lam, scaling="lambda_over_2", optimizer=optim.SGD(lr=1.0),
                          n_steps=2000)
    close(fit.params["w"], ref.coef_[0], tol=1e-6)
    close(fit.params["b"], ref.intercept_[0], tol=1e-6)


def test_fit_logistic_loss_history_decreases_with_a_safe_step():
    # the loss is L-smooth with L ≤ λ_max(XᵀX)/(4N) + λ/N; gradient descent with step 1/L
    # never increases it
    lam = 2.0
    smooth = np.linalg.eigvalsh(XL.T @ XL).max() / (4 * NL) + lam / NL
    fit = lm.fit_logistic(XL, YL, lam=lam, optimizer=optim.SGD(lr=1 / smooth), n_steps=50)
    assert fit.losses.shape == (51,)
    close(fit.losses[0], np.log(2))  # zeros to start
    assert np.all(np.diff(fit.losses) <= 1e-15)
    assert len(fit.trajectory) == 51


def test_l1_logistic_shrinks_the_weights():
    none = lm.fit_logistic(XL, YL, penalty="none", optimizer=optim.SGD(lr=1.0), n_steps=300)
    l1 = lm.fit_logistic(XL, YL, penalty="l1", lam=40.0, optimizer=optim.SGD(lr=1.0), n_steps=300)
    assert np.abs(l1.params["w"]).sum() < np.abs(none.params["w"]).sum()


# --------------------------------------------------------------------------------------
# Purity and errors
# --------------------------------------------------------------------------------------


def _read_only(a):
    a = np.array(a, dtype=float)
    a.flags.writeable = False
    return a


def test_inputs_are_not_mutated():
    Xr, yr = _read_only(X), _read_only(Y)
    lm.ridge(Xr, yr, 1.0, fit_intercept=True)
    lm.lasso(Xr, yr, 1.0, fit_intercept=True)
    lm.elastic_net(Xr, yr, 1.0, 0.5, fit_intercept=True)
    lm.normal_equations(Xr, yr)
    lm.holdout_split(np.random.default_rng(0), Xr, yr, 0.2)
    lm.choose_lambda(Xr, yr, [1.0], lambda a, b, lam: lm.ridge(a, b, lam), rng=np.random.default_rng(0))
    p = {"w": _read_only(np.ones(3)), "b": _read_only(0.0)}
    lm.logistic_loss_and_grad(p, _read_only(XL), _read_only(YL), lam=1.0)
    lm.fit_logistic(_read_only(XL), _read_only(YL), lam=1.0, optimizer=optim.SGD(lr=0.1),
                    n_steps=2, params0=p)
    close(Xr, X)
    close(yr, Y)
    close(p["w"], np.ones(3))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: lm.ridge(X[:, 0], Y, 1.0), r"X must be a 2-D array.*X.reshape\(-1, 1\)"),
        (lambda: lm.ridge(X, Y[:-1], 1.0), r"y has 59 entries but X has 60 rows"),
        (lambda: lm.ridge(X, Y, -1.0), r"lam must be >= 0, got -1.0"),
        (lambda: lm.ridge(X, Y, 1.0, scaling="sklearn"), r"scaling must be one of"),
        (lambda: lm.ridge(np.full((2, 2), np.nan), Y[:2], 1.0), r"X contains NaN"),
        (lambda: lm.lasso(X, Y, 1.0, tol=0.0), r"tol must be > 0"),
        (lambda: lm.lasso(X, Y, 1.0, max_iter=0), r"max_iter must be >= 1"),
        (lambda: lm.lasso(X, Y, 1.0, on_no_convergence="ignore"), r"on_no_convergence must be one of"),
        (lambda: lm.elastic_net(X, Y, 1.0, 1.2), r"l1_ratio must lie in \[0, 1\], got 1.2"),
        (lambda: lm.polynomial_features(np.ones((3, 2)), 2), r"x must be a non-empty 1-D array"),
        (lambda: lm.polynomial_features(np.ones(3), 0, include_bias=False), r"degree must be >= 1"),
        (lambda: lm.mse(np.ones(3), np.ones(4)), r"y_true has 3 entries but y_pred has 4"),
        (lambda: lm.r2_score(np.ones(3), np.zeros(3)), r"R² is undefined"),
        (lambda: lm.holdout_split(np.random.default_rng(0), X, Y, 1.0), r"val_fraction must lie strictly between 0 and 1"),
        (lambda: lm.holdout_split(np.random.default_rng(0), X[:3], Y[:3], 0.1), r"leaves 0 for validation"),
        (lambda: lm.holdout_split(0, X, Y, 0.2), r"rng must be a numpy.random.Generator"),
        (lambda: lm.kfold_indices(np.random.default_rng(0), 3, 5), r"k=5 folds need at least k examples, but n=3"),
        (lambda: lm.choose_lambda(X, Y, [], lm.ridge, rng=np.random.default_rng(0)), r"lams must be a non-empty list"),
        (lambda: lm.choose_lambda(X, Y, [-1.0], lm.ridge, rng=np.random.default_rng(0)), r"each value in lams must be >= 0"),
        (lambda: lm.choose_lambda(X, Y, [1.0], lm.ridge, method="loo", rng=np.random.default_rng(0)), r"method must be one of"),
        (lambda: lm.choose_lambda(X, Y, [1.0], lambda a, b, c: 3, rng=np.random.default_rng(0)), r"must return a model with a predict"),
        (lambda: lm.logistic_loss_and_grad({"w": np.ones(3)}, XL, YL), r"needs params \{'w'.*got keys \['w'\]"),
        (lambda: lm.logistic_loss_and_grad({"w": np.ones(2), "b": 0.0}, XL, YL), r"params\['w'\] must have shape \(3,\)"),
        (lambda: lm.logistic_loss_and_grad({"w": np.ones(3), "b": 0.0}, XL, 2 * YL - 1), r"y must hold labels 0 and 1"),
        (lambda: lm.logistic_loss_and_grad({"w": np.ones(3), "b": 0.0}, XL, YL, penalty="l3"), r"penalty must be one of"),
        (lambda: lm.fit_logistic(XL, YL, lam=-1.0, optimizer=optim.SGD(lr=0.1), n_steps=1), r"lam must be >= 0"),
        (lambda: lm.fit_logistic(XL, YL, optimizer="sgd", n_steps=1), r"opt must be a course_lib optimizer"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, match):
    with pytest.raises(CourseLibError, match=match):
        call()
