"""TA-Lib-compatible indicator kernels compiled with Numba.

``candlescan.kernels.rsi(close, timeperiod=14)`` takes the same positional inputs,
parameter names and defaults as ``talib.RSI`` and returns the same numbers (within
1e-9 relative on finite data), NaN warm-up included. Unlike TA-Lib, an interior NaN
does not poison the rest of the series; see each kernel's Notes.

This package lives in the repository's ``kernels/`` folder.
"""

from candlescan.kernels import bands as _bands
from candlescan.kernels import channels as _channels
from candlescan.kernels import ma_oscillators as _ma_oscillators
from candlescan.kernels import macd_variants as _macd_variants
from candlescan.kernels import momentum as _momentum
from candlescan.kernels import oscillators as _oscillators
from candlescan.kernels import overlap as _overlap
from candlescan.kernels import price as _price
from candlescan.kernels import rolling as _rolling
from candlescan.kernels import signals as _signals
from candlescan.kernels import statistics as _statistics
from candlescan.kernels import stochastic as _stochastic
from candlescan.kernels import trend as _trend
from candlescan.kernels import volatility as _volatility
from candlescan.kernels import volume as _volume
from candlescan.kernels import volume_averages as _volume_averages
from candlescan.kernels._catalog import FAMILIES, all_kernels
from candlescan.kernels._config import cache_dir, cache_enabled, njit
from candlescan.kernels._meta import Kernel, KernelInfo, Param, as_input, indicator
from candlescan.kernels._warmup import FULL_HISTORY, decay_bars, is_full_history
from candlescan.kernels.bands import *  # noqa: F403
from candlescan.kernels.channels import *  # noqa: F403
from candlescan.kernels.ma_oscillators import *  # noqa: F403
from candlescan.kernels.macd_variants import *  # noqa: F403
from candlescan.kernels.momentum import *  # noqa: F403
from candlescan.kernels.oscillators import *  # noqa: F403
from candlescan.kernels.overlap import *  # noqa: F403
from candlescan.kernels.price import *  # noqa: F403
from candlescan.kernels.rolling import *  # noqa: F403
from candlescan.kernels.signals import *  # noqa: F403
from candlescan.kernels.statistics import *  # noqa: F403
from candlescan.kernels.stochastic import *  # noqa: F403
from candlescan.kernels.trend import *  # noqa: F403
from candlescan.kernels.volatility import *  # noqa: F403
from candlescan.kernels.volume import *  # noqa: F403
from candlescan.kernels.volume_averages import *  # noqa: F403

__all__ = [
    "FAMILIES",
    "FULL_HISTORY",
    "Kernel",
    "KernelInfo",
    "Param",
    "all_kernels",
    "as_input",
    "cache_dir",
    "cache_enabled",
    "decay_bars",
    "indicator",
    "is_full_history",
    "njit",
    *_overlap.__all__,
    *_bands.__all__,
    *_momentum.__all__,
    *_stochastic.__all__,
    *_macd_variants.__all__,
    *_ma_oscillators.__all__,
    *_trend.__all__,
    *_oscillators.__all__,
    *_volatility.__all__,
    *_channels.__all__,
    *_volume.__all__,
    *_volume_averages.__all__,
    *_price.__all__,
    *_rolling.__all__,
    *_statistics.__all__,
    *_signals.__all__,
]
