"""Statistics the studies share: intervals for proportions."""
import numpy as np
from scipy.stats import binomtest, norm


def wilson(k, n, z: float = 1.96):
    """Wilson score interval of binomial proportions k/n at z standard errors (1.96: 95%),
    elementwise, from scipy.stats.binomtest (exact bounds 0 at k = 0 and 1 at k = n)."""
    level = 2 * norm.cdf(z) - 1
    k, n = np.broadcast_arrays(np.asarray(k), np.asarray(n))
    cis = [binomtest(int(a), int(b)).proportion_ci(level, method="wilson") for a, b in zip(k.ravel(), n.ravel())]
    lo = np.array([ci.low for ci in cis], float).reshape(k.shape)
    hi = np.array([ci.high for ci in cis], float).reshape(k.shape)
    return lo[()], hi[()]
