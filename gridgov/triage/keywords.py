"""The board's own category names as features: for each department class, how many of the names in its part of the
provincial board's tag tree (`data/tag_tree.csv`: the level-2 and level-3 categories under each of the 7 classes,
e.g. 住房公积金, 拖欠工资, 噪音污染, 网约车问题) a message contains. 934 labelled messages are few; the tree says in a
few hundred words what each class is about, and a message that names 劳动合同纠纷 or 医患纠纷 is rarely about anything
else. A name is split on 和 and 、 ("城市建设和市政管理" → 城市建设, 市政管理); parts shorter than two characters are
dropped, and so are names filed under every class (其他).

One feature per class, log(1 + names found) × `scale`, next to the TF-IDF features (the weight was chosen by
cross-validation, see `classifier.CHOICE`). The names are read when the model is fitted and travel inside the model
file, so a model predicts the same with whatever tree is on disk later."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

from sklearn.base import BaseEstimator, TransformerMixin

TAG_TREE = Path(__file__).with_name("data") / "tag_tree.csv"
_SPLIT = re.compile(r"[和、]")


def read_terms(path: Path, classes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Each class's category names (split, two characters or more), without names every class has."""
    found: dict[str, set[str]] = {c: set() for c in classes}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            terms = found.get((row.get("level1") or "").strip())
            if terms is None:
                continue
            for name in (row.get("level2") or "", row.get("level3") or ""):
                terms.update(p.strip() for p in _SPLIT.split(name) if len(p.strip()) >= 2)
    everywhere = set.intersection(*found.values()) if len(found) > 1 else set()
    return {c: tuple(sorted(t - everywhere)) for c, t in found.items()}


class Keywords(TransformerMixin, BaseEstimator):
    def __init__(self, classes: tuple[str, ...] = (), path: str = "", scale: float = 0.3):
        self.classes = classes
        self.path = path
        self.scale = scale

    def fit(self, X=None, y=None):
        terms = read_terms(Path(self.path) if self.path else TAG_TREE, tuple(self.classes))
        self.terms_ = tuple(terms[c] for c in self.classes)
        return self

    def transform(self, X):
        from scipy.sparse import csr_matrix

        values = [[math.log1p(sum(t in message for t in terms)) * self.scale for terms in self.terms_]
                  for message in X]
        return csr_matrix(values, shape=(len(values), len(self.terms_)))

    def get_feature_names_out(self, input_features=None):
        import numpy as np

        return np.array([f"keywords_{c}" for c in self.classes], dtype=object)
