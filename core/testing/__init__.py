"""Contract test suites for third-party plugin authors.

Subclass a contract in your own test module (its name must start with ``Test`` so pytest
collects it) and provide the fixture it asks for; every check below then runs against
your plugin. This is how candlescan tests its own built-in sources and indicators.

Data source::

    import pytest
    from candlescan.testing import DataSourceContract

    class TestMySource(DataSourceContract):
        known_symbol = "AAPL"          # optional; default: the first symbol

        @pytest.fixture
        def repository(self):
            return MyRepository("/data/daily")

Indicator plugin::

    from candlescan.testing import IndicatorPluginContract
    import my_package.plugin

    class TestMyIndicators(IndicatorPluginContract):
        @pytest.fixture
        def plugin(self):
            return my_package.plugin   # a module or object with hook implementations

Backend plugin: subclass ``BackendContract`` (see :mod:`candlescan.testing.backends`).

This package imports :mod:`pytest`, a test-time dependency that candlescan itself does
not need; import it only from tests.
"""

from candlescan.testing.backends import BackendContract
from candlescan.testing.indicators import (
    IndicatorPluginContract,
    indicator_specs_of,
    random_ohlcv,
)
from candlescan.testing.sources import DataSourceContract

__all__ = [
    "BackendContract",
    "DataSourceContract",
    "IndicatorPluginContract",
    "indicator_specs_of",
    "random_ohlcv",
]
