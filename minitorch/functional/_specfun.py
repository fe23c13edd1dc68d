"""Special functions of one real variable (erfinv, digamma, zeta, Bessel I0/I1, ...).

The math is written once, as plain scalar Python on float64 (the `math` module only), so
a reader sees each algorithm whole. `ufunc(name)` turns it into an elementwise function:

- on NumPy arrays: the scalar code compiled by Numba into a ufunc (built on first use and
  cached on disk), or, without Numba, the same Python through `np.vectorize` (slow, right);
- on CuPy arrays: `cupyx.scipy.special`'s function of the same meaning, imported lazily;
  without it the values make a round trip through the host.

Inputs of any float dtype are computed in float64 and cast back by the caller
(functional/pointwise.py), so float32 results are correctly rounded float64 values.

Algorithms (sources in the docstrings): erfinv by a rational first guess refined with
Newton steps on erf/erfc; digamma, trigamma and Hurwitz zeta as in Cephes (which PyTorch
uses too, so poles and signs agree); I0/I1 by their power series for |x| < 20 and the
Hankel asymptotic series beyond; the regularized incomplete gamma by its series or
continued fraction (Numerical Recipes 6.2); erfcx by exp(x^2) erfc(x) or its asymptotic
series. Accuracy: about 1e-13 relative or better over float64's range (checked against
SciPy and PyTorch in tests/test_special.py).
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .. import backend

INF = math.inf
NAN = math.nan
MACHEP = 1.11022302462515654042e-16      # 2**-53, Cephes' machine epsilon
SQRT_PI = math.sqrt(math.pi)
SQRT_2 = math.sqrt(2.0)
LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def _bernoulli_even(n: int):
    """B_2, B_4, ..., B_2n as exact fractions (Akiyama-Tanigawa)."""
    a = [Fraction(0)] * (2 * n + 1)
    out = []
    for m in range(2 * n + 1):
        a[m] = Fraction(1, m + 1)
        for j in range(m, 0, -1):
            a[j - 1] = j * (a[j - 1] - a[j])
        if m >= 2 and m % 2 == 0:
            out.append(a[0])
    return out


_B = _bernoulli_even(12)
# digamma's asymptotic series: psi(x) ~ log x - 1/(2x) - sum_k B_2k / (2k x^2k)
PSI_COEF = tuple(float(b / (2 * k)) for k, b in enumerate(_B[:7], start=1))
# Hurwitz zeta's Euler-Maclaurin tail: the (2k)! / B_2k of Cephes' table A
ZETA_A = tuple(float(math.factorial(2 * k) / b) for k, b in enumerate(_B, start=1))
PSI_10 = 2.25175258906672110764  # digamma(10)


# ------------------------------------------------------------------ scalar algorithms
def giles_guess(y, w):
    """Giles' single-precision approximation of erfinv(y) (rel. error ~1e-7), given
    w = -log((1 - y)(1 + y)) (passed in so that the tail can compute it from 1 - y)."""
    if w < 5.0:
        w = w - 2.5
        p = 2.81022636e-08
        p = 3.43273939e-07 + p * w
        p = -3.5233877e-06 + p * w
        p = -4.39150654e-06 + p * w
        p = 0.00021858087 + p * w
        p = -0.00125372503 + p * w
        p = -0.00417768164 + p * w
        p = 0.246640727 + p * w
        p = 1.50140941 + p * w
    else:
        w = math.sqrt(w) - 3.0
        p = -0.000200214257
        p = 0.000100950558 + p * w
        p = 0.00134934322 + p * w
        p = -0.00367342844 + p * w
        p = 0.00573950773 + p * w
        p = -0.0076224613 + p * w
        p = 0.00943887047 + p * w
        p = 1.00167406 + p * w
        p = 2.83297682 + p * w
    return p * y


def erfinv_small(y):
    """erfinv(y) for |y| <= 0.5: Giles' guess, then Newton on erf(x) = y:
    x -= (erf(x) - y) / erf'(x), erf'(x) = 2/sqrt(pi) exp(-x^2)."""
    x = giles_guess(y, -math.log((1.0 - y) * (1.0 + y)))
    for _ in range(3):
        x -= (math.erf(x) - y) * (0.5 * SQRT_PI) * math.exp(x * x)
    return x


def erfcinv_tail(z):
    """The x > 0 with erfc(x) = z, for 0 < z <= 0.5 (the tail, where erf(x) = 1 - z
    would lose z's digits). Newton on log erfc(x) = log z, nearly quadratic in x and so
    fast from any start: with log erfc(x) = log erfcx(x) - x^2 and
    d/dx log erfc(x) = -2 / (sqrt(pi) erfcx(x)), the step is
    x += (log erfc(x) - log z) * sqrt(pi)/2 * erfcx(x)."""
    lz = math.log(z)
    w = -math.log(z * (2.0 - z))
    if w < 36.0:  # Giles' guess covers float32's range
        x = giles_guess(1.0 - z, w)
    else:         # from erfc(x) ~ e^{-x^2} / (x sqrt(pi)): x^2 ~ -log z - log(sqrt(pi) x)
        x = math.sqrt(-lz - 0.5 * math.log(-math.pi * lz))
    for _ in range(8):
        ex = erfcx(x)
        step = (math.log(ex) - x * x - lz) * (0.5 * SQRT_PI) * ex
        x += step
        if abs(step) <= 1e-16 * x:
            break
    return x


def erfinv(y):
    """The inverse of erf on (-1, 1); +-inf at +-1, nan outside."""
    if math.isnan(y) or y < -1.0 or y > 1.0:
        return NAN
    if y == 1.0:
        return INF
    if y == -1.0:
        return -INF
    if y == 0.0:
        return y
    a = abs(y)
    if a <= 0.5:
        return erfinv_small(y)
    return math.copysign(erfcinv_tail(1.0 - a), y)   # 1 - a is exact for a >= 0.5


def erfcinv(z):
    """The inverse of erfc on (0, 2): erfcinv(z) = erfinv(1 - z), computed from z itself
    in the tails so that tiny z keeps its digits."""
    if math.isnan(z) or z < 0.0 or z > 2.0:
        return NAN
    if z == 0.0:
        return INF
    if z == 2.0:
        return -INF
    if z < 0.5:
        return erfcinv_tail(z)
    if z > 1.5:
        return -erfcinv_tail(2.0 - z)       # exact for z in [1, 2]
    return erfinv(1.0 - z)                  # exact for z in [0.5, 1.5]


def ndtri(p):
    """The inverse of the standard normal CDF: ndtri(p) = -sqrt(2) erfcinv(2p)."""
    if math.isnan(p) or p < 0.0 or p > 1.0:
        return NAN
    return 0.0 - SQRT_2 * erfcinv(2.0 * p)   # 0.0 - (+0) keeps ndtri(0.5) = +0


def ndtr(x):
    """The standard normal CDF: (1/2) erfc(-x / sqrt(2)), accurate in both tails."""
    return 0.5 * math.erfc(-x / SQRT_2)


def erfcx(x):
    """The scaled complementary error function exp(x^2) erfc(x).

    For x < 26, the product itself (exp(x^2) is finite there); beyond, the asymptotic
    series 1/(x sqrt(pi)) * sum_k (-1)^k (2k-1)!! / (2x^2)^k, whose 10th term is < 1e-19.
    For x < -26.6 the value overflows to inf, as it should."""
    if math.isnan(x):
        return NAN
    if x < 26.0:
        if x < -26.7:
            return INF
        return math.exp(x * x) * math.erfc(x)
    if x == INF:
        return 0.0
    t = 1.0 / (2.0 * x * x)
    s = 1.0
    term = 1.0
    for k in range(1, 12):
        term *= -(2 * k - 1) * t
        s += term
    return s / (x * SQRT_PI)


def log_ndtr(x):
    """log of the standard normal CDF. For x >= 0: log1p(-ndtr(-x)); below:
    log(erfcx(-x / sqrt 2) / 2) - x^2 / 2, finite far into the left tail."""
    if math.isnan(x):
        return NAN
    if x >= 0.0:
        return math.log1p(-0.5 * math.erfc(x / SQRT_2))
    return math.log(0.5 * erfcx(-x / SQRT_2)) - 0.5 * x * x


def digamma(x):
    """psi(x) = d/dx log Gamma(x), as Cephes and PyTorch compute it.

    - x == 0: -inf for +0, +inf for -0 (PyTorch's convention); negative integers: nan;
    - x < 0: the reflection psi(x) = psi(1 - x) - pi / tan(pi x);
    - 0 < x < 10: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10;
    - x >= 10: log x - 1/(2x) - sum_k B_2k / (2k x^2k)."""
    if x == 0.0:
        return math.copysign(INF, -x)
    if math.isnan(x):
        return NAN
    result = 0.0
    if x < 0.0:
        if x == math.floor(x) or x == -INF:
            return NAN
        r = x - math.trunc(x)
        result = -math.pi / math.tan(math.pi * r)   # psi(x) = psi(1 - x) - pi / tan(pi x)
        x = 1.0 - x
    while x < 10.0:
        result -= 1.0 / x
        x += 1.0
    if x == 10.0:
        return result + PSI_10
    y = 0.0
    if x < 1.0e17:
        z = 1.0 / (x * x)
        poly = 0.0
        for k in range(6, -1, -1):
            poly = poly * z + PSI_COEF[k]
        y = z * poly
    return result + math.log(x) - 0.5 / x - y


def zeta(x, q):
    """Hurwitz zeta sum_{k>=0} (k + q)^-x (x > 1), by Euler-Maclaurin summation as in
    Cephes (and PyTorch): at least nine terms directly, then the integral of the tail and
    its Bernoulli corrections. x == 1: inf; x < 1: nan; q a non-positive integer: inf."""
    if math.isnan(x) or math.isnan(q):
        return NAN
    if x == 1.0:
        return INF
    if x < 1.0:
        return NAN
    if q <= 0.0:
        if q == math.floor(q):
            return INF
        if x != math.floor(x):
            return NAN  # q^-x is not real
    s = q ** -x
    a = q
    i = 0
    b = 0.0
    while i < 9 or a <= 9.0:
        i += 1
        a += 1.0
        b = a ** -x
        s += b
        if -MACHEP * s < b < MACHEP * s:
            return s
    w = a
    s += b * w / (x - 1.0)
    s -= 0.5 * b
    a = 1.0
    k = 0.0
    for j in range(12):
        a *= x + k
        b /= w
        t = a * b / ZETA_A[j]
        s = s + t
        if abs(t / s) < MACHEP:
            return s
        k += 1.0
        a *= x + k
        b /= w
        k += 1.0
    return s


def trigamma(x):
    """psi'(x) = zeta(2, x); for x < 1/2 the reflection
    psi'(x) = pi^2 / sin^2(pi x) - psi'(1 - x) (PyTorch's form, so poles agree)."""
    if math.isnan(x):
        return NAN
    if x == INF:
        return 0.0
    if x < 0.5:
        s = math.sin(math.pi * x)
        return (math.pi * math.pi) / (s * s) - zeta(2.0, 1.0 - x)
    return zeta(2.0, x)


def polygamma(n, x):
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for n >= 1; digamma for n == 0."""
    if n == 0.0:
        return digamma(x)
    if n == 1.0:
        return trigamma(x)
    sign = 1.0 if int(n) % 2 == 1 else -1.0
    return sign * math.exp(math.lgamma(n + 1.0)) * zeta(n + 1.0, x)


def _bessel_i_series(nu, x):
    """I_nu(x) for nu in {0, 1} and 0 <= x < 20: sum_k (x/2)^(2k+nu) / (k! (k+nu)!),
    all terms positive (no cancellation)."""
    h = 0.5 * x
    term = h if nu == 1 else 1.0
    s = term
    q = h * h
    k = 0
    while True:
        k += 1
        term *= q / (k * (k + nu))
        s += term
        if term <= MACHEP * s * 0.5:
            return s


def _bessel_ie_asymptotic(nu, x):
    """e^-x I_nu(x) for x >= 20: the Hankel series
    1/sqrt(2 pi x) sum_k (-1)^k a_k / x^k, a_k = prod_{j<=k} (4nu^2 - (2j-1)^2) / (k! 8^k);
    its smallest term (near k = 2x) is below e^-2x, far under float64's epsilon."""
    mu = 4.0 * nu * nu
    term = 1.0
    s = 1.0
    k = 0
    while k < 60:
        k += 1
        new = -term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * x)
        if abs(new) >= abs(term):
            break
        term = new
        s += term
        if abs(term) < MACHEP * abs(s) * 0.5:
            break
    return s / math.sqrt(2.0 * math.pi * x)


def i0(x):
    """The modified Bessel function of the first kind, order 0 (even)."""
    if math.isnan(x):
        return NAN
    a = abs(x)
    if a < 20.0:
        return _bessel_i_series(0, a)
    h = math.exp(0.5 * a)  # e^a in two halves: finite up to a ~ 713
    return _bessel_ie_asymptotic(0, a) * h * h


def i0e(x):
    """e^-|x| I0(x)."""
    if math.isnan(x):
        return NAN
    a = abs(x)
    if a < 20.0:
        return _bessel_i_series(0, a) * math.exp(-a)
    return _bessel_ie_asymptotic(0, a)


def i1(x):
    """The modified Bessel function of the first kind, order 1 (odd)."""
    if math.isnan(x):
        return NAN
    a = abs(x)
    if a < 20.0:
        v = _bessel_i_series(1, a)
    else:
        h = math.exp(0.5 * a)
        v = _bessel_ie_asymptotic(1, a) * h * h
    return -v if x < 0.0 else v


def i1e(x):
    """e^-|x| I1(x)."""
    if math.isnan(x):
        return NAN
    a = abs(x)
    if a < 20.0:
        v = _bessel_i_series(1, a) * math.exp(-a)
    else:
        v = _bessel_ie_asymptotic(1, a)
    return -v if x < 0.0 else v


def _gamma_prefactor(a, x):
    """x^a e^-x / Gamma(a), in log space."""
    return math.exp(a * math.log(x) - x - math.lgamma(a))


def _gammainc_series(a, x):
    """P(a, x) = x^a e^-x / Gamma(a) * sum_n x^n / (a (a+1) ... (a+n)), for x < a + 1."""
    ap = a
    d = 1.0 / a
    s = d
    for _ in range(100000):
        ap += 1.0
        d *= x / ap
        s += d
        if abs(d) < abs(s) * MACHEP:
            break
    return s * _gamma_prefactor(a, x)


def _gammaincc_fraction(a, x):
    """Q(a, x) by Legendre's continued fraction (modified Lentz), for x >= a + 1."""
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 100000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < tiny:
            d = tiny
        c = b + an / c
        if abs(c) < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < MACHEP:
            break
    return h * _gamma_prefactor(a, x)


def _gammainc_edges(a, x, upper):
    """(handled, value) for the edges PyTorch defines: nan for negative a or x, P(0, x>0)
    = 1, P(a, 0) = 0, P(a, inf) = 1, P(inf, x<inf) = 0."""
    if math.isnan(a) or math.isnan(x) or a < 0.0 or x < 0.0:
        return True, NAN
    if a == 0.0:
        if x > 0.0:
            return True, 0.0 if upper else 1.0
        return True, NAN
    if x == 0.0:
        return True, 1.0 if upper else 0.0
    if math.isinf(a):
        if math.isinf(x):
            return True, NAN
        return True, 1.0 if upper else 0.0
    if math.isinf(x):
        return True, 0.0 if upper else 1.0
    return False, 0.0


def gammainc(a, x):
    """The regularized lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a)."""
    done, v = _gammainc_edges(a, x, False)
    if done:
        return v
    if x < a + 1.0:
        return _gammainc_series(a, x)
    return 1.0 - _gammaincc_fraction(a, x)


def gammaincc(a, x):
    """The regularized upper incomplete gamma Q(a, x) = 1 - P(a, x)."""
    done, v = _gammainc_edges(a, x, True)
    if done:
        return v
    if x < a + 1.0:
        return 1.0 - _gammainc_series(a, x)
    return _gammaincc_fraction(a, x)


def lgamma(x):
    """log |Gamma(x)|; inf at the poles (non-positive integers) and at +-inf."""
    if math.isinf(x) or (x <= 0.0 and x == math.floor(x)):
        return INF
    return math.lgamma(x)


def erf(x):
    return math.erf(x)


def erfc(x):
    return math.erfc(x)


# ------------------------------------------------------------------ elementwise faces
UNARY = ("erf", "erfc", "erfinv", "erfcx", "lgamma", "digamma", "trigamma", "ndtr", "ndtri",
         "log_ndtr", "i0", "i0e", "i1", "i1e")
BINARY = ("zeta", "polygamma", "gammainc", "gammaincc")

# cupyx.scipy.special names for the same functions
_CUPY_NAMES = {"lgamma": "gammaln", "trigamma": None}

_jitted = False
_ufuncs: dict = {}


def _jit_all():
    """Compile the scalar functions with Numba (lazily: it costs time and happens once).
    The helpers are rebound to their compiled versions first, so that the functions that
    call them compile against compiled code."""
    global _jitted
    if _jitted:
        return True
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        return False
    g = globals()
    jit = numba.njit(cache=True)
    for name in ("giles_guess", "erfinv_small", "erfcinv_tail", "erfinv",
                 "erfcinv", "ndtri", "ndtr", "erfcx", "log_ndtr", "digamma", "zeta",
                 "trigamma", "polygamma", "_bessel_i_series", "_bessel_ie_asymptotic", "i0",
                 "i0e", "i1", "i1e", "_gamma_prefactor", "_gammainc_series",
                 "_gammaincc_fraction", "_gammainc_edges", "gammainc", "gammaincc", "lgamma",
                 "erf", "erfc"):
        g[name] = jit(_PY[name])
    _jitted = True
    return True


_PY = {k: v for k, v in globals().items() if callable(v) and not k.startswith("__")}


def _numpy_ufunc(name):
    """The elementwise face of `name` for NumPy arrays (float64 in, float64 out)."""
    fn = _ufuncs.get(name)
    if fn is not None:
        return fn
    nargs = 2 if name in BINARY else 1
    if _jit_all():
        import numba
        sig = "float64(float64, float64)" if nargs == 2 else "float64(float64)"
        fn = numba.vectorize([sig], cache=True)(_PY[name])
    else:  # pragma: no cover - numba is a dependency
        fn = np.vectorize(_PY[name], otypes=[np.float64])  # host: the NumPy face only
    _ufuncs[name] = fn
    return fn


def _cupy_function(name):
    """cupyx.scipy.special's version of `name`, or None when unavailable."""
    try:
        import cupyx.scipy.special as sp
    except ImportError:
        return None
    if name == "trigamma":
        return lambda x: sp.polygamma(1, x)
    return getattr(sp, _CUPY_NAMES.get(name) or name, None)


def call(name, *arrays):
    """Apply special function `name` elementwise (broadcasting) on float arrays; the
    result is float64 (NumPy) or the input dtype (CuPy)."""
    first = next(a for a in arrays if backend.is_array(a))
    xp = backend.get_array_module(first)
    if xp is np:
        args = [a.astype(np.float64, copy=False) if hasattr(a, "astype") else float(a)
                for a in arrays]
        with np.errstate(all="ignore"):  # poles and overflow give inf/nan, as in torch
            out = _numpy_ufunc(name)(*args)
        return np.asarray(out)  # host: NumPy face only (a 0-d result is a NumPy scalar)
    fn = _cupy_function(name)
    if fn is not None:
        return fn(*arrays)
    host = [backend.transfer(a, "cpu") if backend.is_array(a) else a for a in arrays]
    out = call(name, *host)
    return backend.transfer(out, backend.array_device(first))
