"""Message text as the classifier reads it: the title (twice: it is the densest part) and the body, whitespace
folded, segmented by jieba (dictionary only, no HMM guessing of unknown words: twice as fast and as good here) with the
domain dictionary (`data/userdict.txt`: 网格员, 占道经营, 公积金 …) so that the
words of governance stay whole. jieba loads its dictionary once per process (about a second; `warm()` does it at
start-up in production)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

USERDICT = Path(__file__).with_name("data") / "userdict.txt"
_lock = threading.Lock()
_tokenizer = None


def _jieba():
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(60)
                tok = jieba.Tokenizer()
                tok.initialize()
                tok.load_userdict(str(USERDICT))
                _tokenizer = tok
    return _tokenizer


def warm() -> None:
    _jieba()


BODY_CHARS = 1000  # the beginning of a long message says where it belongs; the rest only costs time


def message(title: str, text: str) -> str:
    title, text = (title or "").strip(), (text or "").strip()[:BODY_CHARS]
    return re.sub(r"\s+", " ", f"{title}。{title}。{text}")


def words(s: str) -> list[str]:
    """The words of a text (spaces and punctuation dropped)."""
    return [w for w in _jieba().lcut(s, HMM=False) if w.strip() and not _PUNCT.fullmatch(w)]


_PUNCT = re.compile(r"[\W_]+")


def segmented(s: str) -> str:
    return " ".join(words(s))
