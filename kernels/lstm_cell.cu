// The fused LSTM cell (torch gate order i, f, g, o); see kernels/lstm_cell.py for the
// contract. One thread per (row b, hidden unit j) element, grid-stride loops, so any launch
// size works; n = B*H.
//
//   lstm_cell_forward_{float,double}:
//     i, f, o = sigmoid(gates[b, {0,1,3}H + j]), g = tanh(gates[b, 2H + j])
//     c = f*c_prev + i*g, h = o*tanh(c), act[b, kH + j] = [i, f, g, o][k]
//   lstm_cell_backward_{float,double}:
//     tc = tanh(c), dct = dc + dh*o*(1 - tc^2)
//     dgates[b, kH + j] = [dct*g*i(1-i), dct*c_prev*f(1-f), dct*i(1-g^2), dh*tc*o(1-o)][k]
//     dc_prev = dct*f

// stable logistic: e = exp(-|x|) <= 1 never overflows; 1/(1+e) for x >= 0, e/(1+e) below
__device__ __forceinline__ float sigmoid_(float x) {
    float e = expf(-fabsf(x));
    float s = 1.0f / (1.0f + e);
    return x >= 0.0f ? s : e * s;
}
__device__ __forceinline__ double sigmoid_(double x) {
    double e = exp(-fabs(x));
    double s = 1.0 / (1.0 + e);
    return x >= 0.0 ? s : e * s;
}
__device__ __forceinline__ float tanh_(float x) { return tanhf(x); }
__device__ __forceinline__ double tanh_(double x) { return tanh(x); }

template <typename T>
__device__ void lstm_cell_forward(const T* __restrict__ gates, const T* __restrict__ c_prev,
                                  T* __restrict__ h, T* __restrict__ c, T* __restrict__ act,
                                  long long n, long long H) {
    for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < n;
         t += (long long)blockDim.x * gridDim.x) {
        long long b = t / H;
        long long j = t - b * H;
        const T* gr = gates + b * 4 * H + j;
        T* ar = act + b * 4 * H + j;
        T i = sigmoid_(gr[0]);
        T f = sigmoid_(gr[H]);
        T g = tanh_(gr[2 * H]);
        T o = sigmoid_(gr[3 * H]);
        T cc = f * c_prev[t] + i * g;
        c[t] = cc;
        h[t] = o * tanh_(cc);
        ar[0] = i;
        ar[H] = f;
        ar[2 * H] = g;
        ar[3 * H] = o;
    }
}

template <typename T>
__device__ void lstm_cell_backward(const T* __restrict__ dh, const T* __restrict__ dc,
                                   const T* __restrict__ act, const T* __restrict__ c_prev,
                                   const T* __restrict__ c, T* __restrict__ dgates,
                                   T* __restrict__ dc_prev, long long n, long long H) {
    const T one = T(1);
    for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < n;
         t += (long long)blockDim.x * gridDim.x) {
        long long b = t / H;
        long long j = t - b * H;
        const T* ar = act + b * 4 * H + j;
        T* dr = dgates + b * 4 * H + j;
        T i = ar[0], f = ar[H], g = ar[2 * H], o = ar[3 * H];
        T tc = tanh_(c[t]);
        T dht = dh[t];
        T dct = dc[t] + dht * o * (one - tc * tc);      // dL/dc: direct + through h
        dr[0] = dct * g * i * (one - i);                 // sigmoid' = s(1-s)
        dr[H] = dct * c_prev[t] * f * (one - f);
        dr[2 * H] = dct * i * (one - g * g);             // tanh' = 1-t^2
        dr[3 * H] = dht * tc * o * (one - o);
        dc_prev[t] = dct * f;
    }
}

#define LSTM_FORWARD(NAME, T)                                                                 \
    extern "C" __global__ void NAME(const T* gates, const T* c_prev, T* h, T* c, T* act,       \
                                    long long n, long long H) {                                \
        lstm_cell_forward<T>(gates, c_prev, h, c, act, n, H);                                  \
    }

#define LSTM_BACKWARD(NAME, T)                                                                \
    extern "C" __global__ void NAME(const T* dh, const T* dc, const T* act, const T* c_prev,   \
                                    const T* c, T* dgates, T* dc_prev, long long n,            \
                                    long long H) {                                             \
        lstm_cell_backward<T>(dh, dc, act, c_prev, c, dgates, dc_prev, n, H);                  \
    }

LSTM_FORWARD(lstm_cell_forward_float, float)
LSTM_FORWARD(lstm_cell_forward_double, double)
LSTM_BACKWARD(lstm_cell_backward_float, float)
LSTM_BACKWARD(lstm_cell_backward_double, double)
