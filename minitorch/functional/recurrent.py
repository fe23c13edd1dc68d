"""Recurrent layers over a whole sequence: rnn_layer, lstm_layer, gru_layer.

One autograd Function runs one (layer, direction) over all T time steps, time-major:
x (T, B, I), states (B, H), out (T, B, H). Weights in PyTorch's layout: W_ih (G*H, I),
W_hh (G*H, H), biases (G*H,) or None, with G = 1 (RNN), 4 (LSTM gates i, f, g, o) or
3 (GRU gates r, z, n).

Forward (the lean path):

- the input projection of ALL steps is ONE GEMM: X (T*B, I) @ W_ih^T (+ biases);
- each step then needs one GEMM for the hidden projection h_{t-1} @ W_hh^T, and the gate
  arithmetic runs in one fused kernel (kernels/lstm_cell.py, kernels/gru_cell.py; a single
  tanh/maximum for the vanilla RNN);
- hidden states are written into a preallocated (T+1, B, H) buffer holding h_0 at one end
  and the outputs after it, so that the previous hidden states of all steps are one
  contiguous (T*B, H) block for the weight gradient.

Backward through time (BPTT), with dG_t = dL/d(gate pre-activations at step t):

    dh_t      = g_out[t] + dG_{t+1} @ W_hh        (the carried gradient; plus the direct
                                                  GRU path dh_{t+1} * z_{t+1})
    dG_t      = the fused cell backward of (dh_t, dc_t, saved activations)
    then, after the loop, over all T*B rows at once:
    dX        = dG @ W_ih                         (one GEMM)
    dW_ih     = dG^T @ X                          (one GEMM)
    dW_hh     = dG^T @ H_prev                     (one GEMM; H_prev = h_{t-1} stacked)
    db_ih     = db_hh = column sums of dG         (GRU: of dG_i and dG_h separately)
    dh_0      = dG_first @ W_hh (+ direct path),  dc_0 = the carried dc.

The cell derivatives (sigma' = s(1-s), tanh' = 1-t^2):

    LSTM  i,f,o = sigma(.), g = tanh(.), c = f c_prev + i g, h = o tanh(c)
          dc~ = dc + dh o (1 - tanh(c)^2)
          d[i|f|g|o] = [dc~ g i(1-i) | dc~ c_prev f(1-f) | dc~ i (1-g^2) | dh tanh(c) o(1-o)]
          dc_prev = dc~ f
    GRU   r = sigma(gi_r + gh_r), z = sigma(gi_z + gh_z), n = tanh(gi_n + r gh_n)
          h = (1-z) n + z h_prev
          dn = dh (1-z)(1-n^2), dr = dn gh_n r(1-r), dz = dh (h_prev - n) z(1-z)
          dgi = [dr | dz | dn],  dgh = [dr | dz | dn r],  dh_prev = dh z + dgh @ W_hh
    RNN   h = tanh(a) or relu(a):  da = dh (1-h^2)  or  dh [h > 0]

When the backward is itself recorded (create_graph=True, double backward), the Functions
recompute the same recurrence from textbook cell functions built of differentiable
Tensor ops (``_lstm_cell_ops`` ...) and differentiate that with ``autograd.grad(...,
create_graph=True)``: slower, but every derivative of the gradient then exists.

Packed (variable-length) sequences are out of scope.
"""
from __future__ import annotations

from .. import backend
from .. import kernels
from ..autograd.function import Function
from ..autograd.grad_mode import STATE as _GRAD_MODE
from ..tensor import _make
from ._util import check_tensor
from .elementwise import sigmoid, tanh, relu
from .linear import linear
from .shape import stack

_xp = backend.get_array_module

__all__ = ["rnn_layer", "lstm_layer", "gru_layer"]


# ============================================================ textbook cells (Tensor ops)
def _rnn_cell_ops(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity="tanh"):
    """h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or relu."""
    a = linear(x, w_ih, b_ih) + linear(h, w_hh, b_hh)
    return tanh(a) if nonlinearity == "tanh" else relu(a)


