// Max pooling over the planes of a (B, H, W) array; see kernels/maxpool.py for the
// contract. One thread per output element (grid-stride loops, so any launch size works).
//
//   maxpool_forward_{float,double}:  out[b,i,j] = max of window (i, j), idx = h*W + w of it
//   maxpool_backward_{float,double}: dx[b, idx[b,o]] += g[b,o]   (atomic: windows overlap)

template <typename T> __device__ __forceinline__ T neg_inf();
template <> __device__ __forceinline__ float neg_inf<float>() { return __int_as_float(0xff800000); }
template <> __device__ __forceinline__ double neg_inf<double>() {
    return __longlong_as_double(0xfff0000000000000LL);
}

__device__ __forceinline__ float atomic_add(float* address, float val) {
    return atomicAdd(address, val);
}

__device__ __forceinline__ double atomic_add(double* address, double val) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 600
    return atomicAdd(address, val);
#else
    unsigned long long int* p = (unsigned long long int*)address;
    unsigned long long int old = *p, assumed;
    do {
        assumed = old;
        old = atomicCAS(p, assumed, __double_as_longlong(val + __longlong_as_double(assumed)));
    } while (assumed != old);
    return __longlong_as_double(old);
#endif
}

template <typename T>
__device__ void maxpool_forward(const T* __restrict__ x, T* __restrict__ out,
                                long long* __restrict__ idx, long long n, long long H,
                                long long W, long long OH, long long OW, long long kh,
                                long long kw, long long sh, long long sw, long long ph,
                                long long pw, long long dh, long long dw) {
    for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < n;
         t += (long long)blockDim.x * gridDim.x) {
        long long j = t % OW;
        long long i = (t / OW) % OH;
        long long b = t / (OW * OH);
        long long h0 = i * sh - ph;
        long long w0 = j * sw - pw;
        long long h1 = min(h0 + (kh - 1) * dh + 1, H);
        long long w1 = min(w0 + (kw - 1) * dw + 1, W);
        while (h0 < 0) h0 += dh;
        while (w0 < 0) w0 += dw;
        const T* plane = x + b * H * W;
        T best = neg_inf<T>();
        long long where = h0 * W + w0;
        for (long long h = h0; h < h1; h += dh) {
            for (long long w = w0; w < w1; w += dw) {
                T v = plane[h * W + w];
                if (v > best || v != v) {   // v != v: NaN wins, as in PyTorch
                    best = v;
                    where = h * W + w;
                }
            }
        }
        out[t] = best;
        idx[t] = where;
    }
}

template <typename T>
__device__ void maxpool_backward(const T* __restrict__ g, const long long* __restrict__ idx,
                                 T* __restrict__ dx, long long n, long long plane_out,
                                 long long plane_in) {
    for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < n;
         t += (long long)blockDim.x * gridDim.x) {
        long long b = t / plane_out;
        long long k = idx[t];
        if (k >= 0 && k < plane_in) atomic_add(dx + b * plane_in + k, g[t]);
    }
}

#define MAXPOOL_FORWARD(NAME, T)                                                              \
    extern "C" __global__ void NAME(const T* x, T* out, long long* idx, long long n,           \
                                    long long H, long long W, long long OH, long long OW,      \
                                    long long kh, long long kw, long long sh, long long sw,    \
                                    long long ph, long long pw, long long dh, long long dw) {  \
        maxpool_forward<T>(x, out, idx, n, H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw);      \
    }

#define MAXPOOL_BACKWARD(NAME, T)                                                             \
    extern "C" __global__ void NAME(const T* g, const long long* idx, T* dx, long long n,      \
                                    long long plane_out, long long plane_in) {                 \
        maxpool_backward<T>(g, idx, dx, n, plane_out, plane_in);                               \
    }

MAXPOOL_FORWARD(maxpool_forward_float, float)
MAXPOOL_FORWARD(maxpool_forward_double, double)
MAXPOOL_BACKWARD(maxpool_backward_float, float)
MAXPOOL_BACKWARD(maxpool_backward_double, double)
