"""A training config refuses values it would otherwise silently change or choke on later."""

import math

import pytest

from induct.wake_sleep import ConfigError, TrainConfig, load_config


@pytest.mark.parametrize("field, value", [
    ("batch_size", 3.7),          # would be read as 3
    ("iterations", "2.5"),
    ("seed", -1),                 # numpy's seeding refuses it only when the run starts
    ("timeout", math.nan),        # nan <= 0 is False, so nan once passed as positive
    ("test_timeout", math.inf),
    ("recognition_seconds", math.nan),
    ("structure_penalty", math.inf),
    ("search.timeout", math.inf),     # a training run's safety net must be finite
    ("search.max_frontier", 0),
    ("compression.max_arity", 4),     # training learns inventions of at most 3 arguments
    ("compression.pseudocounts", math.nan),
    ("recognition.learning_rate", -1e-3),
    ("recognition.dream_method", "guess"),
])
def test_bad_values_are_refused(field, value):
    with pytest.raises(ConfigError, match=field):
        TrainConfig().replace(**{field: value})


def test_integral_floats_are_still_integers():
    assert TrainConfig().replace(batch_size=4.0).batch_size == 4


def test_toml_float_for_an_integer_field_names_the_field(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[train]\nbatch_size = 3.7\n")
    with pytest.raises(ConfigError, match="batch_size"):
        load_config(path)


def test_non_utf8_config_is_a_config_error_naming_the_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"[train]\nseed = 1 # \xff\xfe\n")
    with pytest.raises(ConfigError, match="config.toml.*UTF-8"):
        load_config(path)