def _lstm_cell_ops(x, h, c, w_ih, w_hh, b_ih, b_hh):
    """i, f, g, o = split(x W_ih^T + b_ih + h W_hh^T + b_hh);
    c' = sigma(f) c + sigma(i) tanh(g);  h' = sigma(o) tanh(c')."""
    gates = linear(x, w_ih, b_ih) + linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, 1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    h = sigmoid(o) * tanh(c)
    return h, c


def _gru_cell_ops(x, h, w_ih, w_hh, b_ih, b_hh):
    """gi = x W_ih^T + b_ih, gh = h W_hh^T + b_hh, split into (r, z, n) parts;
    r = sigma(gi_r + gh_r), z = sigma(gi_z + gh_z), n = tanh(gi_n + r gh_n);
    h' = (1 - z) n + z h."""
    gi_r, gi_z, gi_n = linear(x, w_ih, b_ih).chunk(3, 1)
    gh_r, gh_z, gh_n = linear(h, w_hh, b_hh).chunk(3, 1)
    r = sigmoid(gi_r + gh_r)
    z = sigmoid(gi_z + gh_z)
    n = tanh(gi_n + r * gh_n)
    return (1 - z) * n + z * h


def _steps(T, reverse):
    return range(T - 1, -1, -1) if reverse else range(T)


def _rnn_layer_ops(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity="tanh", reverse=False):
    """rnn_layer composed of Tensor ops, one cell per step (differentiable any number of
    times; the reference the fused Function is checked against)."""
    T = x.shape[0]
    outs = [None] * T
    h = h0
    for t in _steps(T, reverse):
        h = outs[t] = _rnn_cell_ops(x[t], h, w_ih, w_hh, b_ih, b_hh, nonlinearity)
    return stack(outs, 0), h


def _lstm_layer_ops(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse=False):
    """lstm_layer composed of Tensor ops (see _rnn_layer_ops)."""
    T = x.shape[0]
    outs = [None] * T
    h, c = h0, c0
    for t in _steps(T, reverse):
        h, c = _lstm_cell_ops(x[t], h, c, w_ih, w_hh, b_ih, b_hh)
        outs[t] = h
    return stack(outs, 0), h, c


def _gru_layer_ops(x, h0, w_ih, w_hh, b_ih, b_hh, reverse=False):
    """gru_layer composed of Tensor ops (see _rnn_layer_ops)."""
    T = x.shape[0]
    outs = [None] * T
    h = h0
    for t in _steps(T, reverse):
        h = outs[t] = _gru_cell_ops(x[t], h, w_ih, w_hh, b_ih, b_hh)
    return stack(outs, 0), h


# ============================================================ shared array helpers
def _hidden_buffer(xp, T, B, H, h0, reverse):
    """A (T+1, B, H) buffer with h_0 at the start (forward) or the end (reverse); the
    outputs are hs[1:] (forward) or hs[:T] (reverse), the previous hidden states of all
    steps hs[:T] (forward) or hs[1:] (reverse), both contiguous."""
    hs = xp.empty((T + 1, B, H), dtype=h0.dtype)
    if reverse:
        hs[T] = h0
        return hs, hs[:T], hs[1:]
    hs[0] = h0
    return hs, hs[1:], hs[:T]


def _input_projection(x, w_ih, biases):
    """X (T*B, I) @ W_ih^T + the biases, as (T, B, G*H): one GEMM for every step. Returns
    it and X (T*B, I), a view of x or, for a strided x (batch_first), its one copy, kept
    for the weight gradient."""
    xp = _xp(x)
    T, B, I = x.shape
    x2 = x.reshape(T * B, I)
    gx = xp.matmul(x2, w_ih.T)
    for b in biases:
        if b is not None:
            gx += b
    return gx.reshape(T, B, w_ih.shape[0]), x2


