"""Converters and watch folders: files dropped by test stations become queued reports.

See ``docs/converters.md``. Main entry points: :class:`ConverterSubsystem` (the service
component), :class:`Converter` (the contract a converter meets), :func:`load_registry`.
"""

from pywats_client.converters.base import (
    ConversionError,
    ConversionTimeoutError,
    Converter,
    ConverterError,
    ConverterLoadError,
    ConverterNotFoundError,
    SourceFile,
)
from pywats_client.converters.registry import (
    ENTRY_POINT_GROUP,
    ConverterRegistry,
    ConverterSpec,
    LoadedConverter,
    load_registry,
)
from pywats_client.converters.settings import (
    ConvertersSettings,
    FolderSettings,
    settings_from_client_config,
)
from pywats_client.converters.subsystem import ConverterSubsystem

__all__ = [
    "ENTRY_POINT_GROUP",
    "ConversionError",
    "ConversionTimeoutError",
    "Converter",
    "ConverterError",
    "ConverterLoadError",
    "ConverterNotFoundError",
    "ConverterRegistry",
    "ConverterSpec",
    "ConverterSubsystem",
    "ConvertersSettings",
    "FolderSettings",
    "LoadedConverter",
    "SourceFile",
    "load_registry",
    "settings_from_client_config",
]
