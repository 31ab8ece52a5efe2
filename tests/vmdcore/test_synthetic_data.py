import numpy as np
import pytest

from vmdcore.tasks import synthetic


@pytest.mark.parametrize("name,size", [("pair", 10), ("pair-skewed", 10), ("D1", 10), ("D2", 100)])
def test_distributions_are_normalised_and_sequences_follow_the_rule(name, size):
    dist = synthetic.distribution(name)
    assert len(dist.support) == size and abs(dist.probs.sum() - 1) < 1e-12
    s = dist.support
    assert ((s[:, 1] - s[:, 0]) % 10 == 1).all()
    if name == "D1":
        assert ((s[:, 3] - s[:, 2]) % 10 == 1).all() and ((s[:, 2] - s[:, 1]) % 10 == 1).all()
    if name == "D2":
        assert ((s[:, 3] - s[:, 2]) % 10 == 1).all()


def test_skewed_pair_probabilities():
    dist = synthetic.distribution("pair-skewed")
    assert np.allclose(dist.probs, (np.arange(10) + 1) / 55)


def test_scores_of_perfect_and_of_independent_samples():
    rng = np.random.default_rng(0)
    dist = synthetic.distribution("D1")
    perfect = synthetic.score_samples(dist, dist.sample(20000, rng))
    assert perfect.accuracy == 1.0 and perfect.kl < 0.01
    independent = synthetic.score_samples(dist, rng.integers(0, 10, size=(20000, 4)))
    assert independent.accuracy < 0.005 and independent.kl > 5


def test_missing_modes_raise_kl_but_not_accuracy():
    dist = synthetic.distribution("D2")
    half = dist.support[:50]
    score = synthetic.score_samples(dist, np.repeat(half, 100, axis=0))
    assert score.accuracy == 1.0 and score.kl > 1.0


def test_unknown_dataset():
    with pytest.raises(ValueError, match="unknown synthetic dataset"):
        synthetic.distribution("D3")