def _weight_grads(xp, dG, x2, hprev, w_ih, needs, dG_h=None):
    """dX = dG @ W_ih, dW_ih = dG^T X, dW_hh = dG_h^T H_prev, db_ih = sum dG,
    db_hh = sum dG_h, each one GEMM (or sum) over all T*B rows. `needs` gives which of
    (x, W_ih, W_hh, b_ih, b_hh) want a gradient; dG_h defaults to dG (RNN, LSTM)."""
    nx, nwi, nwh, nbi, nbh = needs
    T, B, G = dG.shape
    I = x2.shape[1]
    dG2 = dG.reshape(T * B, G)
    dGh2 = dG2 if dG_h is None else dG_h.reshape(T * B, G)
    dx = dwi = dwh = dbi = dbh = None
    if nx:
        dx = _make(xp.matmul(dG2, w_ih).reshape(T, B, I))
    if nwi:
        dwi = _make(xp.matmul(dG2.T, x2))
    if nwh:
        dwh = _make(xp.matmul(dGh2.T, hprev.reshape(T * B, hprev.shape[2])))
    if nbi:
        dbi = _make(dG2.sum(axis=0))
    if nbh:
        dbh = _make(dGh2.sum(axis=0)) if (dG_h is not None or not nbi) else _make(dbi._data.copy())
    return dx, dwi, dwh, dbi, dbh


def _hidden_projection(xp, w_hh, h, ghT, add, out):
    """out = h @ W_hh^T + add, computed as (W_hh @ h^T)^T into the (G*H, B) buffer ghT:
    BLAS runs this tall-skinny shape markedly faster than the short-wide h @ W_hh^T
    (OpenBLAS, B = 32, 4H = 1024: about 1.4x), and the add writes the transposed result
    back row-major in the same pass."""
    xp.matmul(w_hh, h.T, out=ghT)
    xp.add(ghT.T, add, out=out)
    return out


class _HiddenGrad:
    """dG @ W_hh for one step of the backward, the gradient carried to h_{t-1}, computed as
    (W_hh^T dG^T)^T with W_hh^T made contiguous once per backward (BLAS runs this shape
    faster than dG @ W_hh). Returns a (B, H) transposed view of a buffer reused by the next
    call: consume it (or copy it) before calling again."""

    def __init__(self, xp, w_hh, B):
        self.xp = xp
        self.w_hhT = xp.ascontiguousarray(w_hh.T)
        self.outT = xp.empty((w_hh.shape[1], B), dtype=w_hh.dtype)

    def __call__(self, dG):
        self.xp.matmul(self.w_hhT, dG.T, out=self.outT)
        return self.outT.T


def _contig(xp, a):
    return a if a.flags.c_contiguous else xp.ascontiguousarray(a)


class _Alias(Function):
    """y = x (a fresh graph node standing for x, so autograd.grad can target it even when
    the same tensor is passed twice); dx = g."""

    @staticmethod
    def forward(ctx, x):
        return x.view()

    @staticmethod
    def backward(ctx, g):
        return g


def _recorded_backward(ctx, composite, grads, kwargs):
    """The gradients of a layer Function with the backward recorded (create_graph=True):
    recompute the layer from Tensor ops on the saved, graph-connected inputs and
    differentiate that recurrence with autograd.grad(create_graph=True)."""
    from ..autograd.engine import grad as _grad
    saved = ctx.saved_tensors[:len(ctx.needs_input_grad)]
    needs = ctx.needs_input_grad
    args = [(_Alias.apply(t) if n else t) for t, n in zip(saved, needs)]
    outs = composite(*args, **kwargs)
    targets = [a for a, n in zip(args, needs) if n]
    got = iter(_grad(list(outs), targets, grad_outputs=list(grads), create_graph=True,
                     allow_unused=True))
    return tuple(next(got) if n else None for n in needs)


