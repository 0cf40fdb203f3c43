"""Word 97–2003 .doc, RTF and OpenDocument .odt, through LibreOffice headless.

LibreOffice (``soffice``, Debian package ``libreoffice-writer-nogui``) converts the file to
.docx in a private temporary folder, with a private user profile (so that it neither meets a
running LibreOffice of the user nor leaves state behind) and a time limit; the .docx is then
read by :mod:`.readers_docx` with ``converted=True`` (table rows lost by the conversion are put
back, see there). When LibreOffice is not installed the error names the program to install.

Conversions in one process run one at a time (one profile per process: LibreOffice does not
share a profile between two running instances); the profile is created on the first
conversion and removed when the process exits.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from ..errors import IngestError
from .blocks import RawDocument

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOC_MEDIA_TYPE = "application/msword"
RTF_MEDIA_TYPE = "application/rtf"
CONVERT_TIMEOUT = 90.0  # seconds for one conversion (the first one also creates the profile)
PROGRAMS = ("soffice", "libreoffice")

_lock = threading.Lock()
_profile: tuple[int, Path] | None = None  # (pid, folder): a forked child makes its own


def is_ole2(data: bytes) -> bool:
    """A Compound File (Word 97–2003 .doc, but also .xls, .ppt, .msg)."""
    return data.startswith(OLE2_MAGIC)


def is_rtf(data: bytes) -> bool:
    return data.lstrip()[:5] == b"{\\rtf"


def read_doc(data: bytes, name: str) -> RawDocument:
    """A Word 97–2003 document; other Compound Files (Excel, PowerPoint, Outlook) are refused."""
    if "WordDocument".encode("utf-16-le") not in data:
        raise IngestError(f"{name}: a Microsoft Office binary file that is not a Word document (Excel, PowerPoint or Outlook?)", file=name)
    return read_via_libreoffice(data, name, "doc", DOC_MEDIA_TYPE, original_doc=data)


def read_rtf(data: bytes, name: str) -> RawDocument:
    return read_via_libreoffice(data, name, "rtf", RTF_MEDIA_TYPE)


def find_soffice() -> str | None:
    """The LibreOffice program on ``PATH``, if any."""
    return next((path for path in map(shutil.which, PROGRAMS) if path), None)


def read_via_libreoffice(data: bytes, name: str, kind: str, media_type: str, *, original_doc: bytes | None = None) -> RawDocument:
    """Convert ``data`` (a .``kind`` file) to .docx with LibreOffice and read that (checking the
    tables against ``original_doc``, the .doc's own text, when given)."""
    from .readers_docx import read_docx

    program = find_soffice()
    if program is None:
        raise IngestError(f"{name}: reading a .{kind} file needs LibreOffice, and the program 'soffice' is not installed "
                          "(Debian: apt-get install libreoffice-writer-nogui)", file=name)
    converted = convert_to_docx(program, data, name, kind)
    raw = read_docx(converted, name, converted=True, media_type=media_type, original_doc=original_doc)
    notes = (f"converted from .{kind} to .docx by LibreOffice",) + raw.notes
    return RawDocument(raw.name, raw.text, raw.blocks, raw.media_type, notes)


def convert_to_docx(program: str, data: bytes, name: str, kind: str, timeout: float = CONVERT_TIMEOUT) -> bytes:
    """The .docx LibreOffice makes of ``data``; IngestError when it fails or takes too long."""
    with _lock, tempfile.TemporaryDirectory(prefix="shnor-convert-") as folder:
        source = Path(folder) / f"document.{kind}"
        source.write_bytes(data)
        command = [program, f"-env:UserInstallation={_profile_dir().as_uri()}", "--headless", "--norestore",
                   "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML",
                   "--outdir", str(Path(folder) / "out"), str(source)]
        _run(command, name, kind, timeout, folder)
        target = Path(folder) / "out" / "document.docx"
        if not target.is_file() or target.stat().st_size == 0:
            raise IngestError(f"{name}: LibreOffice could not convert the .{kind} file (damaged or not a text document)", file=name)
        return target.read_bytes()


def _run(command: list[str], name: str, kind: str, timeout: float, folder: str) -> None:
    env = dict(os.environ, HOME=folder, SAL_USE_VCLPLUGIN="svp")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               env=env, cwd=folder, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while True:  # short waits: the per-file time limit can interrupt between them
            try:
                _, err = process.communicate(timeout=min(0.25, max(0.0, deadline - time.monotonic())))
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() >= deadline:
                    _kill(process)
                    raise IngestError(f"{name}: LibreOffice did not finish converting the .{kind} file in {timeout:.0f} s", file=name) from None
    except BaseException:  # the per-file time limit, or an interrupt: LibreOffice must not outlive us
        if process.poll() is None:
            _kill(process)
        raise
    if process.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {process.returncode}"]
        raise IngestError(f"{name}: LibreOffice failed to convert the .{kind} file: {tail[0][:200]}", file=name)


def _kill(process: subprocess.Popen) -> None:
    """Stop the conversion and everything it started (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


def _profile_dir() -> Path:
    """This process's private LibreOffice profile folder (removed at exit)."""
    global _profile
    if _profile is None or _profile[0] != os.getpid() or not _profile[1].exists():
        folder = Path(tempfile.mkdtemp(prefix=f"shnor-lo-profile-{os.getpid()}-"))
        atexit.register(_remove_profile, os.getpid(), folder)
        _profile = (os.getpid(), folder)
    return _profile[1]


def _remove_profile(pid: int, folder: Path) -> None:
    if os.getpid() == pid:
        shutil.rmtree(folder, ignore_errors=True)
