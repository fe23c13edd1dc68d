"""Recurrent layers with PyTorch's API: RNN, LSTM, GRU and the cells RNNCell, LSTMCell,
GRUCell.

Parameters are PyTorch's, by name, shape and order, so state_dicts move both ways:
for layer k and direction suffix '' or '_reverse', ``weight_ih_l{k}{suffix}`` (G*H, I_k),
``weight_hh_l{k}{suffix}`` (G*H, H), ``bias_ih_l{k}{suffix}`` and ``bias_hh_l{k}{suffix}``
(G*H,), with G = 1 (RNN), 4 (LSTM, gates i, f, g, o) or 3 (GRU, gates r, z, n);
I_0 = input_size and I_k = H * num_directions above. The cells have ``weight_ih``,
``weight_hh``, ``bias_ih``, ``bias_hh``. Every parameter starts as U(-1/sqrt(H), 1/sqrt(H)).

Each (layer, direction) runs as one fused Function over the whole sequence
(minitorch.functional.recurrent: one GEMM projects the input of all steps, then one GEMM
and one fused cell kernel per step, and a backward through time of the same shape); the
cells are the same Functions over a sequence of one step.

Packed sequences (``nn.utils.rnn.PackedSequence``): RNN, LSTM and GRU take one and return
one. The packed steps are cut into segments of constant batch size (sequences sorted by
decreasing length, so at step t the first batch_sizes[t] run); each segment is one call of
the fused layer on the running rows, whose state carries into the next segment. A
sequence's final state is therefore the state at its own last step, and the reverse
direction starts each sequence at its own last step, as cuDNN and PyTorch do.

LSTM projections (``proj_size`` > 0, Sak et al. 2014): h_t = W_hr (o * tanh(c_t)) with
``weight_hr_l{k}{suffix}`` (proj_size, hidden_size); h has proj_size features, c keeps
hidden_size. That path runs step by step with differentiable textbook cell ops (no fused
kernel).
"""
from __future__ import annotations

import math
import numbers
import warnings

from .. import backend
from ..functional.dropout import dropout as _dropout
from ..functional.recurrent import rnn_layer, lstm_layer, gru_layer
from ..functional.elementwise import sigmoid as _sigmoid, tanh as _tanh
from ..functional.linear import linear as _linear
from ..functional.shape import cat, stack
from ..tensor import Tensor, _make
from .. import creation
from . import init
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _check_sizes(cls, input_size, hidden_size, bias):
    if not isinstance(bias, bool):
        raise TypeError(f"{cls}: bias should be of type bool, got: {type(bias).__name__}")
    for name, v in (("input_size", input_size), ("hidden_size", hidden_size)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"{cls}: {name} should be of type int, got: {type(v).__name__}")
        if v <= 0:
            raise ValueError(f"{cls}: {name} must be greater than zero, got {v}")


def _zeros(like, shape):
    xp = backend.get_array_module(like._data)
    return _make(xp.zeros(shape, dtype=like._data.dtype))


def _check_input_tensor(cls, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{cls}.forward(): argument 'input' must be Tensor or "
                        f"PackedSequence, not {type(input).__name__}")


