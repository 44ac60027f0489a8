"""PluginRegistry: built-ins, third-party plugins, and the errors bad plugins get."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from candlescan import Catalogue, PluginError, PluginRegistry
from candlescan.registry.refs import reference_of, resolve
from tests.plugins import sample_plugins


def bare_registry() -> PluginRegistry:
    return PluginRegistry(builtins=False, entrypoints=False)


def test_registry_owns_a_fresh_manager_each_time() -> None:
    first, second = bare_registry(), bare_registry()
    first.register(sample_plugins.ThirdPartyPlugin(), name="third")
    assert "third" in first.plugin_names()
    assert "third" not in second.plugin_names()


def test_builtins_are_ordinary_named_plugins() -> None:
    registry = PluginRegistry(entrypoints=False)
    assert registry.plugin_names()[:3] == (
        "candlescan.plugins.indicators",
        "candlescan.plugins.sources",
        "candlescan.plugins.presets",
    )


def test_blocked_builtin_is_not_loaded() -> None:
    registry = PluginRegistry(entrypoints=False, blocked=["candlescan.plugins.presets"])
    assert "candlescan.plugins.presets" not in registry.plugin_names()


def test_third_party_indicator_appears_in_the_catalogue() -> None:
    registry = bare_registry()
    registry.register(sample_plugins.ThirdPartyPlugin(), name="third")
    spec = registry.catalogue.indicator("spread")
    assert spec.plugin == "third"
    assert spec.inputs == ("high", "low")
    assert spec.kernel_ref == "tests.plugins.sample_plugins:spread"
    assert spec.lookback(timeperiod=3) == 2
    high, low = np.array([3.0, 4.0, 5.0]), np.array([1.0, 1.0, 1.0])
    np.testing.assert_allclose(spec.kernel()(high, low, timeperiod=2), [np.nan, 2.5, 3.5])
    assert registry.catalogue.preset("wide-spread").formula == "spread(5) > 2"


def test_catalogue_is_rebuilt_after_registration() -> None:
    registry = bare_registry()
    assert registry.catalogue.indicators == ()
    registry.register(sample_plugins.ThirdPartyPlugin(), name="third")
    assert "spread" in registry.catalogue.indicator_names
    registry.unregister("third")
    assert registry.catalogue.indicators == ()


def test_catalogue_pickles_and_answers_lookups_after_unpickling() -> None:
    registry = bare_registry()
    registry.register(sample_plugins.ThirdPartyPlugin(), name="third")
    clone = pickle.loads(pickle.dumps(registry.catalogue))
    assert isinstance(clone, Catalogue)
    assert clone == registry.catalogue
    assert clone.indicator("double").param("factor").default == 2.0


def test_duplicate_indicator_names_fail_naming_both_plugins() -> None:
    registry = bare_registry()
    registry.register(sample_plugins.ThirdPartyPlugin(), name="first")
    registry.register(sample_plugins.DuplicateIndicatorPlugin(), name="second")
    with pytest.raises(PluginError, match=r"'spread' is registered twice.*'first'.*'second'"):
        _ = registry.catalogue


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (sample_plugins.MainModuleRefPlugin(), "lives in __main__"),
        (sample_plugins.UnimportableRefPlugin(), "cannot import module"),
        (sample_plugins.RaisingPlugin(), "failed in candlescan_register_indicators.*exploded"),
        (sample_plugins.WrongTypePlugin(), "returned str .* expected IndicatorSpec"),
    ],
)
def test_bad_plugins_fail_loudly_at_catalogue_time(plugin: object, message: str) -> None:
    registry = bare_registry()
    registry.register(plugin, name="bad")
    with pytest.raises(PluginError, match=message):
        _ = registry.catalogue


def test_misspelled_hook_is_rejected_at_registration() -> None:
    with pytest.raises(PluginError, match="unknown hook 'candlescan_register_indicatorz'"):
        bare_registry().register(sample_plugins.TypoHookPlugin(), name="typo")


def test_unknown_source_lists_known_schemes() -> None:
    with pytest.raises(PluginError, match="unknown data source 'nosuch'"):
        bare_registry().open_source("nosuch:/x")


def test_reference_of_rejects_lambdas_closures_and_main() -> None:
    def closure() -> None: ...

    with pytest.raises(PluginError, match="lambda or closure"):
        reference_of(lambda: None)
    with pytest.raises(PluginError, match="lambda or closure"):
        reference_of(closure)
    fake_main = type("Fake", (), {"__module__": "__main__", "__qualname__": "Fake"})
    with pytest.raises(PluginError, match="__main__"):
        reference_of(fake_main)


def test_reference_round_trip() -> None:
    ref = reference_of(sample_plugins.spread)
    assert ref == "tests.plugins.sample_plugins:spread"
    assert resolve(ref) is sample_plugins.spread


@pytest.mark.parametrize("ref", ["nocolon", ":x", "tests.plugins.sample_plugins:nothing_here"])
def test_resolve_rejects_bad_references(ref: str) -> None:
    with pytest.raises(PluginError):
        resolve(ref)
