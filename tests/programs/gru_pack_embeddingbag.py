"""Variable-length token sequences two ways. A GRU classifier: nn.Embedding(padding_idx=0)
(its row stays zero and gets no gradient), sequences embedded one by one and packed with
pack_sequence (enforce_sorted=True after sorting by length, and enforce_sorted=False),
a bidirectional GRU whose h_n[-2:] are concatenated, PackedSequence fields (data,
batch_sizes, sorted_indices, unsorted_indices), unpack_sequence and unpad_sequence.
A bag-of-words classifier: nn.EmbeddingBag(mode="mean") on a flat 1-D input with offsets,
mode="sum" with per_sample_weights, mode="max" on a 2-D input, padding_idx skipped in the
bag, and EmbeddingBag.from_pretrained / F.embedding_bag. Data and weights from seeded NumPy."""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence, pad_sequence, unpack_sequence, unpad_sequence

COMPARE = {"gru_losses": ("rel", 1e-4), "gru_acc": ("abs", 0.02), "bag_losses": ("rel", 1e-4),
           "bag_acc": ("abs", 0.02), "pad_row": ("exact", None), "packed": ("exact", None),
           "same_packed": ("abs", 1e-6), "unpacked": ("exact", None), "bag_checks": ("abs", 1e-6),
           "bag_shapes": ("exact", None)}

torch.manual_seed(0)
rng = np.random.default_rng(0)
V, PAD = 12, 0


def make_data(n):
    seqs, labels = [], []
    for _ in range(n):
        L = int(rng.integers(2, 10))
        s = rng.integers(1, V, size=L)
        seqs.append(torch.from_numpy(s))
        labels.append(int((s == 3).sum() > (s == 5).sum()))
    return seqs, torch.tensor(labels)


train_seqs, train_y = make_data(256)
test_seqs, test_y = make_data(200)


def numpy_init(model):
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            p.copy_(torch.from_numpy((0.3 * rng.standard_normal(p.shape)).astype(np.float32)))
            if name.endswith("emb.weight"):
                p[PAD].zero_()
    return model


class GRUClassifier(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.emb = nn.Embedding(V, 8, padding_idx=PAD)
        self.gru = nn.GRU(8, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, 2)

    def forward(self, seqs, enforce_sorted=False):
        packed = pack_sequence([self.emb(s) for s in seqs], enforce_sorted=enforce_sorted)
        out, h_n = self.gru(packed)
        return self.fc(torch.cat([h_n[-2], h_n[-1]], dim=1)), out


class BagClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.EmbeddingBag(V, 8, mode="mean", padding_idx=PAD)
        self.fc = nn.Linear(8, 2)

    def forward(self, text, offsets):
        return self.fc(self.emb(text, offsets))


def collate_batch(seqs):
    """The text-classification tutorial's collate: one flat tensor plus start offsets."""
    lengths = torch.tensor([len(s) for s in seqs])
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths[:-1]]).cumsum(dim=0)
    return torch.cat(seqs), offsets


gru = numpy_init(GRUClassifier())
bag = numpy_init(BagClassifier())
opt_gru = torch.optim.Adam(gru.parameters(), lr=1e-2)
opt_bag = torch.optim.SGD(bag.parameters(), lr=2.0)
gru_losses, bag_losses = [], []
for epoch in range(4):
    for i in range(0, 256, 32):
        seqs, yb = train_seqs[i:i + 32], train_y[i:i + 32]
        logits, _ = gru(seqs)
        loss = F.cross_entropy(logits, yb)
        opt_gru.zero_grad()
        loss.backward()
        opt_gru.step()
        gru_losses.append(loss.item())
        text, offsets = collate_batch(seqs)
        loss = F.cross_entropy(bag(text, offsets), yb)
        opt_bag.zero_grad()
        loss.backward()
        opt_bag.step()
        bag_losses.append(loss.item())
print(f"GRU loss {gru_losses[-1]:.4f}, bag loss {bag_losses[-1]:.4f}")

