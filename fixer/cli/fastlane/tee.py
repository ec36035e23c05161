"""The normal run's output, kept as it goes out, for the fast lane to record."""
from __future__ import annotations


class Tee:
    """A text stream that also keeps the bytes written to it, as its own encoding makes them."""

    def __init__(self, stream):
        self._stream = stream
        self.kept: list[bytes] = []
        self.spoiled = False  # something went around the text layer (its buffer, its file descriptor)

    def write(self, text: str) -> int:
        written = self._stream.write(text)
        try:
            self.kept.append(text.encode(self._stream.encoding, self._stream.errors or "strict"))
        except (UnicodeError, LookupError):
            self.spoiled = True
        return written

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        if name == "buffer":
            self.spoiled = True
        return getattr(self._stream, name)

    def bytes(self) -> bytes:
        return b"".join(self.kept)
