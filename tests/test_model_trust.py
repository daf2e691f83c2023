"""Pickled model files load only from trusted places (plugin cache, trusted dirs, or opt-in).

The crafted file below runs ``Path.touch(marker)`` when unpickled, so the marker shows whether
interfaceflow unpickled it.
"""

from __future__ import annotations

import pathlib

import pytest

from interfaceflow.errors import PluginError
from interfaceflow.plugins import get_calculator, get_plugin
from interfaceflow.plugins.torch_compat import load_pickled_model, pickle_is_trusted
from interfaceflow.settings import get_settings


class _TouchOnLoad:
    """Unpickling this object calls ``Path.touch(marker)`` (what a malicious model could do)."""

    def __init__(self, marker: pathlib.Path):
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.marker),))


def crafted_model(folder: pathlib.Path, marker: pathlib.Path) -> pathlib.Path:
    """A ``.model`` file in ``folder`` whose unpickling creates ``marker``."""
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "crafted.model"
    torch.save(_TouchOnLoad(marker), path)
    return path


@pytest.fixture
def untrusted(monkeypatch):
    """No trusted directories, no blanket trust, and an empty mace cache."""
    monkeypatch.delenv("INTERFACEFLOW_TRUSTED_MODEL_DIRS", raising=False)
    monkeypatch.delenv("INTERFACEFLOW_TRUST_PICKLED_MODELS", raising=False)
    get_settings.cache_clear()


def trust(monkeypatch, *dirs: pathlib.Path) -> None:
    monkeypatch.setenv("INTERFACEFLOW_TRUSTED_MODEL_DIRS", ":".join(str(d) for d in dirs))
    get_settings.cache_clear()


def test_trust_defaults_are_off(untrusted):
    settings = get_settings()
    assert settings.trust_pickled_models is False and settings.trusted_model_dirs == []


def test_untrusted_pickle_is_refused_without_unpickling(tmp_path, untrusted):
    marker = tmp_path / "marker"
    path = crafted_model(tmp_path / "downloads", marker)
    with pytest.raises(PluginError) as info:
        load_pickled_model(path, "cpu")
    message = str(info.value)
    assert message == (
        f"refusing to unpickle {path.resolve()}: a pickled model runs code when loaded; trust it "
        f"with INTERFACEFLOW_TRUSTED_MODEL_DIRS={path.resolve().parent} "
        "(or INTERFACEFLOW_TRUST_PICKLED_MODELS=true)"
    )
    assert not marker.exists()


def test_refused_in_the_calculator_factory_used_by_preflight(tmp_path, untrusted):
    marker = tmp_path / "marker"
    path = crafted_model(tmp_path / "downloads", marker)
    with pytest.raises(PluginError, match="refusing to unpickle"):
        get_calculator("mace", str(path), device="cpu", dtype="float64")
    assert not marker.exists()


def test_trusted_dir_lets_the_loader_proceed(tmp_path, untrusted, monkeypatch):
    marker = tmp_path / "marker"
    path = crafted_model(tmp_path / "mine", marker)
    trust(monkeypatch, tmp_path / "elsewhere", tmp_path / "mine")
    with pytest.raises(PluginError, match="is not a readable MACE model .*holds a NoneType"):
        load_pickled_model(path, "cpu")  # unpickled: the payload ran, then the type check refused
    assert marker.exists()


def test_trusted_parent_dir_covers_subfolders(tmp_path, untrusted, monkeypatch):
    path = crafted_model(tmp_path / "models" / "run1", tmp_path / "marker")
    trust(monkeypatch, tmp_path / "models")
    assert pickle_is_trusted(path)
    trust(monkeypatch, tmp_path / "models" / "run2")
    assert not pickle_is_trusted(path)


def test_blanket_trust_setting(tmp_path, untrusted, monkeypatch):
    marker = tmp_path / "marker"
    path = crafted_model(tmp_path / "anywhere", marker)
    monkeypatch.setenv("INTERFACEFLOW_TRUST_PICKLED_MODELS", "true")
    get_settings.cache_clear()
    with pytest.raises(PluginError, match="not a readable MACE model"):
        load_pickled_model(path, "cpu")
    assert marker.exists()


def test_symlinks_are_resolved_before_checking(tmp_path, untrusted, monkeypatch):
    outside = crafted_model(tmp_path / "outside", tmp_path / "marker")
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    (trusted / "link.model").symlink_to(outside)
    trust(monkeypatch, trusted)
    # a link inside the trusted dir to a file elsewhere is not enough
    assert not pickle_is_trusted(trusted / "link.model")
    with pytest.raises(PluginError, match=f"refusing to unpickle {outside.resolve()}"):
        load_pickled_model(trusted / "link.model", "cpu")
    assert not (tmp_path / "marker").exists()
    # the other way round: a link elsewhere to a file inside a trusted dir is trusted
    (tmp_path / "outside" / "back.model").symlink_to(trusted / "link.model")
    trust(monkeypatch, tmp_path / "outside")
    assert pickle_is_trusted(tmp_path / "outside" / "back.model")


@pytest.mark.parametrize("via", ["HOME", "XDG_CACHE_HOME"])
def test_files_in_the_mace_download_cache_are_trusted(tmp_path, untrusted, monkeypatch, via):
    if via == "HOME":
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        cache = tmp_path / "home" / ".cache" / "mace"
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        cache = tmp_path / "xdg" / "mace"
    plugin = get_plugin("mace")
    assert [d.resolve() for d in plugin.model_cache_dirs()] == [cache.resolve()]
    marker = tmp_path / "marker"
    path = crafted_model(cache, marker)
    assert not pickle_is_trusted(path)  # the cache is the plugin's, not a global trust
    assert pickle_is_trusted(path, plugin.model_cache_dirs())
    with pytest.raises(PluginError, match="not a readable MACE model"):
        plugin.create(str(path), "cpu", "float64")
    assert marker.exists()


def test_tiny_model_fixture_is_trusted_and_its_file_alone_is_not(tiny_mace_model_file, untrusted,
                                                                 monkeypatch):
    assert not pickle_is_trusted(tiny_mace_model_file)
    trust(monkeypatch, tiny_mace_model_file.parent)
    assert pickle_is_trusted(tiny_mace_model_file)


def test_a_torch_module_that_is_no_mace_model_is_one_line(tmp_path, monkeypatch):
    import torch

    path = tmp_path / "linear.model"
    torch.save(torch.nn.Linear(2, 2), path)
    trust(monkeypatch, tmp_path)
    with pytest.raises(PluginError, match="is not a readable MACE model .*Linear without r_max"):
        get_plugin("mace").create(str(path), "cpu", "float64")


def test_withdrawn_trust_is_not_bypassed_by_the_calculator_cache(tiny_mace_model, monkeypatch):
    handle = get_calculator("mace", str(tiny_mace_model), device="cpu", dtype="float64")
    assert get_calculator("mace", str(tiny_mace_model), device="cpu", dtype="float64") is handle
    monkeypatch.delenv("INTERFACEFLOW_TRUSTED_MODEL_DIRS")
    get_settings.cache_clear()
    with pytest.raises(PluginError, match="refusing to unpickle"):
        get_calculator("mace", str(tiny_mace_model), device="cpu", dtype="float64")
