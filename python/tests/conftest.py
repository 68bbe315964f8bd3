import os

import numpy as np
import pytest


@pytest.fixture(scope="session")
def libbce():
    import libbce as m
    return m


@pytest.fixture(scope="session")
def source_root():
    root = os.environ.get("LIBBCE_TEST_SOURCE_ROOT")
    if not root:
        root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    return root


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