# ============================================================ vanilla RNN
class RNNLayer(Function):
    """out, h_n = one tanh/relu RNN layer over the sequence (module docstring for the
    math): h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)."""

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity="tanh", reverse=False):
        xp = _xp(x)
        T, B, _ = x.shape
        H = w_hh.shape[1]
        gx, x2 = _input_projection(x, w_ih, (b_ih, b_hh))
        hs, out, hprev = _hidden_buffer(xp, T, B, H, h0, reverse)
        ghT = xp.empty((H, B), dtype=x.dtype)
        a = xp.empty((B, H), dtype=x.dtype)
        relu_ = nonlinearity == "relu"
        last = 0 if reverse else T - 1
        h = hprev[T - 1 if reverse else 0]
        for t in _steps(T, reverse):
            _hidden_projection(xp, w_hh, h, ghT, gx[t], a)
            h = out[t]
            if relu_:
                xp.maximum(a, 0, out=h)
            else:
                xp.tanh(a, out=h)
        ctx.save_for_backward(x, h0, w_ih, w_hh, b_ih, b_hh, out, hs, x2)
        ctx.opts = (nonlinearity, reverse)
        return out, out[last].copy()

    @staticmethod
    def backward(ctx, g_out, g_hn):
        nonlinearity, reverse = ctx.opts
        if _GRAD_MODE.enabled:
            return _recorded_backward(ctx, _rnn_layer_ops, (g_out, g_hn),
                                      dict(nonlinearity=nonlinearity, reverse=reverse))
        saved = ctx.saved_tensors
        x, h0, w_ih, w_hh = (s._data for s in saved[:4])
        hs, x2 = saved[7]._data, saved[8]._data
        needs = ctx.needs_input_grad
        xp = _xp(x)
        T, B, _ = x.shape
        _, out, hprev = _hidden_buffer_views(hs, T, reverse)
        g_out = g_out._data
        dG = xp.empty((T, B, w_hh.shape[0]), dtype=x.dtype)
        carry = g_hn._data
        back = _HiddenGrad(xp, w_hh, B)
        dh = xp.empty((B, w_hh.shape[1]), dtype=x.dtype)
        for k, t in enumerate(_steps(T, not reverse)):  # the steps last to first
            xp.add(g_out[t], carry, out=dh)
            h = out[t]
            da = dG[t]
            if nonlinearity == "relu":
                xp.multiply(dh, h > 0, out=da)                    # da = dh [h > 0]
            else:
                xp.multiply(h, h, out=da)                         # da = dh (1 - h^2)
                xp.subtract(1, da, out=da)
                da *= dh
            if k + 1 < T or needs[1]:
                carry = back(da)                                  # da @ W_hh, to h_{t-1}
        dh0 = _make(carry.copy()) if needs[1] else None
        dx, dwi, dwh, dbi, dbh = _weight_grads(xp, dG, x2, hprev, w_ih,
                                               (needs[0], needs[2], needs[3], needs[4],
                                                needs[5]))
        return dx, dh0, dwi, dwh, dbi, dbh


def _hidden_buffer_views(hs, T, reverse):
    return (hs, hs[:T], hs[1:]) if reverse else (hs, hs[1:], hs[:T])


# ============================================================ LSTM
class LSTMLayer(Function):
    """out, h_n, c_n = one LSTM layer over the sequence (module docstring for the math)."""

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse=False):
        xp = _xp(x)
        T, B, _ = x.shape
        H = w_hh.shape[1]
        cell = kernels.get("lstm_cell", x)
        gx, x2 = _input_projection(x, w_ih, (b_ih, b_hh))
        hs, out, hprev = _hidden_buffer(xp, T, B, H, h0, reverse)
        cs, c_out, _ = _hidden_buffer(xp, T, B, H, c0, reverse)
        acts = [None] * T
        ghT = xp.empty((w_hh.shape[0], B), dtype=x.dtype)
        gates = xp.empty((B, w_hh.shape[0]), dtype=x.dtype)
        h = hprev[T - 1 if reverse else 0]
        c = _contig(xp, c0)
        for t in _steps(T, reverse):
            _hidden_projection(xp, w_hh, h, ghT, gx[t], gates)
            h, c, acts[t] = cell.forward(gates, c)
            out[t] = h
            c_out[t] = c
        ctx.save_for_backward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, out, hs, cs, acts, x2)
        ctx.reverse = reverse
        return out, h.copy(), c.copy()

    @staticmethod
    def backward(ctx, g_out, g_hn, g_cn):
        reverse = ctx.reverse
        if _GRAD_MODE.enabled:
            return _recorded_backward(ctx, _lstm_layer_ops, (g_out, g_hn, g_cn),
                                      dict(reverse=reverse))
        saved = ctx.saved_tensors
        x, h0, c0, w_ih, w_hh = (s._data for s in saved[:5])
        hs, cs, acts, x2 = saved[8]._data, saved[9]._data, saved[10], saved[11]._data
        needs = ctx.needs_input_grad
        xp = _xp(x)
        T, B, _ = x.shape
        cell = kernels.get("lstm_cell", x)
        _, out, hprev = _hidden_buffer_views(hs, T, reverse)
        _, c_out, c_prev = _hidden_buffer_views(cs, T, reverse)
        g_out = g_out._data
        dG = xp.empty((T, B, w_hh.shape[0]), dtype=x.dtype)
        carry = g_hn._data
        back = _HiddenGrad(xp, w_hh, B)
        dh = xp.empty((B, w_hh.shape[1]), dtype=x.dtype)
        dc = _contig(xp, g_cn._data)
        for k, t in enumerate(_steps(T, not reverse)):
            xp.add(g_out[t], carry, out=dh)
            dgates, dc = cell.backward(dh, dc, acts[t], c_prev[t], c_out[t])
            dG[t] = dgates
            if k + 1 < T or needs[1]:
                carry = back(dgates)                              # dgates @ W_hh, to h_{t-1}
        dh0 = _make(carry.copy()) if needs[1] else None
        dc0 = _make(dc) if needs[2] else None
        dx, dwi, dwh, dbi, dbh = _weight_grads(xp, dG, x2, hprev, w_ih,
                                               (needs[0], needs[3], needs[4], needs[5],
                                                needs[6]))
        return dx, dh0, dc0, dwi, dwh, dbi, dbh


