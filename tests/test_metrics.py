"""minitorch.metrics on small worked examples whose numbers are computed by hand in the
comments, plus edge cases; a cross-check against scikit-learn runs only where it is
installed."""
import warnings

import numpy as np
import pytest

import minitorch
from minitorch import metrics as M

# Worked example A (scikit-learn's classification_report example):
#   y_true = 0 1 2 2 2,  y_pred = 0 0 2 2 1
#   confusion matrix (rows true, cols pred): [[1,0,0],[1,0,0],[0,1,2]]
#   class 0: TP 1 FP 1 FN 0 TN 3 -> P 1/2  R 1    F1 2/3  spec 3/4
#   class 1: TP 0 FP 1 FN 1 TN 3 -> P 0    R 0    F1 0    spec 3/4
#   class 2: TP 2 FP 0 FN 1 TN 2 -> P 1    R 2/3  F1 4/5  spec 1
#   support 1 1 3
YA_T = [0, 1, 2, 2, 2]
YA_P = [0, 0, 2, 2, 1]


@pytest.fixture(autouse=True)
def _no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # zero division must stay silent
        yield


def approx(x):
    return pytest.approx(x, rel=1e-12, abs=1e-12)


# ----------------------------------------------------------------------------- accuracy
def test_accuracy_labels_and_logits():
    assert M.accuracy(YA_P, YA_T) == approx(3 / 5)
    # logits: argmax of each row is 2, 0, 1, 1 against targets 2, 0, 0, 1 -> 3/4
    logits = minitorch.tensor([[0.1, 0.2, 3.0], [5.0, 1.0, 0.0], [0.0, 2.0, 1.0],
                               [-1.0, 0.5, 0.0]])
    target = minitorch.tensor([2, 0, 0, 1])
    acc = M.accuracy(logits, target)
    assert isinstance(acc, float) and acc == approx(0.75)
    assert M.accuracy(np.array([1, 1]), np.array([1, 1])) == 1.0
    assert M.accuracy(minitorch.tensor([0.0, 1.0]), [1, 0]) == 0.0   # whole-number floats
    # (N, 1) columns are labels, as the classic loop's argmax(dim=1, keepdim=True) gives
    pred = logits.argmax(dim=1, keepdim=True)
    assert M.accuracy(pred, target) == approx(0.75)
    assert M.accuracy(pred, target.view(-1, 1)) == approx(0.75)