# ============================================================ sequence layers
class RNNBase(Module):
    """The common machinery of RNN, LSTM and GRU (mode 'RNN_TANH', 'RNN_RELU', 'LSTM' or
    'GRU'): parameters, checks, the loop over layers and directions."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        cls = type(self).__name__
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + str(mode))
        if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise ValueError(f"{cls}: dropout should be a number in range [0, 1] representing "
                             f"the probability of an element being zeroed, got {dropout!r}")
        _check_sizes(cls, input_size, hidden_size, bias)
        if not isinstance(batch_first, bool):
            raise TypeError(f"{cls}: batch_first should be of type bool, got: "
                            f"{type(batch_first).__name__}")
        if isinstance(num_layers, bool) or not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError(f"{cls}: num_layers must be greater than zero, got {num_layers!r}")
        if proj_size != 0:
            if isinstance(proj_size, bool) or not isinstance(proj_size, int) or proj_size < 0:
                raise ValueError("proj_size should be a positive integer or zero to disable "
                                 "projections")
            if proj_size >= hidden_size:
                raise ValueError("proj_size has to be smaller than hidden_size")
            if mode != "LSTM":
                raise ValueError("proj_size argument is only supported for LSTM, not RNN or "
                                 "GRU")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        kw = dict(device=device, dtype=dtype)
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * num_directions
            for direction in range(num_directions):
                suffix = "_reverse" if direction == 1 else ""
                shapes = [("weight_ih_l{}{}", (gate_size, layer_input)),
                          ("weight_hh_l{}{}", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih_l{}{}", (gate_size,)), ("bias_hh_l{}{}", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr_l{}{}", (proj_size, hidden_size))]
                names = []
                for fmt, shape in shapes:
                    name = fmt.format(layer, suffix)
                    setattr(self, name, Parameter(creation.empty(shape, **kw)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        """Every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self):
        """A no-op (cuDNN's contiguous weight buffer has no counterpart here)."""

    @property
    def _flat_weights(self):
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters per (layer, direction): [[w_ih, w_hh, b_ih, b_hh], ...]."""
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # ---------------------------------------------------------------- forward
    def _prepare(self, input, hx, n_states):
        """Check input and hidden state(s) (torch's checks and messages, prefixed with the
        module name); returns (time-major input, list of states or None, is_batched)."""
        cls = type(self).__name__
        _check_input_tensor(cls, input)
        if input.ndim not in (2, 3):
            raise ValueError(f"{cls}: Expected input to be 2D or 3D, got {input.ndim}D "
                             "tensor instead")
        batched = input.ndim == 3
        states = None
        if hx is not None:
            states = list(hx) if n_states == 2 else [hx]
            if n_states == 2 and (not isinstance(hx, (tuple, list)) or len(states) != 2):
                raise TypeError(f"{cls}: hx must be a tuple (h_0, c_0) of Tensors, got "
                                f"{type(hx).__name__}")
            for s in states:
                if not isinstance(s, Tensor):
                    raise TypeError(f"{cls}.forward(): hx must be Tensor"
                                    f"{' pairs' if n_states == 2 else ''}, got "
                                    f"{type(s).__name__}")
            want = 3 if batched else 2
            if any(s.ndim != want for s in states):
                what = "hx and cx" if n_states == 2 else "hx"
                got = ", ".join(f"{s.ndim}-D" for s in states)
                got = f"({got}) tensors" if n_states == 2 else f"{got} tensor"
                kind = "batched 3-D" if batched else "unbatched 2-D"
                raise RuntimeError(f"{cls}: For {kind} input, {what} should also be {want}-D "
                                   f"but got {got}")
            if not batched:
                states = [s.unsqueeze(1) for s in states]
        if not batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
        if input._data.shape[-1] != self.input_size:
            raise RuntimeError(f"{cls}: input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input._data.shape[-1]}")
        if input._data.dtype != self.weight_ih_l0._data.dtype:
            raise ValueError(f"{cls}: input dtype ({input.dtype}) does not match weight dtype "
                             f"({self.weight_ih_l0.dtype}). Convert input: "
                             f"input.to({self.weight_ih_l0.dtype}), or convert model: "
                             f"model.to({input.dtype})")
        x = input.transpose(0, 1) if self.batch_first else input
        T, B = x._data.shape[:2]
        if T == 0:
            raise RuntimeError(f"{cls}: expected sequence length to be larger than 0, got "
                               f"input of shape {tuple(input.shape)}")
        if states is not None:
            for k, s in enumerate(states):
                expected = (self.num_layers * (2 if self.bidirectional else 1), B,
                            self._state_size(k))
                if tuple(s._data.shape) != expected:
                    which = f"hidden[{k}] size" if n_states == 2 else "hidden size"
                    raise RuntimeError(f"{cls}: Expected {which} {expected}, got "
                                       f"{list(s._data.shape)}")
                if s._data.dtype != x._data.dtype:
                    raise RuntimeError(f"{cls}: hx dtype ({s.dtype}) does not match the "
                                       f"input dtype ({input.dtype})")
        return x, states, batched

    def _state_size(self, k: int) -> int:
        """Features of state k: h has proj_size with projections, c has hidden_size."""
        return self.proj_size if (k == 0 and self.proj_size > 0) else self.hidden_size

    def _init_states(self, like, B, n_states, cache):
        """Zero initial states, one array per distinct size (shared, never modified)."""
        out = []
        for j in range(n_states):
            size = self._state_size(j)
            if size not in cache:
                cache[size] = _zeros(like, (B, size))
            out.append(cache[size])
        return out

    def _params(self, k):
        """[w_ih, w_hh, b_ih, b_hh] (+ [w_hr] with projections) of (layer, direction) k,
        None for the missing biases."""
        ps = {n.split("_l")[0]: getattr(self, n) for n in self._all_weights[k]}
        params = [ps["weight_ih"], ps["weight_hh"], ps.get("bias_ih"), ps.get("bias_hh")]
        if self.proj_size > 0:
            params.append(ps["weight_hr"])
        return params

    def _run_layers(self, x, states, n_states, step):
        """Run every (layer, direction); `step(x, states_k, params_k, reverse)` runs one and
        returns (out, *final states). Returns the last layer's output and the stacked
        final states (num_layers * num_directions, B, H) in PyTorch's order."""
        nd = 2 if self.bidirectional else 1
        B = x._data.shape[1]
        finals = [[] for _ in range(n_states)]
        zeros = {}
        for layer in range(self.num_layers):
            outs = []
            for d in range(nd):
                k = layer * nd + d
                if states is None:
                    init_k = self._init_states(x, B, n_states, zeros)
                else:
                    init_k = [s[k] for s in states]
                res = step(x, init_k, self._params(k), d == 1)
                outs.append(res[0])
                for j in range(n_states):
                    finals[j].append(res[1 + j])
            x = outs[0] if nd == 1 else cat(outs, 2)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout, True)
        return x, [stack(f, 0) for f in finals]

    def _forward(self, input, hx, n_states, step):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx, n_states, step)
        x, states, batched = self._prepare(input, hx, n_states)
        out, finals = self._run_layers(x, states, n_states, step)
        if self.batch_first:
            out = out.transpose(0, 1)
        if not batched:
            out = out.squeeze(0 if self.batch_first else 1)
            finals = [f.squeeze(1) for f in finals]
        return out, finals

    # ---------------------------------------------------------------- packed input
    def _prepare_packed(self, input, hx, n_states):
        """Check a PackedSequence call; returns (data, host batch_sizes, states in the
        sorted batch order or None)."""
        cls = type(self).__name__
        data = input.data
        if not isinstance(data, Tensor) or data.ndim != 2:
            raise ValueError(f"{cls}: a PackedSequence's data must be 2-D (sum of lengths, "
                             f"input_size)")
        if data._data.shape[-1] != self.input_size:
            raise RuntimeError(f"{cls}: input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {data._data.shape[-1]}")
        if data._data.dtype != self.weight_ih_l0._data.dtype:
            raise ValueError(f"{cls}: input dtype ({data.dtype}) does not match weight dtype "
                             f"({self.weight_ih_l0.dtype}). Convert input: "
                             f"input.to({self.weight_ih_l0.dtype}), or convert model: "
                             f"model.to({data.dtype})")
        sizes = [int(b) for b in input.batch_sizes.tolist()]
        states = None
        if hx is not None:
            states = list(hx) if n_states == 2 else [hx]
            if n_states == 2 and (not isinstance(hx, (tuple, list)) or len(states) != 2):
                raise TypeError(f"{cls}: hx must be a tuple (h_0, c_0) of Tensors, got "
                                f"{type(hx).__name__}")
            for k, st in enumerate(states):
                expected = (self.num_layers * (2 if self.bidirectional else 1), sizes[0],
                            self._state_size(k))
                if not isinstance(st, Tensor):
                    raise TypeError(f"{cls}.forward(): hx must be Tensor, got "
                                    f"{type(st).__name__}")
                if tuple(st._data.shape) != expected:
                    which = f"hidden[{k}] size" if n_states == 2 else "hidden size"
                    raise RuntimeError(f"{cls}: Expected {which} {expected}, got "
                                       f"{list(st._data.shape)}")
            if input.sorted_indices is not None:          # into the sorted batch order
                states = [st.index_select(1, input.sorted_indices) for st in states]
        return data, sizes, states

    def _forward_packed(self, input, hx, n_states, step):
        """RNN over a PackedSequence: returns (PackedSequence of outputs, final states in
        the input's original batch order)."""
        data, sizes, states = self._prepare_packed(input, hx, n_states)
        nd = 2 if self.bidirectional else 1
        B = sizes[0]
        finals = [[] for _ in range(n_states)]
        zeros = {}
        x = data
        for layer in range(self.num_layers):
            outs = []
            for d in range(nd):
                k = layer * nd + d
                if states is None:
                    init_k = self._init_states(data, B, n_states, zeros)
                else:
                    init_k = [st[k] for st in states]
                out, last = _packed_direction(x, sizes, init_k, self._params(k), d == 1,
                                              step)
                outs.append(out)
                for j in range(n_states):
                    finals[j].append(last[j])
            x = outs[0] if nd == 1 else cat(outs, 1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout, True)
        finals = [stack(f, 0) for f in finals]
        if input.unsorted_indices is not None:
            finals = [f.index_select(1, input.unsorted_indices) for f in finals]
        out = PackedSequence(x, input.batch_sizes, input.sorted_indices,
                             input.unsorted_indices)
        return out, finals


