// The fused GRU cell (torch gate order r, z, n); see kernels/gru_cell.py for the contract.
// One thread per (row b, hidden unit j) element, grid-stride loops, so any launch size
// works; n = B*H.
//
//   gru_cell_forward_{float,double}:
//     r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z), n = tanh(gi_n + r*gh_n)
//     h = (1-z)*n + z*h_prev, act[b, kH + j] = [r, z, n, gh_n][k]
//   gru_cell_backward_{float,double}:
//     dn = dh*(1-z)*(1-n^2), dr = dn*gh_n*r(1-r), dz = dh*(h_prev-n)*z(1-z)
//     dgi = [dr | dz | dn], dgh = [dr | dz | dn*r], dh_prev = dh*z (direct path only)

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
__device__ void gru_cell_forward(const T* __restrict__ gi, const T* __restrict__ gh,
                                 const T* __restrict__ h_prev, T* __restrict__ h,
                                 T* __restrict__ act, long long n, long long H) {
    const T one = T(1);
    for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < n;
         t += (long long)blockDim.x * gridDim.x) {
        long long b = t / H;
        long long j = t - b * H;
        const T* ir = gi + b * 3 * H + j;
        const T* hr = gh + b * 3 * H + j;
        T* ar = act + b * 4 * H + j;
        T r = sigmoid_(ir[0] + hr[0]);
        T z = sigmoid_(ir[H] + hr[H]);
        T ghn = hr[2 * H];
        T nn = tanh_(ir[2 * H] + r * ghn);
        h[t] = (one - z) * nn + z * h_prev[t];
        ar[0] = r;
        ar[H] = z;
        ar[2 * H] = nn;
        ar[3 * H] = ghn;
    }
}

template <typename T>
__device__ void gru_cell_backward(const T* __restrict__ dh, const T* __restrict__ act,
                                  const T* __restrict__ h_prev, T* __restrict__ dgi,
                                  T* __restrict__ dgh, T* __restrict__ dh_prev, long long n,
                                  long long H) {
    const T one = T(1);
    for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < n;
         t += (long long)blockDim.x * gridDim.x) {
        long long b = t / H;
        long long j = t - b * H;
        const T* ar = act + b * 4 * H + j;
        T r = ar[0], z = ar[H], nn = ar[2 * H], ghn = ar[3 * H];
        T dht = dh[t];
        T dn = dht * (one - z) * (one - nn * nn);        // tanh' = 1-n^2
        T dr = dn * ghn * r * (one - r);                 // sigmoid' = s(1-s)
        T dz = dht * (h_prev[t] - nn) * z * (one - z);   // dh/dz = h_prev - n
        T* di = dgi + b * 3 * H + j;
        T* dg = dgh + b * 3 * H + j;
        di[0] = dr;
        di[H] = dz;
        di[2 * H] = dn;
        dg[0] = dr;
        dg[H] = dz;
        dg[2 * H] = dn * r;
        dh_prev[t] = dht * z;
    }
}

#define GRU_FORWARD(NAME, T)                                                                  \
    extern "C" __global__ void NAME(const T* gi, const T* gh, const T* h_prev, T* h, T* act,   \
                                    long long n, long long H) {                                \
        gru_cell_forward<T>(gi, gh, h_prev, h, act, n, H);                                     \
    }

#define GRU_BACKWARD(NAME, T)                                                                 \
    extern "C" __global__ void NAME(const T* dh, const T* act, const T* h_prev, T* dgi,        \
                                    T* dgh, T* dh_prev, long long n, long long H) {            \
        gru_cell_backward<T>(dh, act, h_prev, dgi, dgh, dh_prev, n, H);                        \
    }

GRU_FORWARD(gru_cell_forward_float, float)
GRU_FORWARD(gru_cell_forward_double, double)
GRU_BACKWARD(gru_cell_backward_float, float)
GRU_BACKWARD(gru_cell_backward_double, double)
