"""Inspecting the autograd graph the way visualisers (torchviz-style) and tutorials do:
grad_fn and its next_functions walked breadth-first to count and name nodes,
AccumulateGrad leaves and their .variable, is_leaf / requires_grad / retain_grad() on
intermediates, grad accumulation across two backward calls, retain_graph=True,
backward(gradient=...) on a non-scalar, and the error for a second backward through a
freed graph."""
import json

import torch
import torch.nn as nn

COMPARE = {"node_names": ("exact", None), "first_next": ("exact", None), "leaf_flags": ("exact", None),
           "retained": ("rel", 1e-6), "accumulated": ("rel", 1e-6), "vector_backward": ("rel", 1e-6),
           "second_backward_error": ("exact", None), "variable_is_param": ("exact", None),
           "mul_name": ("exact", None)}

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
c = a * b
c.retain_grad()
d = (2 * b + c).sum()


def walk(fn):
    names, seen, queue = [], set(), [fn]
    while queue:
        node = queue.pop(0)
        if node is None or node in seen:
            continue
        seen.add(node)
        names.append(type(node).__name__)
        queue.extend(n for n, _ in node.next_functions)
    return names


node_names = walk(d.grad_fn)
first_next = [type(n).__name__ for n, _ in (2 * b).grad_fn.next_functions]
leaf_flags = [a.is_leaf, c.is_leaf, d.is_leaf, c.requires_grad, (a.detach() * 2).requires_grad,
              a.grad_fn is None, d.grad_fn is not None]
d.backward(retain_graph=True)
retained = c.grad.tolist() + a.grad.tolist()
d.backward()
accumulated = a.grad.tolist() + b.grad.tolist()
try:
    d.backward()
    second_backward_error = "no error"
except RuntimeError as e:
    second_backward_error = "second time" in str(e) or "freed" in str(e)

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x ** 2
y.backward(gradient=torch.tensor([1.0, 0.1, 0.01]))

layer = nn.Linear(2, 1)
out = layer(torch.ones(1, 2)).sum()
accs = []
queue = [out.grad_fn]
while queue:
    node = queue.pop()
    if node is None:
        continue
    if hasattr(node, "variable"):
        accs.append(node.variable)
    queue.extend(n for n, _ in node.next_functions)
variable_is_param = sorted(any(v is p for v in accs) for p in layer.parameters())
print(" <- ".join(node_names))
print("RESULT " + json.dumps({
    "node_names": node_names, "first_next": first_next, "leaf_flags": leaf_flags, "retained": retained,
    "accumulated": accumulated, "vector_backward": x.grad.tolist(),
    "second_backward_error": second_backward_error, "variable_is_param": variable_is_param,
    "mul_name": [(a * b).grad_fn.name(), str((a * b).grad_fn).split(" ")[0]]}))
