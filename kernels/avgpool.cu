// Average pooling over the planes of a (B, H, W) array; see kernels/avgpool.py for the
// contract and the divisor rule. One thread per output element (forward) or per input
// element (backward, gather form: no atomics); grid-stride loops.

// PyTorch's divisor of window (i, j)
__device__ __forceinline__ long long avg_divisor(long long i, long long j, long long H,
                                                 long long W, long long kh, long long kw,
                                                 long long sh, long long sw, long long ph,
                                                 long long pw, int count_include_pad,
                                                 long long divisor_override) {
    if (divisor_override != 0) return divisor_override;
    long long h0 = i * sh - ph, w0 = j * sw - pw;
    long long h1 = min(h0 + kh, H + ph), w1 = min(w0 + kw, W + pw);
    if (count_include_pad) return (h1 - h0) * (w1 - w0);
    h0 = max(h0, 0LL);
    w0 = max(w0, 0LL);
    h1 = min(h1, H);
    w1 = min(w1, W);
    return (h1 - h0) * (w1 - w0);
}

template <typename T>
__device__ void avgpool_forward(const T* __restrict__ x, T* __restrict__ out, long long n,
                                long long H, long long W, long long OH, long long OW,
                                long long kh, long long kw, long long sh, long long sw,
                                long long ph, long long pw, int count_include_pad,
                                long long divisor_override) {
    for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < n;
         t += (long long)blockDim.x * gridDim.x) {
        long long j = t % OW;
        long long i = (t / OW) % OH;
        long long b = t / (OW * OH);
        long long h0 = max(i * sh - ph, 0LL), h1 = min(i * sh - ph + kh, H);
        long long w0 = max(j * sw - pw, 0LL), w1 = min(j * sw - pw + kw, W);
        const T* plane = x + b * H * W;
        T total = 0;
        for (long long h = h0; h < h1; ++h)
            for (long long w = w0; w < w1; ++w) total += plane[h * W + w];
        long long div = avg_divisor(i, j, H, W, kh, kw, sh, sw, ph, pw, count_include_pad,
                                    divisor_override);
        out[t] = total / (T)div;
    }
}

template <typename T>
__device__ void avgpool_backward(const T* __restrict__ g, T* __restrict__ dx, long long n,
                                 long long H, long long W, long long OH, long long OW,
                                 long long kh, long long kw, long long sh, long long sw,
                                 long long ph, long long pw, int count_include_pad,
                                 long long divisor_override) {
    for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < n;
         t += (long long)blockDim.x * gridDim.x) {
        long long w = t % W;
        long long h = (t / W) % H;
        long long b = t / (W * H);
        // windows i with i*sh - ph <= h < i*sh - ph + kh (C division truncates: guard < 0)
        long long nh = h + ph - kh, nw = w + pw - kw;
        long long i0 = nh < 0 ? 0 : nh / sh + 1, i1 = min((h + ph) / sh + 1, OH);
        long long j0 = nw < 0 ? 0 : nw / sw + 1, j1 = min((w + pw) / sw + 1, OW);
        const T* plane = g + b * OH * OW;
        T total = 0;
        for (long long i = i0; i < i1; ++i)
            for (long long j = j0; j < j1; ++j)
                total += plane[i * OW + j] /
                         (T)avg_divisor(i, j, H, W, kh, kw, sh, sw, ph, pw, count_include_pad,
                                        divisor_override);
        dx[t] = total;
    }
}

#define AVGPOOL_KERNEL(NAME, IMPL, T)                                                         \
    extern "C" __global__ void NAME(const T* src, T* dst, long long n, long long H,           \
                                    long long W, long long OH, long long OW, long long kh,     \
                                    long long kw, long long sh, long long sw, long long ph,    \
                                    long long pw, int count_include_pad,                       \
                                    long long divisor_override) {                              \
        IMPL<T>(src, dst, n, H, W, OH, OW, kh, kw, sh, sw, ph, pw, count_include_pad,          \
                divisor_override);                                                             \
    }

AVGPOOL_KERNEL(avgpool_forward_float, avgpool_forward, float)
AVGPOOL_KERNEL(avgpool_forward_double, avgpool_forward, double)
AVGPOOL_KERNEL(avgpool_backward_float, avgpool_backward, float)
AVGPOOL_KERNEL(avgpool_backward_double, avgpool_backward, double)
