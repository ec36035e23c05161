"""Bytes on disk <-> text the rules see, keeping encoding details, and atomic writes."""
from __future__ import annotations

import codecs
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


class InputError(Exception):
    """A file that fixer will not process (binary, not UTF-8, too large...)."""


@dataclass(frozen=True)
class Decoded:
    text: str  # newlines normalised to "\n" when the file used CRLF throughout
    bom: bool
    crlf: bool

    def encode(self, text: str) -> bytes:
        if self.crlf:
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        return codecs.BOM_UTF8 + data if self.bom else data


def decode(data: bytes, max_size: int | None = None) -> Decoded:
    if max_size is not None and len(data) > max_size:
        raise InputError(f"file is larger than the {max_size}-byte limit ({len(data)} bytes)")
    if b"\0" in data:
        raise InputError("binary file (contains NUL bytes)")
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data[len(codecs.BOM_UTF8):].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 (byte {exc.start}: {exc.reason})") from None
    lf_only = text.count("\n") - text.count("\r\n")
    crlf = "\r\n" in text and lf_only == 0
    if crlf:
        text = text.replace("\r\n", "\n")
    return Decoded(text, bom, crlf)


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temp file in the same directory and rename, keeping the file mode."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".fixer-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
