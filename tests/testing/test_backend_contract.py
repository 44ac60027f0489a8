"""The built-in backends pass :class:`candlescan.testing.BackendContract`, the suite a
third-party backend plugin runs to prove itself; and a plugin backend is found by name."""

from __future__ import annotations

import pytest

from candlescan import InvalidJobError, PluginRegistry, hookimpl
from candlescan.backends import (
    BackendSpec,
    DaskBackend,
    ProcessBackend,
    SerialBackend,
    ThreadBackend,
    make_backend,
)
from candlescan.testing import BackendContract


class TestProcessBackend(BackendContract):
    @pytest.fixture
    def make_backend(self):
        return ProcessBackend


class TestThreadBackend(BackendContract):
    isolates_crashes = False  # a crash takes the whole process down
    stops_hangs = False  # a hung thread cannot be stopped

    @pytest.fixture
    def make_backend(self):
        return ThreadBackend


class TestSerialBackend(BackendContract):
    isolates_crashes = False
    stops_hangs = False

    @pytest.fixture
    def make_backend(self):
        return SerialBackend


@pytest.mark.slow
class TestDaskBackend(BackendContract):
    @pytest.fixture
    def make_backend(self):
        distributed = pytest.importorskip("distributed")
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield lambda max_workers: DaskBackend(client=client)


class _Plugin:
    @hookimpl
    def candlescan_register_backends(self):
        return [BackendSpec("inline", "candlescan.backends:SerialBackend", "one by one")]


def test_a_plugin_backend_is_found_by_name() -> None:
    registry = PluginRegistry(entrypoints=False)
    registry.register(_Plugin(), name="inline-backend")
    assert [spec.name for spec in registry.backends] == ["inline"]
    assert registry.backends[0].plugin == "inline-backend"
    assert isinstance(make_backend("inline", 2, registry=registry), SerialBackend)
    with pytest.raises(InvalidJobError, match=r"unknown backend 'gpu'.*inline"):
        make_backend("gpu", 2, registry=registry)


class _BadPlugin:
    @hookimpl
    def candlescan_register_backends(self):
        return [BackendSpec("broken", "builtins:str")]


def test_a_plugin_backend_that_is_not_a_backend_is_refused() -> None:
    from candlescan import PluginError

    registry = PluginRegistry(entrypoints=False)
    registry.register(_BadPlugin(), name="bad-backend")
    with pytest.raises(PluginError, match=r"not a candlescan\.backends\.Backend"):
        make_backend("broken", 2, registry=registry)
