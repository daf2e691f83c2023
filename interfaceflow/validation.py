"""Settings models from user input, with one-line errors (a bad key or value names the fix)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from interfaceflow.errors import AnalysisError, InterfaceflowError

SettingsModel = TypeVar("SettingsModel", bound=BaseModel)


def validated_settings(
    value: Any,
    model: type[SettingsModel],
    stage: str,
    error: type[InterfaceflowError] = AnalysisError,
) -> SettingsModel:
    """``value`` (a model or a mapping of its fields) as ``model``.

    A bad key or value raises ``error`` with one line naming the key and the allowed keys.
    """
    if isinstance(value, model):
        return value
    data = value.model_dump() if isinstance(value, BaseModel) else dict(value or {})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"]))
        if first["type"] == "extra_forbidden":
            raise error(f"unknown {stage} setting {where}; use {', '.join(model.model_fields)}") from None
        raise error(
            f"invalid {stage} setting {where}: {first['msg']} (got {first.get('input')!r})"
        ) from None