def _segments(sizes):
    """(first step, end step, batch size, first packed row, end packed row) of each run
    of steps with the same batch size."""
    segs = []
    t, row = 0, 0
    while t < len(sizes):
        b = sizes[t]
        t1 = t
        while t1 < len(sizes) and sizes[t1] == b:
            t1 += 1
        segs.append((t, t1, b, row, row + (t1 - t) * b))
        row += (t1 - t) * b
        t = t1
    return segs


def _packed_direction(data, sizes, init, params, reverse, step):
    """One (layer, direction) over packed data: each segment of constant batch size b is
    one call of the fused layer on the first b (still running) sequences, starting from
    their carried state. Forward, the rows that stop at a segment's end keep their state
    as their final state; in reverse, segments run from the last to the first and a row
    joins (from its initial state) in the segment holding its last step.
    Returns (packed output rows, final states (B, H) per state)."""
    segs = _segments(sizes)
    order = reversed(segs) if reverse else segs
    cur = list(init)
    pieces = {}
    for t0, t1, b, r0, r1 in order:
        xs = data[r0:r1].reshape(t1 - t0, b, data.shape[-1])
        res = step(xs, [c[:b] for c in cur], params, reverse)
        pieces[t0] = res[0].reshape((t1 - t0) * b, res[0].shape[-1])
        cur = [n if n.shape[0] == c.shape[0] else cat([n, c[b:]], 0)
               for n, c in zip(res[1:], cur)]
    out = cat([pieces[t0] for t0, _, _, _, _ in segs], 0) if len(segs) > 1 \
        else pieces[segs[0][0]]
    return out, cur


