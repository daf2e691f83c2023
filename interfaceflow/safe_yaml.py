"""Safe YAML reading for every user file (recipes, ``--set`` values, store specs, HPC settings).

Only plain YAML is read (``yaml.safe_load``): a tag such as ``!!python/object`` never constructs an
object. The errors say which it was (a tag or a syntax problem) and where, in one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YAMLProblem(ValueError):
    """A YAML text that is not plain, safe YAML; ``str()`` is one line (what and where)."""


def safe_yaml(text: str, where: str) -> Any:
    """Parse ``text`` with the safe loader; raise :class:`YAMLProblem` naming ``where`` otherwise."""
    try:
        return yaml.safe_load(text)
    except yaml.constructor.ConstructorError as exc:
        tag = _tag_of(exc)
        raise YAMLProblem(
            f"{where}{_line(exc)} uses the YAML tag {tag}; tags are not allowed and nothing was executed; remove the tag"
        ) from None
    except yaml.YAMLError as exc:
        raise YAMLProblem(f"{where} is not valid YAML{_line(exc)} ({_problem(exc)}); fix the syntax") from None


def safe_yaml_file(path: str | Path) -> Any:
    """Read and safely parse the YAML file ``path``."""
    path = Path(path)
    return safe_yaml(path.read_text(), str(path))


def _line(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f" at line {mark.line + 1}" if mark is not None else ""


def _problem(exc: yaml.YAMLError) -> str:
    return " ".join(str(getattr(exc, "problem", None) or type(exc).__name__).split())


def _tag_of(exc: yaml.constructor.ConstructorError) -> str:
    problem = str(exc.problem or "")
    start = problem.find("'")
    tag = problem[start + 1:problem.find("'", start + 1)] if start >= 0 else ""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag or "(unknown)"


def key_value_overrides(items: list[str] | None, example: str) -> dict[str, Any]:
    """``["key=value", ...]`` (values parsed as safe YAML) as a dict; YAMLProblem on a bad item."""
    given: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise YAMLProblem(f"--set '{item}' is not of the form key=value (e.g. {example})")
        given[key.strip()] = safe_yaml(value, f"--set {key.strip()}") if value.strip() else None
    return given
