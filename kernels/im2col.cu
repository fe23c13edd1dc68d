// im2col and col2im for 2-d images (NCHW), float and double.
//
// col has shape (N, C*kh*kw, OH*OW):
//   col[n, (c, i, j), (oh, ow)] = x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]  (0 in padding)
// im2col: one thread per element of col.
// col2im: one thread per pixel of x, summing every col entry that was read from it
//         (the adjoint of im2col; a gather, so no atomics are needed).

template <typename T>
__device__ void im2col_body(const T* __restrict__ x, T* __restrict__ col, long long total,
                            int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw,
                            int dh, int dw, int OH, int OW) {
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long step = (long long)blockDim.x * gridDim.x;
    for (; idx < total; idx += step) {
        long long t = idx;
        int ow = (int)(t % OW); t /= OW;
        int oh = (int)(t % OH); t /= OH;
        int j = (int)(t % kw); t /= kw;
        int i = (int)(t % kh); t /= kh;
        int c = (int)(t % C); t /= C;
        long long n = t;
        int h = oh * sh - ph + i * dh;
        int w = ow * sw - pw + j * dw;
        T v = 0;
        if (h >= 0 && h < H && w >= 0 && w < W)
            v = x[((n * C + c) * H + h) * (long long)W + w];
        col[idx] = v;
    }
}

template <typename T>
__device__ void col2im_body(const T* __restrict__ col, T* __restrict__ x, long long total,
                            int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw,
                            int dh, int dw, int OH, int OW) {
    long long idx = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long step = (long long)blockDim.x * gridDim.x;
    long long K = (long long)C * kh * kw;
    long long L = (long long)OH * OW;
    for (; idx < total; idx += step) {
        long long t = idx;
        int w = (int)(t % W); t /= W;
        int h = (int)(t % H); t /= H;
        int c = (int)(t % C); t /= C;
        long long n = t;
        T acc = 0;
        for (int i = 0; i < kh; ++i) {
            int hh = h + ph - i * dh;          // = oh * sh
            if (hh < 0 || hh % sh != 0) continue;
            int oh = hh / sh;
            if (oh >= OH) continue;
            for (int j = 0; j < kw; ++j) {
                int ww = w + pw - j * dw;      // = ow * sw
                if (ww < 0 || ww % sw != 0) continue;
                int ow = ww / sw;
                if (ow >= OW) continue;
                long long krow = ((long long)c * kh + i) * kw + j;
                acc += col[(n * K + krow) * L + (long long)oh * OW + ow];
            }
        }
        x[idx] = acc;
    }
}

#define IM2COL_ARGS long long total, int C, int H, int W, int kh, int kw, int sh, int sw, \
                    int ph, int pw, int dh, int dw, int OH, int OW
#define IM2COL_PASS total, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW

extern "C" __global__ void im2col_f32(const float* x, float* col, IM2COL_ARGS) {
    im2col_body<float>(x, col, IM2COL_PASS);
}
extern "C" __global__ void im2col_f64(const double* x, double* col, IM2COL_ARGS) {
    im2col_body<double>(x, col, IM2COL_PASS);
}
extern "C" __global__ void col2im_f32(const float* col, float* x, IM2COL_ARGS) {
    col2im_body<float>(col, x, IM2COL_PASS);
}
extern "C" __global__ void col2im_f64(const double* col, double* x, IM2COL_ARGS) {
    col2im_body<double>(col, x, IM2COL_PASS);
}
