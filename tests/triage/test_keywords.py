"""The board's category names as features: names split on 和 and 、, short parts and names every class has dropped;
one feature per class, log(1 + names found) × scale; the names travel inside the fitted model."""

import math
import pickle

from gridgov.triage import classifier
from gridgov.triage.keywords import TAG_TREE, Keywords, read_terms


def _tree(tmp_path, rows):
    path = tmp_path / "tree.csv"
    path.write_text("level1,level2,level3\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows), encoding="utf-8")
    return path


def test_names_are_split_and_the_common_and_short_ones_dropped(tmp_path):
    path = _tree(tmp_path, [
        ("劳动", "劳动关系", "工资发放和工资调整"), ("劳动", "劳动关系", "其他"), ("劳动", "社保", "养老、医"),
        ("交通", "客货运输", "其他"), ("交通", "网约车问题", "出租车管理"), ("别的类", "不要", "不要"),
    ])
    terms = read_terms(path, ("劳动", "交通"))
    assert terms == {"劳动": tuple(sorted(("劳动关系", "工资发放", "工资调整", "社保", "养老"))),
                     "交通": ("出租车管理", "客货运输", "网约车问题")}


def test_one_feature_a_class_counting_the_names_a_message_contains(tmp_path):
    path = _tree(tmp_path, [("劳动", "劳动关系", "工资发放和工资调整"), ("交通", "客货运输", "网约车问题")])
    k = Keywords(("劳动", "交通"), path=str(path), scale=0.5).fit()
    x = k.transform(["公司工资发放拖了三个月,工资调整也没有", "网约车问题", "路灯不亮"]).toarray()
    assert x.shape == (3, 2)
    assert math.isclose(x[0, 0], math.log1p(2) * 0.5) and x[0, 1] == 0
    assert x[1, 0] == 0 and math.isclose(x[1, 1], math.log1p(1) * 0.5)
    assert not x[2].any()
    assert list(k.get_feature_names_out()) == ["keywords_劳动", "keywords_交通"]


def test_the_names_travel_inside_the_fitted_model(tmp_path):
    path = _tree(tmp_path, [("劳动", "劳动关系", "工资发放")])
    k = Keywords(("劳动",), path=str(path)).fit()
    path.unlink()  # the tree on disk is gone (or changed): the model still predicts as it was fitted
    again = pickle.loads(pickle.dumps(k))
    assert again.transform(["工资发放"]).toarray()[0, 0] > 0


def test_the_shipped_tree_covers_the_seven_classes():
    terms = read_terms(TAG_TREE, classifier.CLASSES)
    assert all(len(terms[c]) >= 20 for c in classifier.CLASSES)
    assert "住房公积金" in terms["劳动和社会保障"] and "噪音污染" in terms["环境保护"]
    assert not any("其他" == t for ts in terms.values() for t in ts)


def test_the_shipped_model_learned_each_class_from_its_own_names():
    """In the shipped model each class's SVM leans most on its own names (the weight of keywords_<class> is the
    largest of the seven in its row and positive): the block is in the model and means what it says."""
    import numpy as np

    model, meta = classifier.load(classifier.SHIPPED)
    names = list(model.steps[0][1].get_feature_names_out())
    columns = {c: names.index(f"keywords__keywords_{c}") for c in classifier.CLASSES}
    svm = model.steps[1][1].calibrated_classifiers_[0].estimator
    for row, label in enumerate(model.classes_):
        weights = np.array([svm.coef_[row, columns[c]] for c in classifier.CLASSES])
        assert classifier.CLASSES[int(weights.argmax())] == label and weights.max() > 0
    assert "board category names" in meta["model"]