def test_accuracy_errors():
    with pytest.raises(ValueError, match="accuracy.*different numbers of samples"):
        M.accuracy([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="accuracy.*no samples"):
        M.accuracy([], [])
    with pytest.raises(ValueError, match="accuracy.*target.*non-integer"):
        M.accuracy([0, 1], [0.5, 1.0])
    with pytest.raises(ValueError, match="negative label"):
        M.accuracy([0, -1], [0, 1])


# ----------------------------------------------------------------------------- confusion
def test_confusion_matrix_worked_example():
    cm = M.confusion_matrix(YA_T, YA_P)
    assert cm.dtype == np.int64
    np.testing.assert_array_equal(cm, [[1, 0, 0], [1, 0, 0], [0, 1, 2]])
    # num_classes pads with a class seen nowhere
    np.testing.assert_array_equal(M.confusion_matrix(YA_T, YA_P, num_classes=4),
                                  [[1, 0, 0, 0], [1, 0, 0, 0], [0, 1, 2, 0], [0, 0, 0, 0]])


def test_confusion_matrix_tensors_and_scores():
    y = minitorch.tensor([1, 0, 1])
    scores = minitorch.tensor([[0.2, 0.8], [0.9, 0.1], [0.6, 0.4]])   # predicts 1, 0, 0
    np.testing.assert_array_equal(M.confusion_matrix(y, scores), [[1, 0], [1, 1]])


def test_confusion_matrix_errors():
    with pytest.raises(ValueError, match="confusion_matrix.*label 3.*num_classes=3"):
        M.confusion_matrix([0, 3], [0, 1], num_classes=3)
    with pytest.raises(ValueError, match="num_classes should be a positive int"):
        M.confusion_matrix([0], [0], num_classes=0)
    with pytest.raises(ValueError, match="y_true should be a 1-D array of labels"):
        M.confusion_matrix([[0, 1]], [0])


# ----------------------------------------------------------------------------- P / R / F1
def test_prf_per_class_worked_example():
    p, r, f, s = M.precision_recall_fscore_support(YA_T, YA_P)
    np.testing.assert_allclose(p, [1 / 2, 0, 1], rtol=1e-12)
    np.testing.assert_allclose(r, [1, 0, 2 / 3], rtol=1e-12)
    np.testing.assert_allclose(f, [2 / 3, 0, 4 / 5], rtol=1e-12)
    np.testing.assert_array_equal(s, [1, 1, 3])
    np.testing.assert_allclose(M.specificity(YA_T, YA_P), [3 / 4, 3 / 4, 1], rtol=1e-12)


def test_prf_averages_worked_example():
    # macro: P (1/2 + 0 + 1)/3 = 1/2; R (1 + 0 + 2/3)/3 = 5/9; F1 (2/3 + 0 + 4/5)/3 = 22/45
    p, r, f, s = M.precision_recall_fscore_support(YA_T, YA_P, average="macro")
    assert (p, r, f, s) == (approx(1 / 2), approx(5 / 9), approx(22 / 45), None)
    # weighted by support 1, 1, 3: P (1/2 + 0 + 3)/5 = 0.7; R (1 + 0 + 2)/5 = 0.6;
    # F1 (2/3 + 0 + 12/5)/5 = 46/75
    p, r, f, _ = M.precision_recall_fscore_support(YA_T, YA_P, average="weighted")
    assert (p, r, f) == (approx(0.7), approx(0.6), approx(46 / 75))
    # micro: sum TP 3, sum FP 2, sum FN 2 -> all three are 3/5 = the accuracy
    p, r, f, _ = M.precision_recall_fscore_support(YA_T, YA_P, average="micro")
    assert (p, r, f) == (approx(0.6), approx(0.6), approx(0.6))
    # specificity: macro (3/4 + 3/4 + 1)/3 = 5/6; weighted (3/4 + 3/4 + 3)/5 = 0.9;
    # micro sum TN 8 / (sum TN 8 + sum FP 2) = 0.8
    assert M.specificity_score(YA_T, YA_P, average="macro") == approx(5 / 6)
    assert M.specificity_score(YA_T, YA_P, average="weighted") == approx(0.9)
    assert M.specificity_score(YA_T, YA_P, average="micro") == approx(0.8)
    # the single-metric helpers agree
    assert M.precision_score(YA_T, YA_P, average="macro") == approx(1 / 2)
    assert M.recall_score(YA_T, YA_P, average="weighted") == approx(0.6)
    assert M.sensitivity_score is M.recall_score
    assert M.f1_score(YA_T, YA_P, average="macro") == approx(22 / 45)
    np.testing.assert_allclose(M.f1_score(YA_T, YA_P), [2 / 3, 0, 4 / 5], rtol=1e-12)


def test_fbeta():
    # class 2 with beta 2: (1 + 4) 2 / ((1 + 4) 2 + 4 * 1 + 0) = 10/14
    # class 0: 5 * 1 / (5 + 0 + 1) = 5/6
    f = M.fbeta_score(YA_T, YA_P, beta=2.0)
    np.testing.assert_allclose(f, [5 / 6, 0, 10 / 14], rtol=1e-12)
    # beta 0 is the precision
    np.testing.assert_allclose(M.fbeta_score(YA_T, YA_P, beta=0.0), [1 / 2, 0, 1])


def test_binary_average():
    # y_true 0 1 1 0 1, y_pred 0 1 0 1 1: class 1 has TP 2 FP 1 FN 1 TN 1
    yt, yp = [0, 1, 1, 0, 1], [0, 1, 0, 1, 1]
    p, r, f, _ = M.precision_recall_fscore_support(yt, yp, average="binary")
    assert (p, r, f) == (approx(2 / 3), approx(2 / 3), approx(2 / 3))
    assert M.specificity_score(yt, yp, average="binary") == approx(1 / 2)
    # pos_label 0: TP 1 FP 1 FN 1 TN 2
    assert M.precision_score(yt, yp, average="binary", pos_label=0) == approx(1 / 2)
    assert M.specificity_score(yt, yp, average="binary", pos_label=0) == approx(2 / 3)
    with pytest.raises(ValueError, match="average='binary' needs two classes, found 3"):
        M.f1_score(YA_T, YA_P, average="binary")


def test_class_never_predicted_and_zero_division():
    # y_true 0 0 1 1 2, y_pred 0 0 0 1 0; class 2 is never predicted
    #   class 0: TP 2 FP 2 FN 0 TN 1 -> P 1/2 R 1   F1 4/6 spec 1/3
    #   class 1: TP 1 FP 0 FN 1 TN 3 -> P 1   R 1/2 F1 2/3 spec 1
    #   class 2: TP 0 FP 0 FN 1 TN 4 -> P 0/0 R 0   F1 0/1 spec 1
    yt, yp = [0, 0, 1, 1, 2], [0, 0, 0, 1, 0]
    p, r, f, s = M.precision_recall_fscore_support(yt, yp)
    np.testing.assert_allclose(p, [1 / 2, 1, 0])
    np.testing.assert_allclose(r, [1, 1 / 2, 0])
    np.testing.assert_allclose(f, [2 / 3, 2 / 3, 0])
    np.testing.assert_allclose(M.specificity(yt, yp), [1 / 3, 1, 1])
    # zero_division=1: only the undefined precision changes (F1's denominator is 1)
    p, _, f, _ = M.precision_recall_fscore_support(yt, yp, zero_division=1.0)
    np.testing.assert_allclose(p, [1 / 2, 1, 1])
    np.testing.assert_allclose(f, [2 / 3, 2 / 3, 0])
    # zero_division=nan: nan, and left out of the macro average
    p = M.precision_score(yt, yp, zero_division=float("nan"))
    assert np.isnan(p[2])
    assert M.precision_score(yt, yp, average="macro", zero_division=float("nan")) == approx(0.75)
    # a fourth class seen nowhere counts in the macro average (every metric 0/0 -> 0)
    p4, _, _, s4 = M.precision_recall_fscore_support(yt, yp, num_classes=4)
    np.testing.assert_allclose(p4, [1 / 2, 1, 0, 0])
    np.testing.assert_array_equal(s4, [2, 2, 1, 0])
    assert M.precision_score(yt, yp, num_classes=4, average="macro") == approx(1.5 / 4)
    np.testing.assert_allclose(M.specificity(yt, yp, num_classes=4), [1 / 3, 1, 1, 1])
    with pytest.raises(ValueError, match="zero_division should be 0.0, 1.0 or nan"):
        M.precision_score(yt, yp, zero_division=0.5)


def test_single_class():
    # only class 1 in a two-class problem: class 0 has no samples and no predictions
    p, r, f, s = M.precision_recall_fscore_support([1, 1, 1], [1, 1, 1])
    np.testing.assert_allclose(p, [0, 1])
    np.testing.assert_allclose(r, [0, 1])
    np.testing.assert_allclose(f, [0, 1])
    np.testing.assert_array_equal(s, [0, 3])
    # class 1 has no negatives: specificity 0/0 -> zero_division; class 0: TN 3 / 3
    np.testing.assert_allclose(M.specificity([1, 1, 1], [1, 1, 1]), [1, 0])
    # a one-class problem: num_classes 1
    np.testing.assert_array_equal(M.confusion_matrix([0, 0], [0, 0]), [[2]])
    p, r, f, s = M.precision_recall_fscore_support([0, 0], [0, 0])
    assert p.tolist() == r.tolist() == f.tolist() == [1.0] and s.tolist() == [2]


def test_perfect_and_all_wrong():
    y = [0, 1, 2, 1]
    p, r, f, _ = M.precision_recall_fscore_support(y, y, average="macro")
    assert (p, r, f) == (1.0, 1.0, 1.0)
    assert M.specificity_score(y, y, average="macro") == 1.0
    np.testing.assert_array_equal(M.confusion_matrix(y, y), np.diag([1, 2, 1]))
    # y_true 0 1 2, y_pred 1 2 0: every class TP 0 FP 1 FN 1 TN 1 -> P R F1 0, spec 1/2
    p, r, f, _ = M.precision_recall_fscore_support([0, 1, 2], [1, 2, 0])
    assert p.tolist() == r.tolist() == f.tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(M.specificity([0, 1, 2], [1, 2, 0]), [0.5, 0.5, 0.5])
    assert M.accuracy([1, 2, 0], [0, 1, 2]) == 0.0


def test_prf_errors():
    with pytest.raises(ValueError, match="average should be one of"):
        M.precision_score(YA_T, YA_P, average="samples")
    with pytest.raises(ValueError, match="y_true and y_pred have different numbers"):
        M.recall_score([0, 1], [0])
    with pytest.raises(TypeError, match="integer class labels, got dtype"):
        M.f1_score(np.array(["a", "b"]), [0, 1])


# ----------------------------------------------------------------------------- ROC
def test_roc_curve_worked_example():
    # scores 0.1 0.4 0.35 0.8 for labels 0 0 1 1; sorted: 0.8(+) 0.4(-) 0.35(+) 0.1(-)
    fpr, tpr, thr = M.roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    np.testing.assert_allclose(fpr, [0, 0, 0.5, 0.5, 1])
    np.testing.assert_allclose(tpr, [0, 0.5, 0.5, 1, 1])
    np.testing.assert_allclose(thr, [np.inf, 0.8, 0.4, 0.35, 0.1])
    # pairs (positive, negative) ranked right: 0.8 > both, 0.35 > 0.1 -> 3 of 4
    assert M.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == approx(0.75)
    assert M.auc(fpr, tpr) == approx(0.75)


def test_roc_curve_ties():
    # labels 0 1 0 1, scores 0.5 0.5 0.2 0.9: the tie at 0.5 is one point
    # thresholds inf, 0.9, 0.5, 0.2 -> TP 0 1 2 2, FP 0 0 1 2
    fpr, tpr, thr = M.roc_curve(minitorch.tensor([0, 1, 0, 1]),
                                minitorch.tensor([0.5, 0.5, 0.2, 0.9]))
    np.testing.assert_allclose(fpr, [0, 0, 0.5, 1])
    np.testing.assert_allclose(tpr, [0, 0.5, 1, 1])
    np.testing.assert_allclose(thr, [np.inf, 0.9, 0.5, 0.2])
    # 0.9 beats both negatives (2), 0.5 ties 0.5 (1/2) and beats 0.2 (1): 3.5 / 4
    assert M.roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) == approx(0.875)
    # all scores tied: the diagonal, AUC 1/2
    fpr, tpr, thr = M.roc_curve([0, 1, 1], [0.3, 0.3, 0.3])
    np.testing.assert_allclose(fpr, [0, 1])
    np.testing.assert_allclose(tpr, [0, 1])
    assert M.roc_auc_score([0, 1, 1], [0.3, 0.3, 0.3]) == approx(0.5)


