"""(skeleton: being written)"""
__all__ = []
