import pytest

from shnor_kg.config import SETTINGS, load_config
from shnor_kg.errors import BadParameter

from .conftest import ROOT


def test_defaults_environment_and_overrides_apply_in_order():
    config = load_config({"port": "6000"}, environ={"SHNOR_KG_PORT": "5500", "SHNOR_KG_QUERY_TIMEOUT": "2.5"})
    assert config.port == 6000
    assert config.query_timeout == 2.5
    assert config.row_limit == 10000


def test_a_niceness_out_of_range_is_refused():
    with pytest.raises(BadParameter, match="adhoc_nice: a CPU niceness is 0 to 19, not 20"):
        load_config({"adhoc_nice": "20"}, environ={})


def test_bad_value_names_the_setting():
    with pytest.raises(BadParameter, match="row_limit"):
        load_config(environ={"SHNOR_KG_ROW_LIMIT": "many"})


def test_unknown_setting_is_refused():
    with pytest.raises(BadParameter, match="unknown setting: colour"):
        load_config({"colour": "red"}, environ={})


def test_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in readme or f"SHNOR_KG_{s.name.upper()}" not in readme]
    assert missing == []