# ============================================================ GRU
class GRULayer(Function):
    """out, h_n = one GRU layer over the sequence (module docstring for the math)."""

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, reverse=False):
        xp = _xp(x)
        T, B, _ = x.shape
        H = w_hh.shape[1]
        cell = kernels.get("gru_cell", x)
        gi, x2 = _input_projection(x, w_ih, (b_ih,))
        hs, out, hprev = _hidden_buffer(xp, T, B, H, h0, reverse)
        acts = [None] * T
        w_hhT = w_hh.T
        h = hprev[T - 1 if reverse else 0]
        for t in _steps(T, reverse):
            gh = xp.matmul(h, w_hhT)
            if b_hh is not None:
                gh += b_hh
            h, acts[t] = cell.forward(gi[t], gh, h)
            out[t] = h
        ctx.save_for_backward(x, h0, w_ih, w_hh, b_ih, b_hh, out, hs, acts, x2)
        ctx.reverse = reverse
        return out, h.copy()

    @staticmethod
    def backward(ctx, g_out, g_hn):
        reverse = ctx.reverse
        if _GRAD_MODE.enabled:
            return _recorded_backward(ctx, _gru_layer_ops, (g_out, g_hn),
                                      dict(reverse=reverse))
        saved = ctx.saved_tensors
        x, h0, w_ih, w_hh = (s._data for s in saved[:4])
        hs, acts, x2 = saved[7]._data, saved[8], saved[9]._data
        needs = ctx.needs_input_grad
        xp = _xp(x)
        T, B, _ = x.shape
        cell = kernels.get("gru_cell", x)
        _, out, hprev = _hidden_buffer_views(hs, T, reverse)
        g_out = g_out._data
        dGi = xp.empty((T, B, w_hh.shape[0]), dtype=x.dtype)
        dGh = xp.empty_like(dGi)
        carry = g_hn._data
        back = _HiddenGrad(xp, w_hh, B)
        dh = xp.empty((B, w_hh.shape[1]), dtype=x.dtype)
        for k, t in enumerate(_steps(T, not reverse)):
            xp.add(g_out[t], carry, out=dh)
            dgi, dgh, carry = cell.backward(dh, acts[t], hprev[t])
            dGi[t] = dgi
            dGh[t] = dgh
            if k + 1 < T or needs[1]:
                carry += back(dgh)                                # both paths to h_{t-1}
        dh0 = _make(carry) if needs[1] else None
        dx, dwi, dwh, dbi, dbh = _weight_grads(xp, dGi, x2, hprev, w_ih,
                                               (needs[0], needs[2], needs[3], needs[4],
                                                needs[5]), dG_h=dGh)
        return dx, dh0, dwi, dwh, dbi, dbh


