"""The platform builds no feature app in: no platform module imports one
(docs/architecture.md, "No project or platform module imports a feature
app"). A feature app reaches the platform through registries and settings."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ("accounts", "audit", "cse_team", "notifications", "outbox", "sharing")
FEATURE_APPS = {"referrals", "intelligence", "mase", "training"}


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("package", PLATFORM)
def test_no_platform_module_imports_a_feature_app(package):
    offending = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in FEATURE_APPS
    ]
    assert offending == []


def test_the_check_sees_an_import(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("def f():\n    from referrals.models import Referral\n")
    assert list(imported_modules(planted)) == ["referrals.models"]
