"""``minitorch.utils.model_zoo``: the old name of the hub's weight loader
(``load_url`` is ``minitorch.hub.load_state_dict_from_url``: read from the hub cache,
never downloaded)."""
from ..hub import load_state_dict_from_url as load_url

__all__ = ["load_url"]
