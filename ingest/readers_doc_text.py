"""The raw text of a Word 97–2003 .doc, read from the file itself (no LibreOffice).

Used to check a LibreOffice conversion: in a .doc's text every table cell ends with a cell
mark (``\\x07``) and every row with one more, so a table that the conversion flattened into a
paragraph can be found — and its cells and rows put back — from the original.

Reads the Compound File (OLE2) container, the File Information Block of the ``WordDocument``
stream and the piece table (``Clx``) in the ``0Table``/``1Table`` stream; returns the main
document's text (``\\r`` paragraph marks, ``\\x07`` cell and row marks). Any inconsistency in
the file raises :class:`ValueError` (the caller treats the check as impossible, not the file as
bad: LibreOffice may still read it).
"""

from __future__ import annotations

import struct

ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
_MAX_SECTORS = 1 << 22


class _Compound:
    """A minimal Compound File reader: streams of the root storage by name."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise ValueError("not a Compound File")
        self.data = data
        self.shift, self.mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if self.shift not in (9, 12) or self.mini_shift != 6:
            raise ValueError("unusual sector sizes")
        (fat_count, dir_start, _, self.cutoff, minifat_start, minifat_count, difat_start,
         difat_count) = struct.unpack_from("<IIIIIIII", data, 0x2C)
        self.fat = self._fat(list(struct.unpack_from("<109I", data, 0x4C)), difat_start, difat_count, fat_count)
        self.entries = self._directory(dir_start)
        root = self.entries.get("Root Entry")
        if root is None:
            raise ValueError("no root entry")
        self.mini_stream = self._chain_bytes(root[0], root[1]) if root[1] else b""
        self.minifat = self._ints(self._chain_bytes(minifat_start, minifat_count << self.shift)) if minifat_count else []

    def sector(self, n: int) -> bytes:
        start = (n + 1) << self.shift
        if n >= _MAX_SECTORS or start + (1 << self.shift) > len(self.data):
            raise ValueError(f"sector {n} is outside the file")
        return self.data[start:start + (1 << self.shift)]

    @staticmethod
    def _ints(raw: bytes) -> list[int]:
        return list(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))

    def _fat(self, difat: list[int], next_difat: int, difat_count: int, fat_count: int) -> list[int]:
        per_sector = (1 << self.shift) // 4
        for _ in range(difat_count):
            if next_difat in (ENDOFCHAIN, FREESECT):
                break
            ints = self._ints(self.sector(next_difat))
            difat.extend(ints[:-1])
            next_difat = ints[-1]
        fat: list[int] = []
        for n in difat[:fat_count]:
            if n in (ENDOFCHAIN, FREESECT):
                continue
            fat.extend(self._ints(self.sector(n)))
        if len(fat) < per_sector:
            raise ValueError("empty allocation table")
        return fat

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain, seen = [], set()
        while start not in (ENDOFCHAIN, FREESECT):
            if start in seen or start >= len(table):
                raise ValueError("broken sector chain")
            seen.add(start)
            chain.append(start)
            start = table[start]
        return chain

    def _chain_bytes(self, start: int, size: int) -> bytes:
        return b"".join(self.sector(n) for n in self._chain(start, self.fat))[:size]

    def _directory(self, start: int) -> dict[str, tuple[int, int]]:
        raw = b"".join(self.sector(n) for n in self._chain(start, self.fat))
        entries = {}
        for offset in range(0, len(raw) - 127, 128):
            name_length, kind = struct.unpack_from("<HB", raw, offset + 0x40)
            if kind not in (1, 2, 5) or not 2 <= name_length <= 64:
                continue
            name = raw[offset:offset + name_length - 2].decode("utf-16-le", "replace")
            sector, size = struct.unpack_from("<II", raw, offset + 0x74)
            entries.setdefault(name, (sector, size))
        return entries

    def stream(self, name: str) -> bytes:
        if name not in self.entries:
            raise ValueError(f"no stream {name}")
        start, size = self.entries[name]
        if size < self.cutoff:
            mini = 1 << self.mini_shift
            return b"".join(self.mini_stream[n * mini:(n + 1) * mini] for n in self._chain(start, self.minifat))[:size]
        return self._chain_bytes(start, size)


def doc_text(data: bytes) -> str:
    """The main document text of a .doc (``\\r`` ends paragraphs, ``\\x07`` ends cells and rows)."""
    compound = _Compound(data)
    word = compound.stream("WordDocument")
    if len(word) < 0x200 or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
        raise ValueError("not a Word 97–2003 document")
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & 0x0100:
        raise ValueError("encrypted document")
    table = compound.stream("1Table" if flags & 0x0200 else "0Table")
    csw = struct.unpack_from("<H", word, 32)[0]
    lw_at = 32 + 2 + 2 * csw
    cslw = struct.unpack_from("<H", word, lw_at)[0]
    ccp_text = struct.unpack_from("<I", word, lw_at + 2 + 4 * 3)[0]
    blob_at = lw_at + 2 + 4 * cslw + 2
    fc_clx, lcb_clx = struct.unpack_from("<II", word, blob_at + 8 * 33)
    pieces = _pieces(table[fc_clx:fc_clx + lcb_clx])
    text = "".join(_piece_text(word, fc, length) for fc, length in pieces)
    return text[:ccp_text]


def _pieces(clx: bytes) -> list[tuple[int, int]]:
    """(file offset with the compression bit, character count) of each text piece."""
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: property modifiers, skipped
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    if at >= len(clx) or clx[at] != 0x02:
        raise ValueError("no piece table")
    lcb = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5:at + 5 + lcb]
    count = (len(plc) - 4) // 12
    if count <= 0:
        raise ValueError("empty piece table")
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    out = []
    for k in range(count):
        fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * k + 2)[0]
        out.append((fc, max(0, cps[k + 1] - cps[k])))
    return out


def _piece_text(word: bytes, fc: int, length: int) -> str:
    if fc & 0x40000000:
        start = (fc & 0x3FFFFFFF) // 2
        return word[start:start + length].decode("cp1252", "replace")
    return word[fc:fc + 2 * length].decode("utf-16-le", "replace")


class TableFinder:
    """Finds, in a .doc's text, the table whose cells run together make a given paragraph."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.keep = [i for i, ch in enumerate(text) if ch not in "\x07\r"]
        self.plain = "".join(text[i] for i in self.keep)

    def rows(self, flattened: str) -> list[list[str]] | None:
        """The rows of the table whose cells, run together, read ``flattened`` — or None.

        The stretch of the text that reads as ``flattened`` once the cell marks (and paragraph
        marks) are taken out is split at the marks: the first row (the header) gives the width,
        its cells up to the first row mark, and every row must be that many cells and a row
        mark, or nothing is recovered.
        """
        at = self.plain.find(flattened) if flattened else -1
        if at < 0:
            return None
        start, end = self.keep[at], self.keep[at + len(flattened) - 1] + 1
        while end < len(self.text) and self.text[end] == "\x07":
            end += 1
        marks = self.text[start:end].split("\x07")[:-1]  # the stretch ends with a mark
        width = next((k for k, part in enumerate(marks) if k and part == ""), None)
        if not width or width < 2 or len(marks) % (width + 1):
            return None
        rows = [marks[i:i + width + 1] for i in range(0, len(marks), width + 1)]
        if any(row[-1] != "" for row in rows):
            return None
        return [[cell.replace("\r", "\n").strip() for cell in row[:-1]] for row in rows]