with torch.no_grad():
    gru_acc = (gru(test_seqs)[0].argmax(1) == test_y).float().mean().item()
    bag_acc = (bag(*collate_batch(test_seqs)).argmax(1) == test_y).float().mean().item()
    # sorted by decreasing length, enforce_sorted=True gives the same logits
    order = sorted(range(20), key=lambda i: -len(test_seqs[i]))
    sorted_logits, _ = gru([test_seqs[i] for i in order], enforce_sorted=True)
    unsorted_logits, out = gru(test_seqs[:20])
    same_packed = (sorted_logits - unsorted_logits[order]).abs().max().item()
    padded_out, lengths = pad_packed_sequence(out, batch_first=True)
    pieces = unpack_sequence(out)
    padded_in = pad_sequence(test_seqs[:5], batch_first=True, padding_value=PAD)
    unpadded = unpad_sequence(padded_in, torch.tensor([len(s) for s in test_seqs[:5]]), batch_first=True)

# the padding row: zero and never updated
pad_row = [gru.emb.weight[PAD].abs().sum().item(), bag.emb.weight[PAD].abs().sum().item()]
gru.zero_grad()
gru([torch.tensor([PAD, 3, 4]), torch.tensor([PAD, PAD])])[0].sum().backward()
pad_row.append(gru.emb.weight.grad[PAD].abs().sum().item())

# EmbeddingBag against hand computations
weights = torch.from_numpy(rng.standard_normal((V, 4)).astype(np.float32))
eb_sum = nn.EmbeddingBag.from_pretrained(weights, mode="sum")
eb_max = nn.EmbeddingBag.from_pretrained(weights, mode="max")
eb_mean_pad = nn.EmbeddingBag.from_pretrained(weights, mode="mean", padding_idx=PAD)
text = torch.tensor([1, 2, 3, 4, 5, 6, 0, 7])
offsets = torch.tensor([0, 3, 5])
psw = torch.tensor([0.5, 1.0, 2.0, 1.0, -1.0, 0.3, 0.7, 1.0])
summed = eb_sum(text, offsets, per_sample_weights=psw)
manual_sum = torch.stack([(weights[text[0:3]] * psw[0:3, None]).sum(0), (weights[text[3:5]] * psw[3:5, None]).sum(0),
                          (weights[text[5:]] * psw[5:, None]).sum(0)])
bags2d = torch.tensor([[1, 2, 3], [4, 4, 5]])
maxed = eb_max(bags2d)
mean_pad = eb_mean_pad(text, offsets)
manual_mean_pad = weights[torch.tensor([6, 7])].mean(0)          # the pad index is skipped
functional = F.embedding_bag(text, weights, offsets, mode="mean")
print("RESULT " + json.dumps({
    "gru_losses": gru_losses[::8] + [gru_losses[-1]], "gru_acc": gru_acc,
    "bag_losses": bag_losses[::8] + [bag_losses[-1]], "bag_acc": bag_acc, "pad_row": pad_row,
    "packed": [list(out.data.shape), out.batch_sizes.tolist(), lengths.tolist(), list(padded_out.shape),
               # the order among equal lengths is unspecified: check the permutation's properties
               bool((lengths[out.sorted_indices].diff() <= 0).all()),
               torch.equal(out.sorted_indices[out.unsorted_indices], torch.arange(20))],
    "same_packed": [same_packed, max((p - padded_out[i, :len(p)]).abs().max().item() for i, p in enumerate(pieces))],
    "unpacked": [[len(p) for p in pieces], [u.tolist() for u in unpadded] == [s.tolist() for s in test_seqs[:5]]],
    "bag_checks": [(summed - manual_sum).abs().max().item(), (maxed - torch.stack([weights[[1, 2, 3]].max(0).values,
                   weights[[4, 4, 5]].max(0).values])).abs().max().item(),
                   (mean_pad[2] - manual_mean_pad).abs().max().item(), mean_pad[0].tolist(),
                   (functional[1] - weights[[4, 5]].mean(0)).abs().max().item()],
    "bag_shapes": [list(summed.shape), list(maxed.shape), str(summed.dtype), eb_sum.weight.requires_grad,
                   eb_max.mode]}))
