"""What an earlier run wrote, read back for ``--resume``: its items, its manifest, and which files it vouches for.

**The manifest** (``OUT.manifest.json`` beside CSV/JSONL tables; in a workbook, its custom document property
``indicatornlp.manifest``) is written last: the run's options (the language of the headers among them), each
input's fingerprint and status, and each table's row count (and, for files, its sha256), so that ``--resume``
refuses tables that do not belong together.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import ResumeError, printable
from ..readers import limits_in_force
from ._columns import TABLES

__all__ = ["MANIFEST_PROPERTY", "Existing", "fingerprint", "load_manifest", "sha256"]

MANIFEST_PROPERTY = "indicatornlp.manifest"
"""The workbook's custom document property that holds the manifest."""

_HINTS = {
    "lang": "give the same --lang as the run that wrote it (its headers are in that language), or run without --resume",
}


class Existing:
    """What an earlier run wrote: each table's items (as the writer reads them) and its manifest."""

    def __init__(self, tables: dict[str, list[Any]], manifest: dict[str, Any] | None) -> None:
        self.tables = tables
        self.manifest = manifest

    def reusable(
        self,
        where: str,
        decode: Callable[[str, Any], dict[str, Any]],
        options: dict[str, Any],
        files: Sequence[str],
    ) -> tuple[set[str], dict[str, dict[str, list[Any]]]]:
        """The files to take over (their items by table), or ``ResumeError`` saying why none can be.

        Taken over: files written ``ok`` whose fingerprint (size, modification time, sha256) is unchanged.
        ``decode(table, item)`` gives an item's values by column.
        """
        manifest = self.manifest
        if manifest is None:
            raise ResumeError(
                where,
                "has no manifest: it was written by an older version or another program, or its run was stopped",
                hint="run without --resume",
            )
        old = manifest.get("options", {})
        for key in sorted(set(old) | set(options)):
            if old.get(key) != options.get(key):
                raise ResumeError(
                    where,
                    f"was written with {key} = {old.get(key)!r}, this run has {options.get(key)!r}",
                    hint=_HINTS.get(
                        key, "give the same options (--model/--no-model, --raw, --lang), or run without --resume"
                    ),
                )
        by_source: dict[str, dict[str, list[Any]]] = {}
        for table in TABLES:
            items = self.tables[table]
            recorded = manifest.get("tables", {}).get(table, {}).get("rows")
            if recorded != len(items):
                raise ResumeError(
                    where,
                    f"holds {len(items)} {table} rows where its manifest says {recorded}: the tables come from"
                    " different runs, or were changed by hand",
                    hint="run without --resume",
                )
            for item in items:
                source = str(decode(table, item).get("source") or "")
                by_source.setdefault(source, {t: [] for t in TABLES})[table].append(item)
        reuse: set[str] = set()
        inputs = {entry.get("source"): entry for entry in manifest.get("inputs", [])}
        for path in files:
            shown = printable(path)
            entry = inputs.get(shown)
            if not entry or entry.get("status") != "ok" or entry.get("fingerprint") != fingerprint(path):
                continue
            counts = {t: len(by_source.get(shown, {}).get(t, [])) for t in TABLES}
            if counts != entry.get("rows"):
                raise ResumeError(
                    where,
                    f"holds {counts} rows for {shown} where its manifest says {entry.get('rows')}",
                    hint="run without --resume",
                )
            reuse.add(path)
        return reuse, by_source


def fingerprint(path: str) -> dict[str, Any] | None:
    """The file's size, modification time (ns) and sha256, or ``None`` when it is not a regular file.

    A file over ``Limits.file_bytes`` (which no reader opens) is fingerprinted by size and time only.
    """
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    found: dict[str, Any] = {"size": info.st_size, "mtime_ns": info.st_mtime_ns, "sha256": None}
    if info.st_size <= limits_in_force().file_bytes:
        try:
            found["sha256"] = sha256(Path(path))
        except OSError:
            return found
    return found


def sha256(path: Path) -> str:
    """The file's sha256, read by blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_manifest(where: Path, text: str) -> dict[str, Any]:
    """The manifest as a dict, or ``ResumeError`` when it is not one."""
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as err:
        raise ResumeError(str(where), f"its manifest cannot be read ({err})", hint="run without --resume") from None
    if not isinstance(manifest, dict):
        raise ResumeError(str(where), "its manifest is not a JSON object", hint="run without --resume")
    return manifest