class RNN(RNNBase):
    """Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act tanh or relu.

    RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False). forward(input, hx=None):
    input (T, B, I) ((B, T, I) with batch_first, or unbatched (T, I)), hx
    (num_layers * num_directions, B, H); returns (output, h_n)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' "
                             "or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        nl = self.nonlinearity

        def step(x, s, p, reverse):
            return rnn_layer(x, s[0], *p, nonlinearity=nl, reverse=reverse)

        out, (h_n,) = self._forward(input, hx, 1, step)
        return out, h_n


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o, PyTorch's layout):

        i, f, o = sigma(.), g = tanh(.) of x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
        c_t = f c_{t-1} + i g,   h_t = o tanh(c_t)

    forward(input, hx=None) with hx = (h_0, c_0) returns (output, (h_n, c_n)).
    With proj_size > 0, h_t = W_hr (o * tanh(c_t)) has proj_size features (weight_hr_l*),
    computed step by step with differentiable ops."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        def step(x, s, p, reverse):
            if len(p) == 5:
                return _lstm_projected_layer(x, s[0], s[1], *p, reverse=reverse)
            return lstm_layer(x, s[0], s[1], *p, reverse=reverse)

        out, (h_n, c_n) = self._forward(input, hx, 2, step)
        return out, (h_n, c_n)


def _lstm_projected_layer(x, h, c, w_ih, w_hh, b_ih, b_hh, w_hr, reverse=False):
    """An LSTM with projections over x (T, B, I), one step at a time:

        i, f, g, o from x_t W_ih^T + b_ih + h W_hh^T + b_hh (gates i, f, g, o)
        c = sigma(f) c + sigma(i) tanh(g),   h = (sigma(o) tanh(c)) W_hr^T

    Made of differentiable ops (linear, chunk, sigmoid, tanh, stack), so backward and
    double backward come from them. Returns (out (T, B, proj_size), h, c)."""
    T = x.shape[0]
    outs = [None] * T
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        gates = _linear(x[t], w_ih, b_ih) + _linear(h, w_hh, b_hh)
        i, f, g, o = gates.chunk(4, 1)
        c = _sigmoid(f) * c + _sigmoid(i) * _tanh(g)
        h = _linear(_sigmoid(o) * _tanh(c), w_hr)
        outs[t] = h
    return stack(outs, 0), h, c


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n, PyTorch's layout):

        r = sigma(W_ir x + b_ir + W_hr h + b_hr),  z = sigma(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r (W_hn h + b_hn)),  h' = (1 - z) n + z h

    forward(input, hx=None) returns (output, h_n)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        def step(x, s, p, reverse):
            return gru_layer(x, s[0], *p, reverse=reverse)

        out, (h_n,) = self._forward(input, hx, 1, step)
        return out, h_n


# ============================================================ cells
class RNNCellBase(Module):
    """Parameters and checks shared by the cells: weight_ih (G*H, I), weight_hh (G*H, H),
    bias_ih, bias_hh (G*H,)."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        _check_sizes(type(self).__name__, input_size, hidden_size, bias)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        kw = dict(device=device, dtype=dtype)
        self.weight_ih = Parameter(creation.empty((num_chunks * hidden_size, input_size), **kw))
        self.weight_hh = Parameter(creation.empty((num_chunks * hidden_size, hidden_size), **kw))
        if bias:
            self.bias_ih = Parameter(creation.empty(num_chunks * hidden_size, **kw))
            self.bias_hh = Parameter(creation.empty(num_chunks * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.__dict__.get("bias", True) is not True:
            s += ", bias={bias}"
        if self.__dict__.get("nonlinearity", "tanh") != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        """Every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _prepare(self, input, states):
        """Check a cell call; returns (input as (1, B, I), states as (B, H), is_batched)."""
        cls = type(self).__name__
        _check_input_tensor(cls, input)
        if input.ndim not in (1, 2):
            raise ValueError(f"{cls}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        B, I = x._data.shape
        if I != self.input_size:
            raise RuntimeError(f"{cls}: input has inconsistent input_size: got {I} expected "
                               f"{self.input_size}")
        if x._data.dtype != self.weight_ih._data.dtype:
            raise RuntimeError(f"{cls}: input dtype ({input.dtype}) does not match weight "
                               f"dtype ({self.weight_ih.dtype})")
        out = []
        for k, s in enumerate(states):
            if s is None:
                out.append(_zeros(x, (B, self.hidden_size)))
                continue
            if not isinstance(s, Tensor):
                raise TypeError(f"{cls}.forward(): hx must be Tensor, got {type(s).__name__}")
            if s.ndim not in (1, 2):
                raise ValueError(f"{cls}: Expected hidden to be 1D or 2D, got {s.ndim}D "
                                 "instead")
            if s.ndim != input.ndim:
                raise RuntimeError(f"{cls}: hidden{k} must be {input.ndim}-D like the input, "
                                   f"got {s.ndim}-D")
            if not batched:
                s = s.unsqueeze(0)
            if s._data.shape[0] != B:
                raise RuntimeError(f"{cls}: Input batch size {B} doesn't match hidden{k} batch "
                                   f"size {s._data.shape[0]}")
            if s._data.shape[1] != self.hidden_size:
                raise RuntimeError(f"{cls}: hidden{k} has inconsistent hidden_size: got "
                                   f"{s._data.shape[1]}, expected {self.hidden_size}")
            out.append(s)
        return x.unsqueeze(0), out, batched


class RNNCell(RNNCellBase):
    """h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act tanh or relu.
    forward(input (B, I) or (I,), hx=None) -> h' (B, H) or (H,)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: Unknown nonlinearity '{nonlinearity}'. Select from "
                             "'tanh' or 'relu'.")
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        x, (h,), batched = self._prepare(input, (hx,))
        _, h = rnn_layer(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh,
                         nonlinearity=self.nonlinearity)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step (gates i, f, g, o): forward(input, hx=None) with hx = (h, c) returns
    (h', c'); 1-D input means one unbatched sample."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        if hx is None:
            hx = (None, None)
        elif not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise TypeError(f"LSTMCell.forward(): hx must be a tuple (h, c) of Tensors, got "
                            f"{type(hx).__name__}")
        x, (h, c), batched = self._prepare(input, hx)
        _, h, c = lstm_layer(x, h, c, self.weight_ih, self.weight_hh, self.bias_ih,
                             self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step (gates r, z, n): forward(input, hx=None) -> h'."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        x, (h,), batched = self._prepare(input, (hx,))
        _, h = gru_layer(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h if batched else h.squeeze(0)
