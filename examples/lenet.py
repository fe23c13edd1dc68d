"""LeNet-5 on MNIST or Fashion-MNIST.

Recipe (the defaults): conv 1->6 5x5 pad 2, ReLU, max-pool 2, conv 6->16 5x5, ReLU,
max-pool 2, then fully connected 400-120-84-10 with ReLU; cross-entropy, Adam lr 1e-3,
batch 64; pixels scaled to [0, 1] then normalized by the training set's mean and std.
Default epochs: 10 for MNIST, 5 for Fashion-MNIST.

Examples:
    python examples/lenet.py                                  # MNIST (downloads it if needed)
    python examples/lenet.py --dataset fashion-mnist
    python examples/lenet.py --data-dir ../shared/data/mnist-t10k --split-test-set
    python examples/lenet.py --limit 512 --epochs 2           # a seconds-long smoke run

Writes what mnist_mlp.py writes (metrics.json, curves, confusion matrix, misclassified
samples, checkpoint.pt) and also OUT/feature_maps.png (the first conv layer's 6 output
maps for one test image) and OUT/filters.png (its 6 learned 5x5 kernels). OUT defaults
to runs/lenet.
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import minitorch.nn as nn  # noqa: E402
from minitorch import optim, viz  # noqa: E402

from common import get_device, set_seed  # noqa: E402
from mnist_mlp import parse_args, run  # noqa: E402


class LeNet(nn.Module):
    """LeNet-5 with ReLU and max pooling (the modern variant d2l and the course use)."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2)   # 1x28x28 -> 6x28x28
        self.pool1 = nn.MaxPool2d(2)                             #         -> 6x14x14
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)             #         -> 16x10x10
        self.pool2 = nn.MaxPool2d(2)                             #         -> 16x5x5
        self.flatten = nn.Flatten()                              #         -> 400
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = self.pool1(self.conv1(x).relu())
        x = self.pool2(self.conv2(x).relu())
        x = self.flatten(x)
        x = self.fc1(x).relu()
        x = self.fc2(x).relu()
        return self.fc3(x)


def conv_plots(model, test_ds, out):
    """The first conv layer's feature maps for test image 0, and its filters."""
    image, label = test_ds[0]
    image = image.unsqueeze(0).to(model.conv1.weight.device)                  # (1, 1, 28, 28)
    maps = viz.capture_feature_maps(model, model.conv1, image)                # (1, 6, 28, 28)
    return [viz.plot_feature_maps(maps[0], os.path.join(out, "feature_maps.png"),
                                  nrow=6, title=f"conv1 feature maps (test image 0, "
                                                f"label {int(label)})"),
            viz.plot_filters(model.conv1.weight, os.path.join(out, "filters.png"),
                             nrow=6, title="conv1 filters (5x5)")]


def main(argv=None):
    args = parse_args(argv, description=__doc__, batch_size=64, lr=1e-3)
    if args.epochs is None:
        args.epochs = 5 if args.dataset == "fashion-mnist" else 10
    set_seed(args.seed)
    device = get_device(args.device)
    model = LeNet().to(device)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    run(args, model, optimizer, device, __file__, extra_plots=conv_plots)


if __name__ == "__main__":
    main()
