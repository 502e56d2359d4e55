"""The pack as handed out: its files, kept with the cycle when the pack is the current cycle's (the
one the meeting saw), so that a closed cycle gives back the very files its meeting received."""

from __future__ import annotations

from collections.abc import Sequence

from sop_core.data import Store, keep_issued_pack
from sop_core.meeting.pack.build import pack_xlsx
from sop_core.meeting.pack.model import MeetingPack
from sop_core.meeting.pack.pdf import pack_pdf

PACK_FORMATS = ("pdf", "xlsx")


def pack_files(store: Store, pack: MeetingPack, formats: Sequence[str] = PACK_FORMATS) -> dict[str, bytes]:
    """The pack written in each of `formats`; kept as issued when it recorded its cycle's figures."""
    files = {fmt: pack_pdf(pack) if fmt == "pdf" else pack_xlsx(pack) for fmt in formats}
    if pack.recorded:
        for fmt, content in files.items():
            keep_issued_pack(store, pack.cycle, pack.lang, fmt, content)
    return files
