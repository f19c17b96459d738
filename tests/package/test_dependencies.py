"""Pinned requirements, the dependency cache key, and installs for either Lambda architecture."""

from __future__ import annotations

import zipfile

import pytest

from tools.lambda_deps import (
    DependencyError,
    Target,
    cache_key,
    installed_dependencies,
    parse_requirements,
)
from tools.package import build_function_zip

from .conftest import FIXTURE

PINS = (FIXTURE / "requirements.txt").read_text()


def test_pins_parse_with_comments_extras_and_canonical_names():
    text = "# comment\nPydantic==2.14.4  # trailing\n\ntyping_extensions==4.16.0\nfoo[bar,baz]==1.0\n"
    assert parse_requirements(text) == {"pydantic": "2.14.4", "typing-extensions": "4.16.0", "foo": "1.0"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pydantic>=2\n", "line 1: 'pydantic>=2' is not pinned"),
        ("jmespath==1.0.1\npydantic\n", "line 2: 'pydantic' is not pinned"),
        ("-r other.txt\n", "is not pinned"),
        ("pkg @ https://example.com/pkg.whl\n", "is not pinned"),
        ("pydantic==2.14.4 ; python_version<'3.12'\n", "is not pinned"),
        ("pydantic==2.14.4\nPydantic==2.14.4\n", "line 2: Pydantic is pinned twice"),
    ],
)
def test_anything_but_exact_pins_is_refused(text, message):
    with pytest.raises(DependencyError) as error:
        parse_requirements(text)
    assert message in str(error.value)


def test_cache_key_ignores_comments_and_order_but_not_target():
    reordered = "\n".join(reversed(PINS.splitlines())) + "\n# another comment\n"
    assert cache_key(PINS, Target()) == cache_key(reordered, Target())
    keys = {
        cache_key(PINS, Target()),
        cache_key(PINS, Target(architecture="arm64")),
        cache_key(PINS, Target(python_version="3.12")),
        cache_key(PINS.replace("jmespath==1.0.1", "jmespath==1.0.0"), Target()),
    }
    assert len(keys) == 4
    assert cache_key(PINS, Target()).startswith("cp313-x86_64-")


def test_platform_tags():
    assert Target().platform_tag == "manylinux2014_x86_64"
    assert Target(architecture="arm64").platform_tag == "manylinux2014_aarch64"
    with pytest.raises(DependencyError, match="unknown architecture 'riscv'"):
        _ = Target(architecture="riscv").platform_tag


def test_no_requirements_is_an_empty_tree(tmp_path):
    site = installed_dependencies("", Target(), tmp_path)
    assert site.is_dir() and not any(site.iterdir())


def test_an_unpinned_transitive_dependency_is_named(tmp_path):
    with pytest.raises(DependencyError) as error:
        installed_dependencies("typing-inspection==0.4.5\n", Target(), tmp_path)
    assert "without a pin" in str(error.value) and "typing-extensions==4.16.0" in str(error.value)
    assert not any(tmp_path.iterdir()), "a failed install leaves nothing in the cache"


def test_arm64_build_takes_the_aarch64_wheel(tmp_path):
    # The repository's cache keeps arm64 apart by key, so this installs once per checkout.
    built = build_function_zip(FIXTURE, tmp_path / "out", target=Target(architecture="arm64"))
    with zipfile.ZipFile(built.path) as archive:
        extensions = [n for n in archive.namelist() if n.startswith("pydantic_core/_pydantic_core.")]
    assert extensions == ["pydantic_core/_pydantic_core.cpython-313-aarch64-linux-gnu.so"]
