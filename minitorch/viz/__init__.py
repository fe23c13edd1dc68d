"""minitorch.viz: pictures of training and of the autograd graph.

    from minitorch import viz        # or: import minitorch.viz
    viz.plot_curves(history, "out/curves.png")
    viz.plot_confusion_matrix(cm, "out/confusion.png", class_names=names)
    viz.plot_misclassified(x_test, y_test, logits, "out/misclassified.png")
    maps = viz.capture_feature_maps(model, model.conv1, x[:1])
    viz.plot_feature_maps(maps, "out/maps.png")
    viz.plot_filters(model.conv1.weight, "out/filters.png")
    viz.render_dot(viz.graph_to_dot(loss, dict(model.named_parameters())), "out/graph.svg")

Plots use matplotlib with its Agg canvas (files only, no window), imported on the first
plot, so importing this package is cheap. Every plot function takes a `path` (the format
from its suffix, PNG by default), creates the parent folders, writes to a temporary file
renamed into place, and returns the path. Inputs may be minitorch Tensors (any device),
NumPy arrays or lists.

For your own figures: ``fig = viz.new_figure(figsize)`` (an Agg Figure, no pyplot) and
``viz.save_figure(fig, path, "my_script")`` (atomic, the format from the suffix).

graph_to_dot needs nothing; render_dot needs the Graphviz `dot` program for images.
"""
from .plots import (plot_curves, plot_confusion_matrix, plot_misclassified,
                    capture_feature_maps, plot_feature_maps, plot_filters)
from .graph import graph_to_dot, render_dot, dot_available
from ._figure import new_figure, save_figure

__all__ = ["plot_curves", "plot_confusion_matrix", "plot_misclassified",
           "capture_feature_maps", "plot_feature_maps", "plot_filters",
           "graph_to_dot", "render_dot", "dot_available", "new_figure", "save_figure"]
