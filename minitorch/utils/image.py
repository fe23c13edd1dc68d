"""make_grid and save_image: feature maps and filters as PNG images."""

__all__ = []
