"""Structural checks of the production-like deployment (no Docker engine needed)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

from settings import Settings
from workflows import search_attributes as sa

ROOT = Path(__file__).parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
ENV = dict(
    line.split("=", 1)
    for line in (ROOT / ".env").read_text().splitlines()
    if line and not line.startswith("#")
)
ONE_SHOT = {"temporal-schema", "temporal-namespace", "reporting-schema"}


def test_every_image_is_pinned_in_env() -> None:
    for name, service in COMPOSE["services"].items():
        if "image" not in service:
            assert service["build"] == ".", name
            continue
        image = service["image"]
        variables = re.findall(r"\$\{(\w+)\}", image)
        assert variables, f"{name}: {image} is not pinned through .env"
        for var in variables:
            assert ENV.get(var) and ENV[var] != "latest", f"{name}: {var}"
        assert "auto-setup" not in image


def test_every_long_running_service_has_a_healthcheck() -> None:
    for name, service in COMPOSE["services"].items():
        if name not in ONE_SHOT:
            assert "healthcheck" in service, name


def test_start_order_follows_health() -> None:
    services = COMPOSE["services"]
    assert services["temporal"]["depends_on"]["temporal-schema"]["condition"] == (
        "service_completed_successfully"
    )
    for app in ("worker", "api"):
        for step in ("temporal-namespace", "reporting-schema"):
            assert services[app]["depends_on"][step]["condition"] == (
                "service_completed_successfully"
            )
    assert "postgresql-data" in COMPOSE["volumes"]


def test_worker_and_api_get_every_setting_they_need() -> None:
    needed = {"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TASK_QUEUE"}
    worker_needs = needed | {
        "LOSING_OPERATOR_URL",
        "FIELD_SERVICE_URL",
        "NOTIFICATIONS_URL",
        "PAYMENTS_URL",
        "SUBSCRIBERS_URL",
        "OTS_HUB_URL",
    }
    assert {n.upper() for n in Settings.model_fields} >= worker_needs | {"API_TOKENS_FILE"}
    assert set(COMPOSE["services"]["worker"]["environment"]) >= worker_needs
    assert "WORKER_METRICS_ADDRESS" in COMPOSE["services"]["worker"]["environment"]
    assert set(COMPOSE["services"]["api"]["environment"]) >= needed | {"API_TOKENS_FILE"}


def test_namespace_step_registers_every_search_attribute() -> None:
    script = (ROOT / "deploy" / "create-namespace.sh").read_text()
    registered = set(re.findall(r"(\w+)=(KeywordList|Keyword|Int|Bool|Datetime)\b", script))
    flags = sa.cli_flags()[1::2]
    assert registered == {tuple(f.split("=")) for f in flags}


def test_dockerfile_installs_the_package_the_tests_use() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install ." in dockerfile
    copied = set(re.findall(r"^COPY (\S+)", dockerfile, flags=re.M))
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert {package.split(".")[0] for package in setuptools["packages"]} <= copied
    pyproject = (ROOT / "pyproject.toml").read_text()
    for module in ("worker", "settings", "connection", "stack"):
        assert f'"{module}"' in pyproject and f"{module}.py" in dockerfile


def test_the_package_list_covers_every_package_folder() -> None:
    """A package folder missing from pyproject's list is missing from every install (and from
    the image): `pip install .` would leave it out, and only an editable install would work."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    top = {package.split(".")[0] for package in setuptools["packages"]}
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for name in top
        for init in (ROOT / name).rglob("__init__.py")
    }
    assert folders == set(setuptools["packages"])


def test_every_setting_is_documented_in_the_readme() -> None:
    manual = (ROOT / "docs" / "operations.md").read_text()
    assert [f.upper() for f in Settings.model_fields if f"`{f.upper()}`" not in manual] == []
