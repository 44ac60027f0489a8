"""``synthetic``: deterministic random-walk OHLCV for any number of symbols and bars.

For tests, benchmarks and demos. ``--source synthetic:NxBARS[,seed=S][,start=DATE]
[,timeframe=TF]``, e.g. ``synthetic:2500x252`` is 2,500 symbols (``SYM0000`` ..
``SYM2499``) of 252 daily bars each, starting on the first business day on or after
2013-01-02; ``synthetic`` alone means ``100x252``.

Each symbol's series depends only on ``(seed, symbol number, bars, start, timeframe)``,
never on how many symbols the repository has, so ``SYM0007`` is the same series in a
10-symbol and in a 2,500-symbol repository. Series are generated on demand (microseconds
each) rather than stored, so a repository pickles to a few bytes.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

from candlescan.entities import Candles, DateRange, Timeframe
from candlescan.errors import DataSourceError, SymbolNotFoundError
from candlescan.plugins.sources._base import SeriesRepository, span_of

__all__ = ["SyntheticRepository", "synthetic_source"]

_PREFIX = "SYM"
_DEFAULT_ARGUMENT = "100x252"
_USAGE = "synthetic:NxBARS[,seed=S][,start=YYYY-MM-DD][,timeframe=TF], e.g. synthetic:2500x252"

# Daily log-return drift/volatility and intrabar shape, roughly a large-cap stock.
_DRIFT = 0.0003
_VOLATILITY = 0.02
_GAP = 0.005
_WICK = 0.01


class SyntheticRepository(SeriesRepository):
    """Geometric random-walk candles, the same for the same arguments on every machine.

    :param n_symbols: how many symbols (``SYM0000`` ..; wider numbers past 10,000).
    :param bars: bars per symbol.
    :param seed: changes every series.
    :param start: date of the first bar (rolled forward to a business day for daily,
        weekly and monthly bars).
    :param timeframe: bar size; daily bars are business days (Monday..Friday), intraday
        bars are consecutive (no trading sessions), weekly bars fall on the start's weekday,
        monthly bars on the first of each month.
    """

    _cache_series = False  # regenerating is cheaper than holding 2,500 series

    def __init__(
        self,
        n_symbols: int = 100,
        bars: int = 252,
        seed: int = 0,
        start: date | str = "2013-01-02",
        timeframe: Timeframe | str = Timeframe.D1,
    ) -> None:
        super().__init__()
        if int(n_symbols) < 1 or int(bars) < 1:
            raise DataSourceError(
                f"synthetic source needs at least 1 symbol and 1 bar, got {n_symbols}x{bars}"
            )
        self.n_symbols = int(n_symbols)
        self.bars = int(bars)
        self.seed = int(seed)
        try:
            self.start = np.datetime64(start, "D")
        except ValueError:
            raise DataSourceError(f"synthetic source: bad start date {start!r}") from None
        self.native_timeframe = Timeframe.parse(timeframe)
        self._width = max(4, len(str(self.n_symbols - 1)))

    def symbols(self) -> tuple[str, ...]:
        """``SYM0000`` .. in order (zero-padded, so numeric order is sorted order)."""
        return tuple(f"{_PREFIX}{i:0{self._width}d}" for i in range(self.n_symbols))

    def coverage(self) -> DateRange:
        """From the first to the last generated bar (the same for every symbol)."""
        stamps = self._timestamps()
        return span_of(stamps[0], stamps[-1])

    def describe(self) -> str:
        """The ``--source`` text that rebuilds this repository."""
        text = f"synthetic:{self.n_symbols}x{self.bars},seed={self.seed}"
        if self.start != np.datetime64("2013-01-02", "D"):
            text += f",start={self.start}"
        if self.native_timeframe is not Timeframe.D1:
            text += f",timeframe={self.native_timeframe.value}"
        return text

    def _number(self, symbol: str) -> int:
        digits = symbol[len(_PREFIX) :] if isinstance(symbol, str) else ""
        if (
            not symbol.startswith(_PREFIX)
            or len(digits) != self._width
            or not digits.isdigit()
            or int(digits) >= self.n_symbols
        ):
            raise SymbolNotFoundError(symbol, self.describe())
        return int(digits)

    def _load(self, symbol: str) -> Candles:
        number = self._number(symbol)
        rng = np.random.default_rng([self.seed, number])
        first = rng.uniform(10.0, 300.0)
        noise = rng.standard_normal((3, self.bars))
        close = first * np.exp(np.cumsum(_DRIFT + _VOLATILITY * noise[0]))
        previous = np.empty(self.bars)
        previous[0] = first
        previous[1:] = close[:-1]
        open_ = previous * np.exp(_GAP * noise[1])
        wicks = np.exp(_WICK * np.abs(noise[2]))
        # the high wick and the low wick share one draw: cheaper, and shape is not the point
        high = np.maximum(open_, close) * wicks
        low = np.minimum(open_, close) / wicks
        volume = np.floor(rng.lognormal(13.0, 0.5, self.bars))
        return Candles(symbol, self._timestamps(), open_, high, low, close, volume)

    def _timestamps(self) -> npt.NDArray[np.datetime64]:
        steps = np.arange(self.bars)
        tf = self.native_timeframe
        stamps: npt.NDArray[np.datetime64]
        if tf is Timeframe.D1:
            stamps = np.busday_offset(self.start, steps, roll="forward")
        elif tf is Timeframe.W1:
            stamps = np.busday_offset(self.start, 0, roll="forward") + 7 * steps
        elif tf is Timeframe.MO1:
            stamps = (self.start.astype("datetime64[M]") + steps).astype("datetime64[D]")
        else:
            unit = tf.numpy_unit.astype("timedelta64[ns]")
            stamps = self.start.astype("datetime64[ns]") + unit * steps
        return stamps


def parse_synthetic_argument(argument: str | None) -> dict[str, object]:
    """Keyword arguments of :class:`SyntheticRepository` for ``"NxBARS[,key=value...]"``."""
    text = (argument or _DEFAULT_ARGUMENT).strip()
    size, *options = [part.strip() for part in text.split(",")]
    count, sep, length = size.lower().partition("x")
    if not sep or not count.strip().isdigit() or not length.strip().isdigit():
        raise DataSourceError(f"bad synthetic source {text!r}; use {_USAGE}")
    kwargs: dict[str, object] = {"n_symbols": int(count), "bars": int(length)}
    for option in options:
        key, sep, value = option.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in {"seed", "start", "timeframe"}:
            raise DataSourceError(f"bad synthetic option {option!r}; use {_USAGE}")
        if key == "seed":
            try:
                kwargs["seed"] = int(value)
            except ValueError:
                raise DataSourceError(f"synthetic seed must be an integer, got {value!r}") from None
        elif key == "timeframe":
            try:
                kwargs["timeframe"] = Timeframe.parse(value)
            except ValueError as exc:
                raise DataSourceError(str(exc)) from None
        else:
            kwargs["start"] = value
    return kwargs


def synthetic_source(argument: str | None) -> SyntheticRepository:
    """Factory for ``--source synthetic:NxBARS[,seed=S][,start=DATE][,timeframe=TF]``."""
    return SyntheticRepository(**parse_synthetic_argument(argument))  # type: ignore[arg-type]
