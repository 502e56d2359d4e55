"""Files into the store: read, map headers, parse French formats, validate, write all or nothing."""

from sop_core.imports.checking import FileToImport
from sop_core.imports.ingest import ImportOutcome, empty_store, import_files, import_history
from sop_core.imports.mapping import ColumnMapping, MappingError, load_mapping, mapping_from_choices
from sop_core.imports.preview import preview_file

__all__ = [
    "ColumnMapping",
    "FileToImport",
    "ImportOutcome",
    "MappingError",
    "empty_store",
    "import_files",
    "import_history",
    "load_mapping",
    "mapping_from_choices",
    "preview_file",
]
