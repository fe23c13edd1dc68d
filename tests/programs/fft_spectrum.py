"""Signal processing as scientific code writes it: torch.fft.rfft spectra with rfftfreq to
find the dominant frequencies of a sampled signal, an irfft round trip, and a Hann-windowed
power spectrum."""
import json
import math

import torch

COMPARE = {"peak_hz": ("exact", None), "irfft_err": ("abs", 1e-5), "power": ("rel", 1e-4)}
# what minitorch cannot do yet (tests/programs/README.md, "Known gaps")
KNOWN_GAP = "minitorch has no complex dtypes, so no torch.fft"

fs = 64
t = torch.arange(0, 2, 1 / fs)
signal = torch.sin(2 * math.pi * 5 * t) + 0.5 * torch.sin(2 * math.pi * 12 * t)
spec = torch.fft.rfft(signal)
freqs = torch.fft.rfftfreq(signal.numel(), d=1 / fs)
peak_hz = [freqs[spec.abs().argmax()].item(), freqs[spec.abs().topk(2).indices[1]].item(),
           str(spec.dtype).split(".")[-1]]
irfft_err = (torch.fft.irfft(spec, n=signal.numel()) - signal).abs().max().item()
window = torch.hann_window(signal.numel(), periodic=True)
power = (torch.fft.rfft(signal * window).abs() ** 2)[:16].tolist()
power = [p for p in power if p > 1e-3]

print(f"dominant frequencies: {peak_hz[0]:.1f} Hz and {peak_hz[1]:.1f} Hz")
print("RESULT " + json.dumps({"peak_hz": peak_hz, "irfft_err": irfft_err, "power": power}))
