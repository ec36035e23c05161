"""Bytes on disk <-> text the rules see, keeping encoding details (writes: fileguard.py)."""
from __future__ import annotations

import codecs
from dataclasses import dataclass


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


LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\n"
LFS_POINTER_MAX = 1024  # the Git LFS spec: a pointer file is smaller than this


def is_lfs_pointer(data: bytes) -> bool:
    return len(data) < LFS_POINTER_MAX and data.startswith(LFS_POINTER)


def decode(data: bytes, max_size: int | None = None) -> Decoded:
    if is_lfs_pointer(data):  # the content lives in LFS storage; fixer never smudges it in
        raise InputError("a Git LFS pointer, not the file's content: not checkable, left alone")
    if max_size is not None and len(data) > max_size:
        raise InputError(f"file is larger than the {max_size}-byte limit ({len(data)} bytes)")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("UTF-16/UTF-32 text (byte-order mark); fixer only edits UTF-8 files")
    if b"\0" in data:
        raise InputError("binary file (contains NUL bytes)")
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data[len(codecs.BOM_UTF8):].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 (byte {exc.start}: {exc.reason})") from None
    crlf = "\r\n" in text and text.count("\n") == text.count("\r\n")  # counted only where CRLF is found
    if crlf:
        text = text.replace("\r\n", "\n")
    return Decoded(text, bom, crlf)


def occurrences(text, word) -> list[int]:
    """Where `word` starts in `text` (str or bytes), overlaps included, found by literal search (a
    regex alternation would be tried at every position)."""
    found = []
    at = text.find(word)
    while at != -1:
        found.append(at)
        at = text.find(word, at + 1)
    return found
