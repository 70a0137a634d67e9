"""`pip install .` gives an application: the `backprop-visualizer` command, with its templates and static files."""

import http.client
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_server import free_port
from webapp import ROOT

SOURCES = ["pyproject.toml", "requirements.txt", "webapp", "templates", "static"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The project installed into a folder of its own (its dependencies are this environment's)."""
    source, target = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("installed")
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    subprocess.run([*command, "--target", str(target), str(source)], check=True, timeout=300)
    return target


def test_the_command_serves_the_page_and_its_files_from_the_installed_package(installed, tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(installed)}
    script = installed / "bin" / "backprop-visualizer"
    with subprocess.Popen([sys.executable, str(script), "--port", str(port)], cwd=tmp_path, env=env) as server:
        try:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, f"the command exited with {server.returncode}"
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    connection.request("GET", "/")
                    response = connection.getresponse()
                    page = response.read().decode()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the command did not start"
                    time.sleep(0.2)
            assert response.status == 200 and "Backprop Visualizer" in page
            script_url = page.split('src="', 1)[1].split('"', 1)[0]
            connection.request("GET", script_url)
            assert connection.getresponse().status == 200
            connection.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_the_command_has_the_options_of_python_m_webapp(installed):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    script = installed / "bin" / "backprop-visualizer"
    installed_help = subprocess.run([sys.executable, str(script), "--help"], env=env, capture_output=True, text=True)
    module_help = subprocess.run([sys.executable, "-m", "webapp", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert installed_help.returncode == 0
    assert installed_help.stdout == module_help.stdout
    assert "webapp" in str(
        Path(
            subprocess.run(
                [sys.executable, "-c", "import webapp; print(webapp.FILES)"],
                env=env,
                cwd=installed,
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
    )
