"""Caps on what a tabular input may claim or hold, checked before it is read (and again while it is).

A registry export is untrusted input: an upload from anyone holding an editor key, or a file someone
copied onto the server. A few kilobytes can claim gigabytes — an ``.xlsx`` whose sheet says it spans
``A1:XFD1048576`` (openpyxl pads every row to the claimed width: a 4.9 KB file claiming
``A1:XFD10000`` took 13 s and 2.4 GB), a zip member that inflates a thousandfold, a CSV field of
a hundred megabytes. Every such input is refused with a reason naming the cap, quickly and without
materialising what it claims:

=====================  ==============  ===========================================================
cap                    default         checked
=====================  ==============  ===========================================================
``max_file_bytes``     512 MiB         the file's size, before it is read
``max_rows``           2,000,000       data rows: the line count of a text file before parsing, the
                                       sheet's claimed dimension, and the rows as they stream
``max_columns``        512             the header's cells, the sheet's claimed width, each row
``max_cells``          20,000,000      a sheet's claimed rows × columns
``max_field_chars``    131,072         each cell (128 Ki characters; a longer one rejects its row)
``max_unzipped_bytes`` 1 GiB           an ``.xlsx``'s members, uncompressed, as the zip claims them
``max_zip_ratio``      1,000           each member's uncompressed / compressed size
=====================  ==============  ===========================================================
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "ReadLimits"]


@dataclass(frozen=True)
class ReadLimits:
    max_file_bytes: int = 512 * 1024 * 1024
    max_rows: int = 2_000_000
    max_columns: int = 512
    max_cells: int = 20_000_000
    max_field_chars: int = 128 * 1024
    max_unzipped_bytes: int = 1024 * 1024 * 1024
    max_zip_ratio: int = 1000


DEFAULT_LIMITS = ReadLimits()
