import os

import pytest
from hypothesis import settings

from webapp import create_app

# CI explores the same examples every run, so a landing never hangs on a lucky draw; a
# developer's runs keep drawing new ones (and replay any failure from .hypothesis/).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()