def test_roc_curve_drop_intermediate():
    # perfectly ranked: 3 positives above 3 negatives
    y, s = [1, 1, 1, 0, 0, 0], [6, 5, 4, 3, 2, 1]
    fpr, tpr, thr = M.roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(fpr, [0, 0, 0, 0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(tpr, [0, 1 / 3, 2 / 3, 1, 1, 1, 1])
    # the corner points of the straight runs go: (0,0) (0,1/3) (0,1) (1,1)
    fpr, tpr, thr = M.roc_curve(y, s)
    np.testing.assert_allclose(fpr, [0, 0, 0, 1])
    np.testing.assert_allclose(tpr, [0, 1 / 3, 1, 1])
    np.testing.assert_allclose(thr, [np.inf, 6, 4, 1])
    assert M.roc_auc_score(y, s) == 1.0
    assert M.roc_auc_score(y, [-v for v in s]) == 0.0


def test_roc_labels_and_errors():
    # {-1, 1} labels, and any two labels with pos_label
    assert M.roc_auc_score([-1, -1, 1, 1], [0.1, 0.4, 0.35, 0.8]) == approx(0.75)
    assert M.roc_auc_score([3, 3, 7, 7], [0.1, 0.4, 0.35, 0.8], pos_label=7) == approx(0.75)
    _, tpr, _ = M.roc_curve([True, False], [0.9, 0.1])
    np.testing.assert_allclose(tpr, [0, 1, 1])
    with pytest.raises(ValueError, match="roc_curve.*only one class"):
        M.roc_curve([1, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match="roc_auc_score.*only one class"):
        M.roc_auc_score([0, 0], [0.2, 0.3])
    with pytest.raises(ValueError, match="binary labels"):
        M.roc_curve([0, 2], [0.2, 0.3])
    with pytest.raises(ValueError, match="scores should be 1-D"):
        M.roc_curve([0, 1], [[0.2, 0.8], [0.3, 0.7]])
    with pytest.raises(ValueError, match="different numbers of samples"):
        M.roc_curve([0, 1], [0.2])
    with pytest.raises(ValueError, match="NaN"):
        M.roc_auc_score([0, 1], [0.2, float("nan")])


# Worked example B, one-vs-rest:
#   y = 0 1 2 2;  scores rows [.7 .2 .1] [.3 .4 .3] [.2 .5 .3] [.1 .1 .8]
#   class 0: positive 0.7 against 0.3 0.2 0.1 -> 3/3 = 1
#   class 1: positive 0.4 against 0.2 0.5 0.1 -> 2/3
#   class 2: positives 0.3 0.8 against 0.1 0.3 -> (1 + 1/2 + 2) / 4 = 7/8
YB = [0, 1, 2, 2]
SB = [[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]


def test_roc_auc_one_vs_rest():
    per = M.roc_auc_score(YB, SB, average=None)
    np.testing.assert_allclose(per, [1, 2 / 3, 7 / 8], rtol=1e-12)
    assert M.roc_auc_score(YB, minitorch.tensor(SB)) == approx((1 + 2 / 3 + 7 / 8) / 3)
    # weighted by prevalence 1, 1, 2
    assert M.roc_auc_score(YB, SB, average="weighted") == approx((1 + 2 / 3 + 7 / 4) / 4)
    # micro: positives 0.7 0.4 0.3 0.8 vs 8 negatives 0.2 0.1 0.3 0.3 0.2 0.5 0.1 0.1:
    # 0.7 and 0.8 beat all 8, 0.4 beats 7, 0.3 beats 5 and ties 2 -> 29/32
    assert M.roc_auc_score(YB, SB, average="micro") == approx(29 / 32)


def test_roc_auc_one_vs_rest_errors():
    with pytest.raises(ValueError, match="class 1 has no samples"):
        M.roc_auc_score([0, 0, 2], SB[:3])
    with pytest.raises(ValueError, match="label 3 but scores have only 3 columns"):
        M.roc_auc_score([0, 1, 3, 2], SB)
    with pytest.raises(ValueError, match="multi_class='ovr'"):
        M.roc_auc_score(YB, SB, multi_class="ovo")


# ----------------------------------------------------------------------------- report
SKLEARN_REPORT = """\
              precision    recall  f1-score   support

     class 0       0.50      1.00      0.67         1
     class 1       0.00      0.00      0.00         1
     class 2       1.00      0.67      0.80         3

    accuracy                           0.60         5
   macro avg       0.50      0.56      0.49         5
weighted avg       0.70      0.60      0.61         5
"""


def test_classification_report_text():
    # the text scikit-learn's documentation shows for this example
    text = M.classification_report(YA_T, YA_P, target_names=["class 0", "class 1", "class 2"])
    assert text == SKLEARN_REPORT
    text = M.classification_report(minitorch.tensor(YA_T), minitorch.tensor(YA_P), digits=3)
    lines = text.splitlines()
    assert lines[2] == "           0      0.500     1.000     0.667         1"
    assert lines[6] == "    accuracy                          0.600         5"


def test_classification_report_dict():
    d = M.classification_report(YA_T, YA_P, output_dict=True)
    assert list(d) == ["0", "1", "2", "accuracy", "macro avg", "weighted avg"]
    assert d["2"] == {"precision": 1.0, "recall": approx(2 / 3), "f1-score": approx(0.8),
                      "support": 3}
    assert d["accuracy"] == approx(0.6)
    assert d["macro avg"]["f1-score"] == approx(22 / 45)
    assert d["weighted avg"]["support"] == 5
    with pytest.raises(ValueError, match="target_names has 2 names but there are 3 classes"):
        M.classification_report(YA_T, YA_P, target_names=["a", "b"])


# ----------------------------------------------------------------------------- sklearn
def test_against_sklearn():
    sk = pytest.importorskip("sklearn.metrics", reason="scikit-learn is not installed "
                             "(optional cross-check)")
    rng = np.random.default_rng(0)
    for k in (2, 3, 5):
        y = rng.integers(0, k, 60)
        scores = rng.random((60, k))
        scores[:, 0] = np.round(scores[:, 0], 1)            # ties
        pred = np.where(rng.random(60) < 0.6, y, rng.integers(0, k, 60))
        labels = list(range(k))
        np.testing.assert_array_equal(M.confusion_matrix(y, pred, num_classes=k),
                                      sk.confusion_matrix(y, pred, labels=labels))
        for avg in (None, "macro", "micro", "weighted"):
            ours = M.precision_recall_fscore_support(y, pred, num_classes=k, average=avg)
            theirs = sk.precision_recall_fscore_support(y, pred, labels=labels, average=avg,
                                                        zero_division=0)
            for a, b in zip(ours[:3], theirs[:3]):
                np.testing.assert_allclose(a, b, rtol=1e-12)
        assert M.classification_report(y, pred, num_classes=k) == \
            sk.classification_report(y, pred, labels=labels, zero_division=0)
        yb = (y == 0).astype(int)
        for a, b in zip(M.roc_curve(yb, scores[:, 0]), sk.roc_curve(yb, scores[:, 0])):
            np.testing.assert_allclose(a, b)
        assert M.roc_auc_score(yb, scores[:, 0]) == approx(sk.roc_auc_score(yb, scores[:, 0]))
        if k > 2:
            probs = scores / scores.sum(1, keepdims=True)
            for avg in ("macro", "weighted"):
                assert M.roc_auc_score(y, probs, average=avg) == approx(
                    sk.roc_auc_score(y, probs, multi_class="ovr", average=avg))