# ============================================================ public functions
def _check_layer(fn, gates, x, states, w_ih, w_hh, b_ih, b_hh):
    """Validate one layer call: x (T, B, I), each state (B, H), W_ih (gates*H, I),
    W_hh (gates*H, H), biases (gates*H,) or None, one floating dtype and device."""
    check_tensor(x, fn)
    for name, s in states:
        check_tensor(s, fn, name)
    check_tensor(w_ih, fn, "w_ih")
    check_tensor(w_hh, fn, "w_hh")
    for name, b in (("b_ih", b_ih), ("b_hh", b_hh)):
        if b is not None:
            check_tensor(b, fn, name)
    if x.ndim != 3:
        raise RuntimeError(f"{fn}(): expected input of shape (seq_len, batch, input_size) "
                           f"(3-D), got {x.ndim}-D input of shape {tuple(x.shape)}")
    T, B, I = x._data.shape
    if T == 0:
        raise RuntimeError(f"{fn}(): expected sequence length to be larger than 0, got input "
                           f"of shape {tuple(x.shape)}")
    if w_hh.ndim != 2 or w_hh._data.shape[0] != gates * w_hh._data.shape[1]:
        raise RuntimeError(f"{fn}(): w_hh must be ({gates}*hidden_size, hidden_size), got "
                           f"shape {tuple(w_hh.shape)}")
    H = w_hh._data.shape[1]
    if w_ih.ndim != 2 or w_ih._data.shape != (gates * H, I):
        raise RuntimeError(f"{fn}(): w_ih must be ({gates}*hidden_size, input_size) = "
                           f"{(gates * H, I)} for input {tuple(x.shape)} and hidden_size {H}, "
                           f"got {tuple(w_ih.shape)}")
    for name, b in (("b_ih", b_ih), ("b_hh", b_hh)):
        if b is not None and b._data.shape != (gates * H,):
            raise RuntimeError(f"{fn}(): {name} must be ({gates}*hidden_size,) = "
                               f"{(gates * H,)}, got {tuple(b.shape)}")
    for name, s in states:
        if s._data.shape != (B, H):
            raise RuntimeError(f"{fn}(): {name} must be (batch, hidden_size) = {(B, H)}, "
                               f"got {tuple(s.shape)}")
    dt = x._data.dtype
    if dt.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {x.dtype}")
    others = [(n, s) for n, s in states] + [("w_ih", w_ih), ("w_hh", w_hh), ("b_ih", b_ih),
                                           ("b_hh", b_hh)]
    for name, t in others:
        if t is not None and t._data.dtype != dt:
            raise RuntimeError(f"{fn}(): expected {name} to have the input's dtype {x.dtype}, "
                               f"got {t.dtype}")


def rnn_layer(x, h0, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh", reverse=False):
    """One Elman RNN layer over a time-major sequence: h_t = act(x_t W_ih^T + b_ih +
    h_{t-1} W_hh^T + b_hh) with act = tanh or relu; steps run from the last time step
    back to the first when `reverse` (out[t] is still the state at time t).

    x (T, B, I), h0 (B, H); returns out (T, B, H) and h_n (B, H), the last state computed."""
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"rnn_layer(): Unknown nonlinearity '{nonlinearity}'. Select from "
                         "'tanh' or 'relu'.")
    _check_layer("rnn_layer", 1, x, (("h0", h0),), w_ih, w_hh, b_ih, b_hh)
    return RNNLayer.apply(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity=nonlinearity,
                          reverse=bool(reverse))


def lstm_layer(x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """One LSTM layer over a time-major sequence (gates i, f, g, o as in PyTorch):

        i, f, g, o = sigma, sigma, tanh, sigma of (x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)
        c_t = f c_{t-1} + i g,   h_t = o tanh(c_t)

    x (T, B, I), h0 and c0 (B, H); returns out (T, B, H), h_n and c_n (B, H)."""
    _check_layer("lstm_layer", 4, x, (("h0", h0), ("c0", c0)), w_ih, w_hh, b_ih, b_hh)
    return LSTMLayer.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse=bool(reverse))


def gru_layer(x, h0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
    """One GRU layer over a time-major sequence (gates r, z, n as in PyTorch):

        r = sigma(W_ir x + b_ir + W_hr h + b_hr),  z = sigma(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r (W_hn h + b_hn)),  h' = (1 - z) n + z h

    x (T, B, I), h0 (B, H); returns out (T, B, H) and h_n (B, H)."""
    _check_layer("gru_layer", 3, x, (("h0", h0),), w_ih, w_hh, b_ih, b_hh)
    return GRULayer.apply(x, h0, w_ih, w_hh, b_ih, b_hh, reverse=bool(reverse))
