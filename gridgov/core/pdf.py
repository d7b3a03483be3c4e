"""PDF documents in Chinese (mediation files, monthly reports): the CJK font embedded so they print the same
everywhere — the first found of GRIDGOV_CJK_FONT and the usual Debian CJK fonts (fonts-wqy-microhei, installed by
scripts/setup.sh); without any, reportlab's built-in STSong-Light is named (not embedded: the viewer supplies the
glyphs)."""

from __future__ import annotations

import os
from functools import lru_cache

from django.conf import settings

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
]


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register and name the CJK font the PDF documents use."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    configured = getattr(settings, "GRIDGOV_CJK_FONT", "") or os.environ.get("GRIDGOV_CJK_FONT", "")
    for path in [configured, *FONT_CANDIDATES]:
        if path and os.path.exists(path):
            kwargs = {"subfontIndex": 0} if path.endswith(".ttc") else {}
            pdfmetrics.registerFont(TTFont("GridgovCJK", path, **kwargs))
            return "GridgovCJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"
