"""Image classification from uint8 pixels: a synthetic 4-class dataset of 12x12 RGB
images stored as uint8 (HWC), converted with .permute/.float()/255 and normalised per
channel; a CNN whose stem is lazy (LazyConv2d/LazyBatchNorm2d, materialised by a dry
run), ReLU/MaxPool2d, a ResNet basic block with a 1x1 downsampling shortcut,
AdaptiveAvgPool2d, Dropout, kaiming init through model.apply, SGD with momentum and
weight decay; model.train()/model.eval() switch BatchNorm and Dropout."""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

COMPARE = {"train_acc": ("abs", 0.1), "test_acc": ("abs", 0.1), "final_loss": ("abs", 0.05),
           "pixel_dtype": ("exact", None), "input_stats": ("rel", 1e-4),
           "eval_deterministic": ("exact", None), "n_params": ("exact", None),
           "bn_buffers": ("exact", None), "lazy_became": ("exact", None)}

torch.manual_seed(0)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
rng = np.random.default_rng(0)


def make_images(n):
    labels = rng.integers(0, 4, size=n)
    imgs = rng.integers(0, 60, size=(n, 12, 12, 3)).astype(np.uint8)
    for img, lab in zip(imgs, labels):
        if lab == 0:
            img[2:10, 5:7, 0] += 180      # red vertical bar
        elif lab == 1:
            img[5:7, 2:10, 1] += 180      # green horizontal bar
        elif lab == 2:
            img[3:9, 3:9, 2] += 150       # blue square
        else:
            np.fill_diagonal(img[:, :, 0], 250)
    return torch.from_numpy(imgs), torch.from_numpy(labels)


train_u8, train_y = make_images(512)
test_u8, test_y = make_images(256)
to_float = lambda u8: u8.permute(0, 3, 1, 2).float() / 255.0
mean = to_float(train_u8).mean(dim=(0, 2, 3), keepdim=True)
std = to_float(train_u8).std(dim=(0, 2, 3), keepdim=True)
normalize = lambda u8: (to_float(u8) - mean) / std


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class Net(nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.stem = nn.Sequential(nn.LazyConv2d(8, 3, padding=1), nn.LazyBatchNorm2d(),
                                  nn.ReLU(inplace=True), nn.MaxPool2d(2))
        self.layer = BasicBlock(8, 16, stride=2)
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(0.25)
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.layer(self.stem(x))
        x = torch.flatten(self.pool(x), 1)
        return self.fc(self.dropout(x))


def init_weights(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.constant_(m.weight, 1)
        nn.init.constant_(m.bias, 0)


model = Net()
model(torch.zeros(2, 3, 12, 12))  # dry run: materialise the lazy stem
model.apply(init_weights)
loader = DataLoader(TensorDataset(train_u8, train_y), batch_size=64, shuffle=True)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
criterion = nn.CrossEntropyLoss()
for epoch in range(4):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(normalize(xb)), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.size(0)
    print(f"epoch {epoch} loss {total / len(loader.dataset):.4f}")


def evaluate(u8, y):
    model.eval()
    with torch.no_grad():
        return (model(normalize(u8)).argmax(1) == y).float().mean().item()


with torch.no_grad():
    model.eval()
    same = torch.equal(model(normalize(test_u8[:8])), model(normalize(test_u8[:8])))
sd = model.state_dict()
print("RESULT " + json.dumps({
    "train_acc": evaluate(train_u8, train_y), "test_acc": evaluate(test_u8, test_y),
    "final_loss": total / len(loader.dataset), "pixel_dtype": str(train_u8.dtype).split(".")[1],
    "input_stats": mean.flatten().tolist() + std.flatten().tolist(),
    "eval_deterministic": bool(same), "n_params": sum(p.numel() for p in model.parameters()),
    "lazy_became": [type(model.stem[0]).__name__, type(model.stem[1]).__name__],
    "bn_buffers": sorted(k for k in sd if "running" in k or "num_batches" in k)}))
