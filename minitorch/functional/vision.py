"""interpolate (nearest, bilinear)."""

__all__ = []
